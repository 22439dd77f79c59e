import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, FakeApi, type Reply } from '../testing/fake-api.ts';
import { deferred, renderPanel } from '../testing/render-panel.tsx';
import { migrationDetail, overview } from '../testing/staging-fixtures.ts';

function textsOf(item: HTMLElement): string[] {
  return Array.from(item.querySelectorAll('dt, dd')).map((e) => e.textContent ?? '');
}

describe('the migrations list', () => {
  it('says it is loading while the migrations are on their way', async () => {
    const pending = deferred<Reply>();
    const api = new FakeApi().on('GET', '/api/migrations', () => pending.promise);
    renderPanel('/migrations', api);
    expect(await screen.findByText('Loading your migrations…')).toBeTruthy();
    pending.resolve({ body: { migrations: [] } });
    expect(await screen.findByRole('region', { name: 'No migrations yet' })).toBeTruthy();
  });

  it('invites to start one when there is none', async () => {
    const api = new FakeApi().on('GET', '/api/migrations', { body: { migrations: [] } });
    renderPanel('/migrations', api);
    const empty = await screen.findByRole('region', { name: 'No migrations yet' });
    expect(empty.textContent).toBe(
      'No migrations yetStart one above: give it a name, then upload the exports you downloaded from Actimo.',
    );
  });

  it("shows the server's error with its request id, and loads again on request", async () => {
    let calls = 0;
    const api = new FakeApi().on('GET', '/api/migrations', () =>
      ++calls === 1
        ? apiError(503, 'unavailable', 'The database is not answering.')
        : { body: { migrations: [overview()] } },
    );
    renderPanel('/migrations', api);
    const alert = await screen.findByRole('alert', { name: 'Your migrations could not be loaded' });
    expect(alert.textContent).toBe(
      'Your migrations could not be loadedThe database is not answering.Request id req-unavailable (quote it when you contact support)Try again',
    );
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Spring move' })).toBeTruthy();
  });

  it('lists each migration with its status, creation time, files, staged records and issues', async () => {
    const api = new FakeApi().on('GET', '/api/migrations', {
      body: {
        migrations: [
          overview({
            id: 9,
            name: 'Autumn export',
            status: 'staged',
            createdAt: '2026-11-25T14:05:00.000Z',
            fileCounts: { total: 10, staged: 8, kept: 1, failed: 1 },
            stagedCounts: {
              person: 1200,
              organization: 15,
              membership: 1300,
              metrics: 1190,
              activity: 1,
              file: 0,
            },
            issueCounts: { error: 3, warning: 12, info: 1 },
          }),
          overview({ id: 7 }),
        ],
      },
    });
    renderPanel('/migrations', api);
    const list = await screen.findByRole('list');
    const [autumn, spring] = within(list).getAllByRole('listitem');
    expect(within(autumn!).getByRole('link', { name: 'Autumn export' }).getAttribute('href')).toBe(
      '/migrations/9',
    );
    expect(within(autumn!).getByText('Files staged').className).toBe('badge badge--info');
    expect(textsOf(autumn!)).toEqual([
      'Created',
      '25 Nov 2026, 14:05',
      'Files',
      '10 files, 1 failed',
      'Staged',
      '1,200 people · 15 companies · 1,190 sets of metrics · 1 activity',
      'Issues',
      '3 errors, 12 warnings, 1 note',
    ]);
    expect(within(spring!).getByText('Draft').className).toBe('badge badge--neutral');
    expect(textsOf(spring!)).toEqual([
      'Created',
      '24 Nov 2026, 09:30',
      'Files',
      'No files uploaded',
      'Staged',
      'Nothing staged yet',
    ]);
  });
});

describe('a new migration', () => {
  it('is created with the name given, announced, and opened on its upload step', async () => {
    const api = new FakeApi()
      .on('GET', '/api/migrations', { body: { migrations: [] } })
      .on('POST', '/api/migrations', (req) => ({
        status: 201,
        body: {
          ...migrationDetail({ id: 12, name: (req.body as { name: string }).name }),
          summary: undefined,
        },
      }))
      .on('GET', '/api/migrations/12', { body: migrationDetail({ id: 12, name: 'Nordlys' }) })
      .on('GET', '/api/migrations/12/files', { body: { files: [] } });
    const router = renderPanel('/migrations', api);
    await userEvent.type(await screen.findByRole('textbox', { name: 'Name' }), '  Nordlys ');
    await userEvent.click(screen.getByRole('button', { name: 'Create migration' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Upload your Actimo exports' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/migrations/12/upload');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'Nordlys' });
    expect(screen.getByText('Migration "Nordlys" created.')).toBeTruthy();
  });

  it('leaves the name to the server when none is given', async () => {
    const api = new FakeApi()
      .on('GET', '/api/migrations', { body: { migrations: [] } })
      .on('POST', '/api/migrations', { status: 201, body: migrationDetail({ id: 3 }) })
      .on('GET', '/api/migrations/3', { body: migrationDetail({ id: 3 }) })
      .on('GET', '/api/migrations/3/files', { body: { files: [] } });
    renderPanel('/migrations', api);
    await userEvent.click(await screen.findByRole('button', { name: 'Create migration' }));
    await screen.findByRole('heading', { level: 1, name: 'Upload your Actimo exports' });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({});
  });

  it("keeps the form and shows the server's reason when it cannot be created", async () => {
    const api = new FakeApi()
      .on('GET', '/api/migrations', { body: { migrations: [] } })
      .on(
        'POST',
        '/api/migrations',
        apiError(400, 'invalid_name', 'A migration name is at most 255 characters.'),
      );
    const router = renderPanel('/migrations', api);
    await userEvent.click(await screen.findByRole('button', { name: 'Create migration' }));
    const name = screen.getByRole('textbox', { name: 'Name' });
    await screen.findByText('A migration name is at most 255 characters.');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.getAttribute('maxlength')).toBe('255');
    expect(router.state.location.pathname).toBe('/migrations');
    expect((screen.getByRole('button', { name: 'Create migration' }) as HTMLButtonElement).disabled).toBe(
      false,
    );
  });
});
