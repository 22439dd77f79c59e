import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DeltaPreview, WebhookHealth } from '../../api/delta.ts';
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
    events: { processed: 14, ignored: 3 },
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

function server(h: Reply | (() => Reply | Promise<Reply>) = { body: health() }, runs: Run[] = []) {
  return new FakeApi()
    .on('GET', '/api/migrations/7', { body: migrationDetail() })
    .on('GET', `${DELTA}/webhooks`, h)
    .on('GET', '/api/migrations/7/run', { body: { run: runs[0] ?? null, counts: {} } })
    .on('GET', '/api/migrations/7/runs', { body: { runs } })
    .on('GET', '/api/migrations/7/run/events', { status: 204 })
    .on('POST', `${DELTA}/preview`, (req) => ({
      body: preview({ policy: (req.body as { policy: DeltaPreview['policy'] }).policy }),
    }));
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
    expect(text).toContain('Events received17');
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
    expect(api.requests().filter((r) => r !== 'GET /api/migrations/7')).toEqual([
      `GET ${DELTA}/webhooks`,
      'GET /api/migrations/7/run',
      'GET /api/migrations/7/runs',
      `POST ${DELTA}/webhooks`,
      `GET ${DELTA}/webhooks`,
      `POST ${DELTA}/sweep`,
      `GET ${DELTA}/webhooks`,
    ]);
  });

  it('shows the changes of the latest upload, field by field, with what is held back', async () => {
    await open(server());
    await userEvent.click(await screen.findByRole('button', { name: 'Show the changes' }));
    const changes = await screen.findByRole('region', { name: 'Changes' });
    expect(within(changes).getByText('Compared: brugere-december.csv.')).toBeDefined();
    expect(
      within(within(changes).getByRole('list', { name: 'People that change' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'New: Ida Holm u-2001',
      'u-1001: jobTitle Sælger → Salgschef (held back: phone)',
      'Gone from the export: u-1003',
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
    expect(await screen.findByText(/Last delta run 8/)).toBeDefined();
    expect(screen.getByText('Waiting to start')).toBeDefined();
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
});
