import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DeltaPreview, WebhookEvent, WebhookHealth } from '../../api/delta.ts';
import type { Run } from '../../api/engine.ts';
import { run } from '../../testing/engine-fixtures.ts';
import { apiError, FakeApi, type Reply } from '../../testing/fake-api.ts';
import { deferred, renderPanel } from '../../testing/render-panel.tsx';
import { migrationDetail } from '../../testing/staging-fixtures.ts';

const DELTA = '/api/migrations/7/delta';

function health(over: Partial<WebhookHealth> = {}): WebhookHealth {
  return {
    live: true,
    liveAt: '2026-11-25T09:42:00.000Z',
    deltaWindow: { hours: 72, endsAt: '2026-11-28T09:42:00.000Z', open: true },
    subscriptions: [
      {
        pipedriveWebhookId: 11,
        event: 'change.person',
        subscriptionUrl: 'https://app.test/webhooks/pipedrive',
        createdAt: '2026-11-25T09:42:00.000Z',
        checkedAt: '2026-11-25T10:00:00.000Z',
      },
      {
        pipedriveWebhookId: 12,
        event: 'delete.person',
        subscriptionUrl: 'https://app.test/webhooks/pipedrive',
        createdAt: '2026-11-25T09:42:00.000Z',
        checkedAt: '2026-11-25T10:00:00.000Z',
      },
    ],
    lastEventAt: '2026-11-25T10:05:00.000Z',
    events: { applied: 14, ignored: 3, failed: 1 },
    changes: { 'edit:webhook': 4, 'edit:sweep': 1, 'delete:webhook': 2 },
    sweep: { sweptUntil: '2026-11-25 10:00:00', sweptAt: '2026-11-25T10:01:00.000Z' },
    ...over,
  };
}

function preview(over: Partial<DeltaPreview> = {}): DeltaPreview {
  const none = { created: [], updated: [], gone: [], deletedInPipedrive: [], unchanged: 0 };
  return {
    migrationId: 7,
    policy: 'keep_pipedrive',
    newerFiles: [{ id: 20, name: 'brugere-december.csv', kind: 'users' }],
    deltaWindow: { hours: 72, endsAt: '2026-11-28T09:42:00.000Z', open: true },
    persons: {
      created: [{ actimoId: 'u-2001', label: 'Ida Holm' }],
      updated: [
        {
          actimoId: 'u-1001',
          pipedriveId: 501,
          fields: [{ key: 'job_title', target: 'jobTitle', from: 'Sælger', to: 'Salgschef' }],
          heldBack: [{ key: 'phone', target: 'phone', from: '+4520304050', to: '+4520304051' }],
        },
      ],
      gone: [{ actimoId: 'u-1003', pipedriveId: 503 }],
      deletedInPipedrive: [],
      unchanged: 1190,
    },
    organizations: none,
    counts: { created: 1, updated: 1, heldBack: 1, gone: 1, deletedInPipedrive: 0 },
    ...over,
  };
}

function event(over: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: 1,
    action: 'change',
    entity: 'person',
    entityId: '501',
    occurredAt: '2026-11-25T10:04:59.000Z',
    receivedAt: '2026-11-25T10:05:00.000Z',
    deliveries: 1,
    status: 'applied',
    tries: 1,
    error: null,
    ...over,
  };
}

const EVENTS: WebhookEvent[] = [
  event({
    id: 3,
    action: 'delete',
    entityId: '503',
    status: 'failed',
    tries: 5,
    error: 'Pipedrive said 500.',
  }),
  event(),
];

function server(h: Reply | (() => Reply | Promise<Reply>) = { body: health() }, runs: Run[] = []) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', `${DELTA}/webhooks`, h)
    .on('GET', '/api/migrations/7/run', { body: { run: runs[0] ?? null, counts: {} } })
    .on('GET', '/api/migrations/7/runs', { body: { runs } })
    .on('GET', '/api/migrations/7/run/events', { status: 204 })
    .on('GET', `${DELTA}/events`, (req) => ({
      body: { events: EVENTS.filter((e) => req.query.get('status') !== 'failed' || e.status === 'failed') },
    }))
    .on('POST', `${DELTA}/preview`, (req) => ({
      body: preview({ policy: (req.body as { policy: DeltaPreview['policy'] }).policy }),
    }));
}

