import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/engine.ts';
import type { AuditEntry, DryRun, RollbackStatus } from '../../api/rollback.ts';
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
    .on('GET', `${ROLLBACK}/conflicts`, { body: { runId: null, items: [] } })
    .on('POST', `${ROLLBACK}/dry-run`, (req) => ({ body: dryRun(req.body as Partial<DryRun>) }));
}

const NONE: RollbackStatus = { run: null, settings: null, summary: {} };

async function open(api: FakeApi) {
  renderPanel('/migrations/7/rollback', api);
  await screen.findByRole('heading', { level: 1, name: 'Roll back' });
}

/** Previews a rollback whose dry run answers `summary` and opens the confirmation it asks before running. */
async function confirmationFor(summary: DryRun['summary'], o: { removeFields?: boolean } = {}) {
  const api = server({ runs: [FULL], status: NONE }).on('POST', `${ROLLBACK}/dry-run`, (req) => ({
    body: dryRun({ ...(req.body as Partial<DryRun>), summary }),
  }));
  await open(api);
  if (o.removeFields) await userEvent.click(await screen.findByLabelText(/Also remove the custom fields/));
  await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
  await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
  return screen.findByRole('alertdialog', { name: 'Roll back the migration?' });
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

  it('previews what would be deleted, restored and kept, and what changed in Pipedrive since', async () => {
    await open(server({ runs: [FULL], status: NONE }));
    await userEvent.click(await screen.findByRole('button', { name: 'Preview the rollback' }));
    const table = await screen.findByRole('table', { name: 'What the rollback would do' });
    expect(cells(table, 'People')).toEqual(['1,188', '15', '2', '0']);
    expect(cells(table, 'Organizations')).toEqual(['14', '0', '0', '0']);
    expect(
      screen.getByRole('heading', { name: 'Changed since, and what happens to them (1)' }),
    ).toBeDefined();
    const conflicts = screen.getByRole('table', { name: 'Conflicts' });
    expect(cells(conflicts, 'Søren Østergaard')).toEqual([
      'Person',
      'job_title: we wrote Sælger, now Salgschef',
      'Kept: someone changed it in Pipedrive since',
    ]);
    expect(within(conflicts).queryByText('Ida Holm')).toBeNull();
  });

  it('keeps changed records by default and previews again when the admin forces them', async () => {
    const api = server({ runs: [FULL], status: NONE }).on('POST', `${ROLLBACK}/dry-run`, (req) => {
      const body = req.body as { force: boolean; removeFields: boolean };
      const forced = body.force
        ? {
            summary: { person: { delete: 1190, restore: 15 } },
            items: dryRun().items.map((i) =>
              i.action === 'keep' ? { ...i, action: 'delete', reason: 'forced' } : i,
            ),
          }
        : {};
      return { body: dryRun({ ...body, ...forced }) };
    });
    await open(api);
    expect((await screen.findByLabelText('Keep them as they are')).matches(':checked')).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Preview the rollback' }));
    await screen.findByRole('table', { name: 'Conflicts' });
    await userEvent.click(screen.getByLabelText('Delete or restore them anyway (force)'));
    await waitFor(() =>
      expect(cells(screen.getByRole('table', { name: 'Conflicts' }), 'Søren Østergaard')[2]).toBe(
        'Deleted anyway',
      ),
    );
    expect(cells(screen.getByRole('table', { name: 'What the rollback would do' }), 'People')).toEqual([
      '1,190',
      '15',
      '0',
      '0',
    ]);
    expect(api.calls.filter((c) => c.path === `${ROLLBACK}/dry-run`).map((c) => c.body)).toEqual([
      { force: false, removeFields: false },
      { force: true, removeFields: false },
    ]);
  });

  it('previews with the options chosen before the first preview', async () => {
    const api = server({ runs: [FULL], status: NONE });
    await open(api);
    await userEvent.click(await screen.findByLabelText('Delete or restore them anyway (force)'));
    await userEvent.click(screen.getByLabelText(/Also remove the custom fields/));
    await userEvent.click(screen.getByRole('button', { name: 'Preview the rollback' }));
    await screen.findByRole('button', { name: 'Roll back' });
    expect(api.calls.filter((c) => c.path === `${ROLLBACK}/dry-run`).map((c) => c.body)).toEqual([
      { force: true, removeFields: true },
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

  it('says in the confirmation how many custom fields are removed when they are to be removed', async () => {
    const dialog = await confirmationFor(
      { person: { delete: 30, restore: 2 }, field: { remove_field: 12, keep_field: 1 } },
      { removeFields: true },
    );
    expect(
      within(dialog).getByText(
        '30 records are deleted from Pipedrive and 2 restored to their values before the migration. 12 custom fields are removed; 1 custom field kept, records still hold values in them.',
      ),
    ).toBeDefined();
  });

  it('says nothing about custom fields in the confirmation when they are kept', async () => {
    const dialog = await confirmationFor({ person: { delete: 30 }, field: { keep_field: 13 } });
    expect(
      within(dialog).getByText(
        '30 records are deleted from Pipedrive and 0 restored to their values before the migration.',
      ),
    ).toBeDefined();
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

  it('shows what a finished rollback did per kind, and what it kept', async () => {
    const done = run({ id: 12, kind: 'rollback', status: 'completed', writes: 2412 });
    const kept = dryRun().items[0];
    const api = server({
      runs: [done, FULL],
      status: { run: done, settings: {}, summary: { person: { delete: 1188, restore: 15, keep: 2 } } },
    }).on('GET', `${ROLLBACK}/conflicts`, { body: { runId: 12, items: [{ id: 3, ...kept }] } });
    await open(api);
    const table = await screen.findByRole('table', { name: 'What the rollback did' });
    expect(cells(table, 'People')).toEqual(['1,188', '15', '2', '0']);
    expect(screen.getByText('Completed')).toBeDefined();
    const conflicts = await screen.findByRole('table', { name: 'Conflicts' });
    expect(cells(conflicts, 'Søren Østergaard')[2]).toBe('Kept: someone changed it in Pipedrive since');
    expect(api.requests()).toContain(`GET ${ROLLBACK}/conflicts?runId=12&limit=500`);
  });

  it('says when what a finished rollback kept could not be loaded', async () => {
    const done = run({ id: 12, kind: 'rollback', status: 'completed', writes: 2412 });
    await open(
      server({ runs: [done, FULL], status: { run: done, settings: {}, summary: {} } }).on(
        'GET',
        `${ROLLBACK}/conflicts`,
        apiError(500, 'internal', 'The database is not reachable.'),
      ),
    );
    const error = await screen.findByRole('alert', { name: 'What the rollback kept could not be loaded' });
    expect(within(error).getByText('The database is not reachable.')).toBeDefined();
  });

  it('shows what the rollback did as soon as the run it followed has finished', async () => {
    const going = run({ id: 12, kind: 'rollback', status: 'running', writes: 40 });
    const done = run({ id: 12, kind: 'rollback', status: 'completed', writes: 77 });
    const state: State = { runs: [going, FULL], status: { run: going, settings: {}, summary: {} } };
    // The live stream ends when the rollback has finished on the server.
    const api = server(state).on('GET', '/api/migrations/7/run/events', () => {
      state.runs = [done, FULL];
      state.status = { run: done, settings: {}, summary: { person: { delete: 30 }, field: { delete: 16 } } };
      return { status: 204 };
    });
    await open(api);
    const table = await screen.findByRole('table', { name: 'What the rollback did' });
    expect(cells(table, 'People')).toEqual(['30', '0', '0', '0']);
    expect(cells(table, 'Custom fields')).toEqual(['16', '0', '0', '0']);
    expect(screen.getByText('Completed')).toBeDefined();
    expect(screen.queryByText('Nothing to roll back.')).toBeNull();
  });

  it('counts the custom fields it removes as deleted and those still holding values as kept', async () => {
    const api = server({ runs: [FULL], status: NONE }).on('POST', `${ROLLBACK}/dry-run`, (req) => ({
      body: dryRun({
        ...(req.body as Partial<DryRun>),
        summary: { person: { delete: 30 }, field: { remove_field: 12, keep_field: 1 } },
      }),
    }));
    await open(api);
    await userEvent.click(
      await screen.findByRole('checkbox', {
        name: 'Also remove the custom fields the migration created (only those no record holds a value in)',
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Preview the rollback' }));
    const table = await screen.findByRole('table', { name: 'What the rollback would do' });
    expect(cells(table, 'Custom fields')).toEqual(['12', '0', '1', '0']);
    expect(cells(table, 'People')).toEqual(['30', '0', '0', '0']);
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

const AUDIT = '/api/migrations/7/audit';

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: Date.UTC(2026, 10, 24, 9, 30),
    runId: 4,
    runKind: 'full',
    startedBy: 'user:12',
    recordId: 40,
    entity: 'person',
    actimoKey: 'u-1001',
    label: 'Søren Østergaard',
    op: 'create',
    pipedriveId: 540,
    result: 'done',
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}

const HISTORY: AuditEntry[] = [
  entry(),
  entry({ id: 9, runId: 6, runKind: 'delta', op: 'update', at: Date.UTC(2026, 10, 25, 8, 0) }),
  entry({ id: 15, runId: 12, runKind: 'rollback', op: 'delete', at: Date.UTC(2026, 10, 25, 9, 0) }),
];

function rows(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => [...r.children].slice(1).map((c) => c.textContent));
}

async function lookUp(by: 'Actimo id' | 'Pipedrive id', id: string) {
  const form = await screen.findByRole('form', { name: 'Look up a record' });
  await userEvent.selectOptions(within(form).getByLabelText('Look up by'), by);
  await userEvent.type(within(form).getByLabelText(by), id);
  await userEvent.click(within(form).getByRole('button', { name: 'Show the history' }));
}

describe('the audit log', () => {
  it('shows the history of a record looked up by its Actimo id, oldest first', async () => {
    const api = server({ runs: [FULL], status: NONE }).on('GET', AUDIT, {
      body: { entries: HISTORY, nextAfterId: null },
    });
    await open(api);
    await lookUp('Actimo id', 'u-1001');
    const table = await screen.findByRole('table', { name: 'History' });
    expect(rows(table)).toEqual([
      ['Created', 'Søren Østergaard (person)', '540', 'Full run 4 by user:12', 'Done'],
      ['Updated', 'Søren Østergaard (person)', '540', 'Delta 6 by user:12', 'Done'],
      ['Deleted', 'Søren Østergaard (person)', '540', 'Rollback 12 by user:12', 'Done'],
    ]);
    expect(api.requests()).toContain(`GET ${AUDIT}?record=u-1001&limit=100`);
  });

  it('looks a record up by its Pipedrive id and pages on', async () => {
    const api = server({ runs: [FULL], status: NONE }).on('GET', AUDIT, (req) =>
      req.query.get('afterId') === null
        ? { body: { entries: HISTORY.slice(0, 2), nextAfterId: 9 } }
        : {
            body: {
              entries: [
                entry({
                  id: 15,
                  runId: 12,
                  runKind: 'rollback',
                  op: 'restore',
                  result: 'failed',
                  errorMessage: 'Pipedrive said 500.',
                }),
              ],
              nextAfterId: null,
            },
          },
    );
    await open(api);
    await lookUp('Pipedrive id', '540');
    const table = await screen.findByRole('table', { name: 'History' });
    expect(rows(table)).toHaveLength(2);
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(rows(table)).toHaveLength(3));
    expect(rows(table)[2]).toEqual([
      'Restored',
      'Søren Østergaard (person)',
      '540',
      'Rollback 12 by user:12',
      'Failed Pipedrive said 500.',
    ]);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(api.requests().filter((r) => r.startsWith(`GET ${AUDIT}`))).toEqual([
      `GET ${AUDIT}?pipedriveId=540&limit=100`,
      `GET ${AUDIT}?pipedriveId=540&afterId=9&limit=100`,
    ]);
  });

  it('refuses a Pipedrive id that is not a number without asking the server', async () => {
    const api = server({ runs: [FULL], status: NONE });
    await open(api);
    await lookUp('Pipedrive id', 'u-1001');
    expect(await screen.findByText('A Pipedrive id is a whole number, like 1234.')).toBeDefined();
    expect(api.requests().filter((r) => r.startsWith(`GET ${AUDIT}`))).toEqual([]);
  });

  it('says when nothing is recorded for the id', async () => {
    await open(
      server({ runs: [FULL], status: NONE }).on('GET', AUDIT, { body: { entries: [], nextAfterId: null } }),
    );
    await lookUp('Actimo id', 'u-9999');
    expect(await screen.findByRole('region', { name: 'Nothing recorded for that id' })).toBeDefined();
  });

  it('shows a loading state while the history loads', async () => {
    const answer = deferred<Reply>();
    await open(server({ runs: [FULL], status: NONE }).on('GET', AUDIT, () => answer.promise));
    await lookUp('Actimo id', 'u-1001');
    expect(await screen.findByText('Loading the history…')).toBeDefined();
    answer.resolve({ body: { entries: HISTORY, nextAfterId: null } });
    expect(await screen.findByRole('table', { name: 'History' })).toBeDefined();
  });

  it('says why the history could not be loaded', async () => {
    await open(
      server({ runs: [FULL], status: NONE }).on(
        'GET',
        AUDIT,
        apiError(500, 'internal', 'The database is not reachable.'),
      ),
    );
    await lookUp('Actimo id', 'u-1001');
    const error = await screen.findByRole('alert', { name: 'The history could not be loaded' });
    expect(within(error).getByText('The database is not reachable.')).toBeDefined();
  });
});
