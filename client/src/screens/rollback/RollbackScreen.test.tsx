import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/engine.ts';
import type { DryRun, RollbackStatus } from '../../api/rollback.ts';
import { run } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';

const ROLLBACK = '/api/migrations/7/rollback';
const FULL = run({ status: 'completed', finishedAt: 1_795_000_100_000 });

function dryRun(over: Partial<DryRun> = {}): DryRun {
  return {
    migrationId: 7,
    scope: { runId: null },
    force: false,
    removeFields: false,
    summary: {
      organization: { delete: 14 },
      person: { delete: 1188, restore: 15, keep: 2 },
      note: { delete: 1195 },
    },
    items: [
      {
        recordId: 40,
        entity: 'person',
        pipedriveId: 540,
        fieldCode: null,
        action: 'keep',
        reason: 'value_changed',
        detail: {
          label: 'Søren Østergaard',
          actimoKey: 'u-1001',
          conflicts: [{ key: 'job_title', wrote: 'Sælger', now: 'Salgschef' }],
        },
      },
      {
        recordId: 41,
        entity: 'person',
        pipedriveId: 541,
        fieldCode: null,
        action: 'delete',
        reason: 'created_by_us',
        detail: { label: 'Ida Holm', actimoKey: 'u-1002' },
      },
    ],
    token: 'tok-abc',
    ...over,
  };
}

interface State {
  runs: Run[];
  status: RollbackStatus;
}

function server(state: State) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', '/api/migrations/7/run', () => ({ body: { run: state.runs[0] ?? null, counts: {} } }))
    .on('GET', '/api/migrations/7/runs', () => ({ body: { runs: state.runs } }))
    .on('GET', '/api/migrations/7/run/events', { status: 204 })
    .on('GET', ROLLBACK, () => ({ body: state.status }))
    .on('POST', `${ROLLBACK}/dry-run`, (req) => ({ body: dryRun(req.body as Partial<DryRun>) }));
}

const NONE: RollbackStatus = { run: null, settings: null, summary: {} };

async function open(api: FakeApi) {
  renderPanel('/migrations/7/rollback', api);
  await screen.findByRole('heading', { level: 1, name: 'Roll back' });
}

function cells(table: HTMLElement, name: string) {
  return within(within(table).getByRole('rowheader', { name }).closest('tr') as HTMLElement)
    .getAllByRole('cell')
    .map((c) => c.textContent);
}

