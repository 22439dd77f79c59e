import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiffRecord, Run } from '../../api/engine.ts';
import { diffRecord, progress, RUN_COUNTS, run, sse } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type FakeRequest, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';
import { mockTableLayout } from '../../testing/table-layout.ts';

beforeEach(() => mockTableLayout());
afterEach(() => vi.restoreAllMocks());

const RUN = '/api/migrations/7/run';
const DIFF = '/api/migrations/7/sample/diff';
const SAMPLE = run({ id: 3, kind: 'sample', status: 'completed', sampleSize: 2 });

const MISMATCH = diffRecord({
  recordId: 32,
  actimoId: 'u-1002',
  label: 'Åse Lund',
  verified: false,
  fields: [
    {
      target: 'email',
      pipedriveKey: 'email',
      sources: [{ fileName: 'brugere.csv', row: 3, header: 'E-mail', raw: 'ASE@Firma.dk ' }],
      transform: 'email_normalise',
      sent: [{ value: 'ase@firma.dk', primary: true }],
      readBack: [],
      differs: true,
    },
  ],
});

function diffAnswer(req: FakeRequest): Reply {
  const all: DiffRecord[] = [diffRecord(), MISMATCH];
  const search = req.query.get('search')?.toLowerCase();
  const records = all
    .filter((r) => req.query.get('mismatches') !== 'true' || r.fields.some((f) => f.differs))
    .filter((r) => !search || `${r.label} ${r.actimoId}`.toLowerCase().includes(search));
  return { body: { total: records.length, page: 1, pageSize: 200, records } };
}

function server(state: { runs: Run[] }, stream = '') {
  let streamed = false;
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', RUN, () => ({ body: { run: state.runs[0] ?? null, counts: RUN_COUNTS } }))
    .on('GET', '/api/migrations/7/runs', () => ({ body: { runs: state.runs } }))
    .on('GET', `${RUN}/events`, () => {
      if (streamed || stream === '') return { status: 204 };
      streamed = true;
      return { text: `retry: 600000\n\n${stream}`, contentType: 'text/event-stream' };
    })
    .on('GET', DIFF, diffAnswer);
}

async function open(api: FakeApi) {
  const router = renderPanel('/migrations/7/sample', api);
  await screen.findByRole('heading', { level: 1, name: 'Try a sample' });
  return router;
}

function rowOf(name: string): HTMLElement {
  const table = screen.getByRole('table', { name: 'Sampled records' });
  const row = within(table).getByText(name).closest('tr');
  if (!row) throw new Error(`no row ${name}`);
  return row;
}

