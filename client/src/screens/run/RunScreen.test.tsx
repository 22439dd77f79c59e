import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/engine.ts';
import { progress, RUN_COUNTS, run, sse } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';

const RUN = '/api/migrations/7/run';
const EVENTS = '/api/migrations/7/run/events';

/**
 * A server whose runs (newest first) the test changes; the event stream sends `stream` once, then ends
 * (204).
 */
function server(state: { runs: Run[] }, stream = '') {
  let streamed = false;
  const api = new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', RUN, () => ({ body: { run: state.runs[0] ?? null, counts: RUN_COUNTS } }))
    .on('GET', '/api/migrations/7/runs', () => ({ body: { runs: state.runs } }))
    .on('GET', EVENTS, () => {
      if (streamed || stream === '') return { status: 204 };
      streamed = true;
      return { text: `retry: 600000\n\n${stream}`, contentType: 'text/event-stream' };
    });
  return api;
}

async function open(api: FakeApi) {
  renderPanel('/migrations/7/run', api);
  await screen.findByRole('heading', { level: 1, name: 'Run the migration' });
}

function bar(name: string): string | null {
  return screen.getByRole('progressbar', { name }).getAttribute('aria-valuetext');
}

describe('the full run', () => {
  it('shows a loading state until the run arrives', async () => {
    const answer = deferred<Reply>();
    const api = server({ runs: [] }).on('GET', RUN, () => answer.promise);
    await open(api);
    expect(await screen.findByText('Loading the run…')).toBeDefined();
    answer.resolve({ body: { run: null, counts: {} } });
    expect(await screen.findByRole('heading', { name: 'The full run has not started' })).toBeDefined();
  });

  it('says the run could not be loaded and loads it again on request', async () => {
    let fail = true;
    const api = server({ runs: [] }).on('GET', RUN, () =>
      fail
        ? apiError(500, 'internal', 'The database is not reachable.')
        : { body: { run: null, counts: {} } },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The run could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'The full run has not started' })).toBeDefined();
  });

  it('shows the run as the server has it, then its live progress per kind of record', async () => {
    const api = server(
      { runs: [run()] },
      sse([
        {
          event: 'progress',
          data: progress({
            counts: { ...RUN_COUNTS, person: { done: 800, planned: 395, skipped: 5 } },
            writes: 880,
            requests: 900,
          }),
        },
      ]),
    );
    await open(api);
    await screen.findByRole('heading', { name: /Full run 4/ });
    await waitFor(() => expect(bar('People')?.startsWith('805 of 1,200')).toBe(true));
    expect(bar('Organizations')).toBe('14 of 14 · done');
    expect(bar('Notes')?.startsWith('5 of 1,200')).toBe(true);
    expect(screen.getByLabelText('Spent so far').textContent).toBe('Requests900Tokens5,000Writes880');
    expect(screen.getByText('Running')).toBeDefined();
  });

  it('adds a bar for activities and files when the migration has them', async () => {
    const api = server({ runs: [run()] }).on('GET', RUN, {
      body: { run: run(), counts: { ...RUN_COUNTS, file: { done: 2, planned: 1 }, activity: {} } },
    });
    await open(api);
    await screen.findByRole('heading', { name: /Full run 4/ });
    expect(bar('Files')?.startsWith('2 of 3')).toBe(true);
    expect(screen.queryByRole('progressbar', { name: 'Activities' })).toBeNull();
  });

  it('asks before starting the full run and starts it on yes', async () => {
    const state = { runs: [run({ id: 3, kind: 'sample', status: 'completed' })] };
    const api = server(state).on('POST', RUN, () => {
      state.runs = [run({ status: 'queued' }), ...state.runs];
      return { status: 202, body: state.runs[0] };
    });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Start the full run' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Start the full migration?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start the migration' }));
    expect(await screen.findByRole('heading', { name: /Full run 4/ })).toBeDefined();
    expect(screen.getByText('Waiting to start')).toBeDefined();
    expect(api.requests().filter((r) => r === `POST ${RUN}`)).toHaveLength(1);
  });

  it('sends nothing when the admin declines to start', async () => {
    const api = server({ runs: [] });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Start the full run' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Start the full migration?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([]);
  });

  it('pauses a running run and resumes it', async () => {
    const state = { runs: [run()] };
    const api = server(state)
      .on('POST', `${RUN}/pause`, () => {
        state.runs = [run({ status: 'paused' })];
        return { body: state.runs[0] };
      })
      .on('POST', `${RUN}/resume`, () => {
        state.runs = [run({ status: 'queued' })];
        return { body: state.runs[0] };
      });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByText('Paused')).toBeDefined();
    expect(bar('People')).toBe('405 of 1,200 · paused');
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(await screen.findByText('Waiting to start')).toBeDefined();
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([
      `POST ${RUN}/pause`,
      `POST ${RUN}/resume`,
    ]);
  });

  it('says a requested pause is on its way and does not offer to pause again', async () => {
    await open(server({ runs: [run({ requested: 'pause' })] }));
    const card = await screen.findByRole('region', { name: /Full run 4/ });
    expect(within(card).getByRole('note').textContent).toBe('PausingThe run pauses after its current batch.');
    expect(screen.getByRole('button', { name: 'Pause' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(false);
  });

  it('says a requested cancel is on its way and does not offer to cancel again', async () => {
    await open(server({ runs: [run({ requested: 'cancel' })] }));
    const card = await screen.findByRole('region', { name: /Full run 4/ });
    expect(within(card).getByRole('alert').textContent).toBe(
      'CancellingThe run stops after its current batch.',
    );
    expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(true);
  });

  it('asks before cancelling, in red, and cancels on yes', async () => {
    const state = { runs: [run()] };
    const api = server(state).on('POST', `${RUN}/cancel`, () => {
      state.runs = [run({ status: 'cancelled', finishedAt: 1_795_000_100_000 })];
      return { body: state.runs[0] };
    });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel the migration?' });
    const yes = within(dialog).getByRole('button', { name: 'Cancel the migration' });
    expect(yes.className).toContain('button--negative');
    await userEvent.click(yes);
    expect(await screen.findByText('Cancelled')).toBeDefined();
    expect(screen.getByRole('link', { name: 'Read the report' }).getAttribute('href')).toBe(
      '/migrations/7/report',
    );
  });

  it('says when a paused run waits for the next day of API budget', async () => {
    await open(server({ runs: [run({ status: 'paused', resumeAt: Date.UTC(2026, 10, 26, 0, 0) })] }));
    const title = await screen.findByText("Waiting for tomorrow's API budget");
    expect(title.closest('.banner')?.textContent).toMatch(
      /Today's share of the budget is spent; the run goes on by itself at 2[56] Nov 2026, \d\d:\d\d\./,
    );
    expect(screen.getByRole('button', { name: 'Resume' })).toBeDefined();
  });

  it('says why a failed run stopped', async () => {
    await open(
      server({
        runs: [
          run({
            status: 'failed',
            errorCode: 'token_revoked',
            errorMessage: 'Pipedrive refused the token.',
          }),
        ],
      }),
    );
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('Pipedrive refused the token.');
    expect(within(banner).getByText('token_revoked')).toBeDefined();
  });

  it('keeps the full run start closed while a sample is still going', async () => {
    await open(server({ runs: [run({ id: 3, kind: 'sample', status: 'running' })] }));
    const start = await screen.findByRole('button', { name: 'Start the full run' });
    expect((start as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('link', { name: 'Follow the sample' }).getAttribute('href')).toBe(
      '/migrations/7/sample',
    );
  });

  it('shows the full run, not a later run of another kind', async () => {
    await open(
      server({
        runs: [
          run({ id: 9, kind: 'delta', status: 'completed' }),
          run({ status: 'completed', finishedAt: 1_795_000_100_000 }),
        ],
      }),
    );
    expect(await screen.findByRole('heading', { name: /Full run 4/ })).toBeDefined();
    expect(screen.getByText('Completed')).toBeDefined();
  });

  it('says why an action was refused', async () => {
    const api = server({ runs: [run()] }).on(
      'POST',
      `${RUN}/pause`,
      apiError(409, 'run_finished', 'Run 4 is completed.'),
    );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const error = await screen.findByRole('alert', { name: 'That did not work' });
    expect(within(error).getByText('Run 4 is completed.')).toBeDefined();
  });
});