describe('rollback', () => {
  it('shows a loading state until the rollback state arrives', async () => {
    const answer = deferred<Reply>();
    await open(server({ runs: [FULL], status: NONE }).on('GET', ROLLBACK, () => answer.promise));
    expect(await screen.findByText('Loading the rollback…')).toBeDefined();
    answer.resolve({ body: NONE });
    expect(await screen.findByRole('button', { name: 'Preview the rollback' })).toBeDefined();
  });

  it('says the rollback could not be loaded and tries again', async () => {
    let fail = true;
    const api = server({ runs: [FULL], status: NONE }).on('GET', ROLLBACK, () =>
      fail ? apiError(500, 'internal', 'The database is not reachable.') : { body: NONE },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The rollback could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: 'Preview the rollback' })).toBeDefined();
  });

  it('previews what would be deleted, restored and kept, and why records are kept', async () => {
    await open(server({ runs: [FULL], status: NONE }));
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    const table = await screen.findByRole('table', { name: 'What the rollback would do' });
    expect(cells(table, 'People')).toEqual(['1,188', '15', '2', '0']);
    expect(cells(table, 'Organizations')).toEqual(['14', '0', '0', '0']);
    expect(
      within(screen.getByRole('list', { name: 'Kept records' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Søren Østergaard: someone changed it in Pipedrive since (job_title now Salgschef, we wrote Sælger)',
    ]);
  });

  it('previews with the options chosen, and needs a new preview when they change', async () => {
    const api = server({ runs: [FULL], status: NONE });
    await open(api);
    await userEvent.click(await screen.findByLabelText(/Delete records even when someone changed them/));
    await userEvent.click(screen.getByRole('button', { name: 'Preview the rollback' }));
    await screen.findByRole('button', { name: 'Roll back' });
    await userEvent.click(screen.getByLabelText(/Also remove the custom fields/));
    expect(screen.queryByRole('button', { name: 'Roll back' })).toBeNull();
    expect(api.calls.filter((c) => c.path === `${ROLLBACK}/dry-run`).map((c) => c.body)).toEqual([
      { force: true, removeFields: false },
    ]);
  });

  it('asks in red before rolling back, starts it with the preview token, and shows its run', async () => {
    const state: State = { runs: [FULL], status: NONE };
    const api = server(state).on('POST', ROLLBACK, () => {
      const r = run({ id: 12, kind: 'rollback', status: 'queued', writes: 0, requests: 0 });
      state.runs = [r, FULL];
      state.status = { run: r, settings: { force: false }, summary: {} };
      return { status: 202, body: r };
    });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Roll back the migration?' });
    expect(
      within(dialog).getByText(
        '2,397 records are deleted from Pipedrive and 15 restored to their values before the migration.',
      ),
    ).toBeDefined();
    const yes = within(dialog).getByRole('button', { name: 'Roll back' });
    expect(yes.className).toContain('button--negative');
    await userEvent.click(yes);
    expect(await screen.findByRole('heading', { name: /Rollback run 12/ })).toBeDefined();
    expect(screen.getByRole('progressbar', { name: 'Records undone' })).toBeDefined();
    expect(api.calls.find((c) => c.method === 'POST' && c.path === ROLLBACK)?.body).toEqual({
      force: false,
      removeFields: false,
      token: 'tok-abc',
    });
    expect(screen.queryByRole('button', { name: 'Preview the rollback' })).toBeNull();
  });

  it('sends nothing when the admin declines', async () => {
    const api = server({ runs: [FULL], status: NONE });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Roll back the migration?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(api.calls.filter((c) => c.method === 'POST' && c.path === ROLLBACK)).toEqual([]);
  });

  it('asks for a new preview when the migration changed since', async () => {
    const api = server({ runs: [FULL], status: NONE }).on(
      'POST',
      ROLLBACK,
      apiError(409, 'plan_changed', 'The migration changed since the dry run: preview again.'),
    );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Roll back the migration?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    const error = await screen.findByRole('alert', { name: 'The rollback could not start' });
    expect(within(error).getByText('The migration changed since the dry run: preview again.')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Roll back' })).toBeNull();
  });

  it('pauses a running rollback and resumes it', async () => {
    const running = run({ id: 12, kind: 'rollback', status: 'running', writes: 40 });
    const state: State = { runs: [running, FULL], status: { run: running, settings: {}, summary: {} } };
    const to = (status: Run['status']) => () => {
      const r = { ...running, status };
      state.runs = [r, FULL];
      state.status = { run: r, settings: {}, summary: {} };
      return { body: r };
    };
    const api = server(state)
      .on('POST', '/api/migrations/7/run/pause', to('paused'))
      .on('POST', '/api/migrations/7/run/resume', to('queued'));
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByText('Paused')).toBeDefined();
    expect(screen.getByRole('progressbar', { name: 'Records undone' }).getAttribute('aria-valuetext')).toBe(
      '40 · paused',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(await screen.findByText('Waiting to start')).toBeDefined();
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([
      'POST /api/migrations/7/run/pause',
      'POST /api/migrations/7/run/resume',
    ]);
  });

  it('asks in red before stopping a rollback and keeps it going on no', async () => {
    const running = run({ id: 12, kind: 'rollback', status: 'running', writes: 40 });
    const api = server({ runs: [running, FULL], status: { run: running, settings: {}, summary: {} } });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Stop the rollback?' });
    expect(within(dialog).getByRole('button', { name: 'Stop the rollback' }).className).toContain(
      'button--negative',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep going' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([]);
  });

  it('shows what a finished rollback did per kind', async () => {
    const done = run({ id: 12, kind: 'rollback', status: 'completed', writes: 2412 });
    await open(
      server({
        runs: [done, FULL],
        status: { run: done, settings: {}, summary: { person: { delete: 1188, restore: 15, keep: 2 } } },
      }),
    );
    const table = await screen.findByRole('table', { name: 'What the rollback did' });
    expect(cells(table, 'People')).toEqual(['1,188', '15', '2', '0']);
    expect(screen.getByText('Completed')).toBeDefined();
  });

  it('waits while another run is going', async () => {
    await open(server({ runs: [run({ status: 'running' })], status: NONE }));
    expect(await screen.findByText('A run is going')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Preview the rollback' })).toBeNull();
  });

  it('says why the preview failed', async () => {
    await open(
      server({ runs: [FULL], status: NONE }).on(
        'POST',
        `${ROLLBACK}/dry-run`,
        apiError(503, 'pipedrive_unavailable', 'Pipedrive did not answer.'),
      ),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    const error = await screen.findByRole('alert', { name: 'The rollback could not be previewed' });
    expect(within(error).getByText('Pipedrive did not answer.')).toBeDefined();
  });
});