describe('the sample', () => {
  it('shows a loading state until the sample is known', async () => {
    const answer = deferred<Reply>();
    await open(server({ runs: [] }).on('GET', RUN, () => answer.promise));
    expect(await screen.findByText('Loading the sample…')).toBeDefined();
    answer.resolve({ body: { run: null, counts: {} } });
    expect(await screen.findByRole('region', { name: 'No sample yet' })).toBeDefined();
  });

  it('says the sample could not be loaded and tries again on request', async () => {
    let fail = true;
    const api = server({ runs: [SAMPLE] }).on('GET', RUN, () =>
      fail
        ? apiError(500, 'internal', 'The database is not reachable.')
        : { body: { run: SAMPLE, counts: {} } },
    );
    await open(api);
    const error = await screen.findByRole('alert', { name: 'The sample could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Sampled records' })).toBeDefined();
  });

  it('cancels a running sample after a confirmation in red, and offers to run it again', async () => {
    const running = run({ id: 3, kind: 'sample', status: 'running', sampleSize: 300, writes: 12 });
    const state: { runs: Run[] } = { runs: [running] };
    const api = server(state).on('POST', `${RUN}/cancel`, () => {
      state.runs = [{ ...running, status: 'cancelled', finishedAt: 1_795_000_100_000 }];
      return { body: state.runs[0] };
    });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel the sample?' });
    const yes = within(dialog).getByRole('button', { name: 'Cancel the sample' });
    expect(yes.className).toContain('button--negative');
    await userEvent.click(yes);
    expect(await screen.findByText('The sample was cancelled')).toBeDefined();
    expect(screen.getByRole('button', { name: 'Run it again' })).toBeDefined();
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([`POST ${RUN}/cancel`]);
  });

  it('runs a sample when there is none and follows its progress', async () => {
    const state: { runs: Run[] } = { runs: [] };
    const api = server(
      state,
      sse([{ event: 'progress', data: progress({ runId: 3, writes: 7, requests: 9 }) }]),
    ).on('POST', '/api/migrations/7/sample', () => {
      state.runs = [
        run({ id: 3, kind: 'sample', status: 'running', sampleSize: 300, writes: 0, requests: 2 }),
      ];
      return { status: 202, body: state.runs[0] };
    });
    await open(api);
    const empty = await screen.findByRole('region', { name: 'No sample yet' });
    await userEvent.click(within(empty).getByRole('button', { name: 'Run a sample' }));
    expect(await screen.findByRole('heading', { name: /Sample of 300 people/ })).toBeDefined();
    await waitFor(() =>
      expect(
        screen.getByRole('progressbar', { name: 'Records written' }).getAttribute('aria-valuetext'),
      ).toBe('7'),
    );
    expect(screen.getByText(/9 requests so far/)).toBeDefined();
  });

  it('lists the sampled records with their read-back result', async () => {
    await open(server({ runs: [SAMPLE] }));
    await screen.findByRole('table', { name: 'Sampled records' });
    expect(within(rowOf('Søren Østergaard')).getByText('Matches')).toBeDefined();
    expect(within(rowOf('Åse Lund')).getByText('1 mismatch')).toBeDefined();
    expect(screen.getByText('2 records')).toBeDefined();
  });

  it('shows a record field by field: source with provenance, transform, sent and read back', async () => {
    await open(server({ runs: [SAMPLE] }));
    await screen.findByRole('table', { name: 'Sampled records' });
    await userEvent.click(rowOf('Åse Lund'));
    const fields = await screen.findByRole('table', { name: 'Fields of Åse Lund' });
    const cells = within(fields)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toEqual([
      'ASE@Firma.dk  from brugere.csv, row 3, “E-mail”',
      'email_normalise',
      'ase@firma.dk',
      '—',
    ]);
    expect(within(fields).getByText('Differs')).toBeDefined();
  });

  it('filters to mismatches and searches by person', async () => {
    const api = server({ runs: [SAMPLE] });
    await open(api);
    await screen.findByRole('table', { name: 'Sampled records' });
    await userEvent.click(screen.getByLabelText('Only records with a mismatch'));
    await waitFor(() => expect(screen.getByText('1 record')).toBeDefined());
    expect(screen.queryByText('Søren Østergaard')).toBeNull();
    expect(rowOf('Åse Lund')).toBeDefined();
    await userEvent.click(screen.getByLabelText('Only records with a mismatch'));
    await userEvent.type(screen.getByLabelText('Search by name or Actimo id'), 'søren');
    await waitFor(() => expect(screen.queryByText('Åse Lund')).toBeNull());
    await waitFor(() => expect(rowOf('Søren Østergaard')).toBeDefined());
    expect(api.requests()).toContain(`GET ${DIFF}?page=1&pageSize=200&mismatches=true`);
    expect(api.requests()).toContain(`GET ${DIFF}?page=1&pageSize=200&search=s%C3%B8ren`);
  });

  it('says when no sampled record matches the filter', async () => {
    await open(server({ runs: [SAMPLE] }));
    await screen.findByRole('table', { name: 'Sampled records' });
    await userEvent.type(screen.getByLabelText('Search by name or Actimo id'), 'nobody');
    expect(await screen.findByText('No sampled record matches.')).toBeDefined();
  });

  it('says the comparison could not be loaded', async () => {
    await open(
      server({ runs: [SAMPLE] }).on('GET', DIFF, apiError(500, 'internal', 'Pipedrive read failed.')),
    );
    const error = await screen.findByRole('alert', { name: 'The comparison could not be loaded' });
    expect(within(error).getByText('Pipedrive read failed.')).toBeDefined();
  });

  it('accepts the sample after a confirmation and goes to the run', async () => {
    const api = server({ runs: [SAMPLE] }).on('POST', '/api/migrations/7/sample/accept', {
      status: 202,
      body: run({ status: 'queued' }),
    });
    const router = await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Accept and run everything' }));
    const dialog = await screen.findByRole('alertdialog', {
      name: 'Accept the sample and start the full migration?',
    });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start the migration' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/migrations/7/run'));
    expect(api.requests().filter((r) => r.startsWith('POST'))).toEqual([
      'POST /api/migrations/7/sample/accept',
    ]);
  });

  it('leads to the full run instead of accepting again once the migration went on', async () => {
    await open(server({ runs: [run({ status: 'running' }), SAMPLE] }));
    expect((await screen.findByRole('link', { name: 'Follow the full run' })).getAttribute('href')).toBe(
      '/migrations/7/run',
    );
    expect(screen.queryByRole('button', { name: 'Accept and run everything' })).toBeNull();
    expect(await screen.findByRole('table', { name: 'Sampled records' })).toBeDefined();
  });

  it('goes back to the map instead', async () => {
    await open(server({ runs: [SAMPLE] }));
    expect((await screen.findByRole('link', { name: 'Back to the map' })).getAttribute('href')).toBe(
      '/migrations/7/map',
    );
  });

  it('says when the sample stopped, and runs it again on request', async () => {
    const state: { runs: Run[] } = {
      runs: [run({ id: 3, kind: 'sample', status: 'failed', errorMessage: 'Pipedrive refused the token.' })],
    };
    const api = server(state).on('POST', '/api/migrations/7/sample', () => {
      state.runs = [run({ id: 5, kind: 'sample', status: 'queued', sampleSize: 300 }), ...state.runs];
      return { status: 202, body: state.runs[0] };
    });
    await open(api);
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('The sample stoppedPipedrive refused the token.');
    await userEvent.click(within(banner).getByRole('button', { name: 'Run it again' }));
    expect(await screen.findByText('Waiting to start')).toBeDefined();
  });
});