function rows(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => [...r.children].map((c) => c.textContent));
}

async function open(api: FakeApi) {
  renderPanel('/migrations/7/delta', api);
  await screen.findByRole('heading', { level: 1, name: 'Bring in changes' });
}

describe('delta', () => {
  it('shows a loading state until the webhook health arrives', async () => {
    const answer = deferred<Reply>();
    await open(server(() => answer.promise));
    expect(await screen.findByText('Loading the webhook health…')).toBeDefined();
    answer.resolve({ body: health() });
    expect(await screen.findByLabelText('Webhook health')).toBeDefined();
  });

  it('says the health could not be loaded and tries again', async () => {
    let fail = true;
    await open(
      server(() => (fail ? apiError(500, 'internal', 'The database is not reachable.') : { body: health() })),
    );
    const error = await screen.findByRole('alert', { name: 'The webhook health could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByLabelText('Webhook health')).toBeDefined();
  });

  it('says delta sync starts once the migration is live', async () => {
    await open(
      server({
        body: health({
          live: false,
          liveAt: null,
          subscriptions: [],
          deltaWindow: { hours: 72, endsAt: null, open: false },
        }),
      }),
    );
    expect(await screen.findByRole('region', { name: 'The migration is not live yet' })).toBeDefined();
    expect(screen.queryByText('Newer Actimo exports')).toBeNull();
  });

  it('shows the webhooks, the last event and the changes people made in Pipedrive', async () => {
    await open(server());
    const facts = await screen.findByLabelText('Webhook health');
    const text = facts.textContent ?? '';
    expect(text).toContain('Events received18');
    expect(text).toContain('Failed events1');
    expect(text).toContain('Changes made in Pipedrive5 edits, 2 deletions');
    expect(text).toMatch(/Delta windowopen until 2[78] Nov 2026/);
    expect(screen.getByText('2 webhooks')).toBeDefined();
    expect(
      within(screen.getByRole('list', { name: 'Webhooks' }))
        .getAllByRole('listitem')
        .map((li) => li.querySelector('code')?.textContent),
    ).toEqual(['change.person', 'delete.person']);
  });

  it('checks the webhooks and sweeps on request, then shows the health again', async () => {
    const api = server()
      .on('POST', `${DELTA}/webhooks`, { body: { created: [], kept: [11, 12] } })
      .on('POST', `${DELTA}/sweep`, { body: { edits: 0, deletions: 0 } });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Check the webhooks now' }));
    expect(await screen.findByText('Webhooks checked.')).toBeDefined();
    await userEvent.click(screen.getByRole('button', { name: 'Sweep for changes now' }));
    expect(await screen.findByText('Sweep done.')).toBeDefined();
    await waitFor(() =>
      expect(api.requests().filter((r) => r.startsWith('POST') || r.includes('/delta/'))).toEqual([
        `GET ${DELTA}/webhooks`,
        `GET ${DELTA}/events?limit=20`,
        `POST ${DELTA}/webhooks`,
        `GET ${DELTA}/webhooks`,
        `GET ${DELTA}/events?limit=20`,
        `POST ${DELTA}/sweep`,
        `GET ${DELTA}/webhooks`,
        `GET ${DELTA}/events?limit=20`,
      ]),
    );
  });

  it('shows the changes of the latest upload, field by field, with what is held back', async () => {
    await open(server());
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    const changes = await screen.findByRole('region', { name: 'Changes' });
    expect(within(changes).getByText('Compared: brugere-december.csv.')).toBeDefined();
    expect(rows(within(changes).getByRole('table', { name: 'People that change' }))).toEqual([
      ['New', 'Ida Holm (u-2001)', '—', '—', '—', 'Created'],
      ['Updated', 'u-1001', 'jobTitle', 'Sælger', 'Salgschef', 'Updated'],
      ['Updated', 'u-1001', 'phone', '+4520304050', '+4520304051', 'Held back: changed in Pipedrive since'],
      ['Removed', 'u-1003', '—', '—', '—', 'Gone from the export: flagged, never deleted'],
    ]);
    expect(within(changes).queryByRole('table', { name: 'Organizations that change' })).toBeNull();
  });

  it('lists an organization someone deleted in Pipedrive as one that is not written again', async () => {
    const organizations = {
      created: [],
      updated: [],
      gone: [],
      deletedInPipedrive: [{ actimoId: 'c-7', pipedriveId: 9 }],
      unchanged: 4,
    };
    await open(server().on('POST', `${DELTA}/preview`, { body: preview({ organizations }) }));
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    const changes = await screen.findByRole('region', { name: 'Changes' });
    expect(rows(within(changes).getByRole('table', { name: 'Organizations that change' }))).toEqual([
      ['Deleted in Pipedrive', 'c-7', '—', '—', '—', 'Someone deleted it in Pipedrive: not written again'],
    ]);
  });

  it('previews again with the other policy when it changes', async () => {
    const api = server();
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    await screen.findByRole('region', { name: 'Changes' });
    await userEvent.selectOptions(
      screen.getByLabelText('When someone changed a field in Pipedrive'),
      'Overwrite with the newer export',
    );
    await waitFor(() =>
      expect(api.calls.filter((c) => c.path === `${DELTA}/preview`).map((c) => c.body)).toEqual([
        { policy: 'keep_pipedrive' },
        { policy: 'overwrite' },
      ]),
    );
  });

  it('applies the changes after a confirmation and shows the delta run', async () => {
    const runs: Run[] = [];
    const api = server({ body: health() }, runs)
      .on('GET', '/api/migrations/7/runs', () => ({ body: { runs } }))
      .on('POST', `${DELTA}/apply`, () => {
        runs.unshift(run({ id: 8, kind: 'delta', status: 'queued', writes: 0 }));
        return { status: 202, body: { run: runs[0], preview: preview() } };
      });
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Apply the changes' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Apply the changes to Pipedrive?' });
    expect(within(dialog).getByText('1 records are created and 1 updated in your Pipedrive.')).toBeDefined();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Apply the changes' }));
    const deltaRun = await screen.findByRole('region', { name: 'The delta run' });
    expect(within(deltaRun).getByText('Waiting to start')).toBeDefined();
    expect(within(deltaRun).getByRole('progressbar', { name: 'Changes written' })).toBeDefined();
    expect(api.calls.find((c) => c.path === `${DELTA}/apply`)?.body).toEqual({ policy: 'keep_pipedrive' });
  });

  it('says why the changes could not be worked out', async () => {
    const api = server().on(
      'POST',
      `${DELTA}/preview`,
      apiError(409, 'no_newer_export', 'Upload a newer export into this migration first.'),
    );
    await open(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    const error = await screen.findByRole('alert', { name: 'The changes could not be worked out' });
    expect(within(error).getByText('Upload a newer export into this migration first.')).toBeDefined();
  });

  it('uploads a newer export, then shows its changes', async () => {
    const api = server();
    await open(api);
    const input = (await screen.findByLabelText('Newer Actimo exports')) as HTMLInputElement;
    await userEvent.upload(input, new File(['id;navn\n'], 'brugere-december.csv', { type: 'text/csv' }));
    await waitFor(() => expect(api.uploads).toHaveLength(1));
    const upload = api.uploads[0];
    expect(upload?.fileNames()).toEqual(['brugere-december.csv']);
    upload?.progress(50, 100);
    expect(await screen.findByRole('progressbar', { name: 'Uploading' })).toBeDefined();
    upload?.respond({ body: { migrationId: 7, files: [], summary: { counts: {}, issues: [] } } });
    expect(await screen.findByRole('region', { name: 'Changes' })).toBeDefined();
  });

  it('lists the latest webhook events with their failures, and only the failed ones on request', async () => {
    const api = server();
    await open(api);
    const table = await screen.findByRole('table', { name: 'Latest events' });
    expect(rows(table).map((r) => r.slice(1))).toEqual([
      ['delete.person 503', 'Failed', '5', 'Pipedrive said 500.'],
      ['change.person 501', 'Applied', '1', '—'],
    ]);
    await userEvent.click(screen.getByLabelText('Only the failed events'));
    await waitFor(() =>
      expect(rows(screen.getByRole('table', { name: 'Latest events' })).map((r) => r[1])).toEqual([
        'delete.person 503',
      ]),
    );
    expect(api.requests()).toContain(`GET ${DELTA}/events?limit=20&status=failed`);
  });

  it('says when no event has arrived yet', async () => {
    await open(server().on('GET', `${DELTA}/events`, { body: { events: [] } }));
    expect(await screen.findByText('No event received yet.')).toBeDefined();
    expect(screen.queryByRole('table', { name: 'Latest events' })).toBeNull();
  });

  it('shows a loading state while the events load, then the events', async () => {
    const answer = deferred<Reply>();
    await open(server().on('GET', `${DELTA}/events`, () => answer.promise));
    expect(await screen.findByText('Loading the events…')).toBeDefined();
    answer.resolve({ body: { events: EVENTS } });
    expect(await screen.findByRole('table', { name: 'Latest events' })).toBeDefined();
  });

  it('says the events could not be loaded and tries again', async () => {
    let fail = true;
    await open(
      server().on('GET', `${DELTA}/events`, () =>
        fail ? apiError(500, 'internal', 'The database is not reachable.') : { body: { events: EVENTS } },
      ),
    );
    const error = await screen.findByRole('alert', { name: 'The events could not be loaded' });
    fail = false;
    await userEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Latest events' })).toBeDefined();
  });

  it('shows a running delta run with its progress and stops it after a confirmation in red', async () => {
    const runs: Run[] = [run({ id: 8, kind: 'delta', status: 'running', writes: 30 })];
    const api = server({ body: health() }, runs)
      .on('GET', '/api/migrations/7/runs', () => ({ body: { runs } }))
      .on('POST', '/api/migrations/7/run/cancel', () => {
        runs[0] = run({ id: 8, kind: 'delta', status: 'cancelled', writes: 31 });
        return { body: runs[0] };
      });
    await open(api);
    const deltaRun = await screen.findByRole('region', { name: 'The delta run' });
    expect(
      within(deltaRun).getByRole('progressbar', { name: 'Changes written' }).getAttribute('aria-valuetext'),
    ).toBe('30');
    expect(screen.getByRole('button', { name: 'Show the changes' }).hasAttribute('disabled')).toBe(true);
    await userEvent.click(within(deltaRun).getByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Stop applying the changes?' });
    const yes = within(dialog).getByRole('button', { name: 'Stop applying' });
    expect(yes.className).toContain('button--negative');
    await userEvent.click(yes);
    expect(await screen.findByText(/Last delta run 8/)).toBeDefined();
    expect(screen.getByText('Cancelled')).toBeDefined();
    expect(screen.queryByRole('region', { name: 'The delta run' })).toBeNull();
  });

  it('says why the last delta run stopped', async () => {
    await open(
      server({ body: health() }, [
        run({
          id: 8,
          kind: 'delta',
          status: 'failed',
          writes: 3,
          errorMessage: 'Pipedrive refused the token.',
        }),
      ]),
    );
    const last = await screen.findByText(/Last delta run 8/);
    expect(last.textContent).toBe('Last delta run 8: Failed 3 writes. Pipedrive refused the token.');
  });
});
