import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.tsx';
import type { Launch } from './launch.ts';
import { routes } from './routes.tsx';
import { FakePipedrive } from './testing/fake-pipedrive.ts';
import { migrationDetail } from './testing/staging-fixtures.ts';

const standalone: Launch = { identifier: null, companyId: null, userId: null, theme: 'light', framed: false };
const sandboxSession = { companyId: 1, userId: 1, mode: 'local', pipedriveTarget: 'sandbox' };

interface Seen {
  url: string;
  authorization: string | null;
}

/** The staging API of an empty migration 42, so the screens around the session have data. */
const STAGING: Record<string, unknown> = {
  '/api/migrations': { migrations: [] },
  '/api/migrations/42': migrationDetail({ id: 42, name: 'Migration 42' }),
  '/api/migrations/42/files': { files: [] },
};

/** Answers /api/session with the answers given in turn (the last one repeats), and the staging API. */
function serve(...answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const seen: Seen[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      seen.push({
        url,
        authorization: (init?.headers as Record<string, string> | undefined)?.Authorization ?? null,
      });
      if (url in STAGING) {
        return new Response(JSON.stringify(STAGING[url]), {
          headers: { 'content-type': 'application/json' },
        });
      }
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
      });
    }),
  );
  return seen;
}

function open(path: string, launch: Launch = standalone, targetWindow?: Window) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(<App launch={launch} router={router} {...(targetWindow ? { targetWindow } : {})} />);
  return router;
}

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('the panel', () => {
  it('opens on the migrations list and says plainly that writes go to the local sandbox', async () => {
    serve({ status: 200, body: sandboxSession });
    const router = open('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Migrations' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/migrations');
    expect(screen.getByRole('note').textContent).toBe(
      'Writing to the local Pipedrive sandboxNothing you run here reaches Pipedrive: this server has no Pipedrive credentials.',
    );
    expect(screen.getByTestId('target').textContent).toBe('The local Pipedrive sandbox, not to Pipedrive');
    expect(screen.getByText('Local mode').className).toBe('badge badge--info');
    expect(await screen.findByRole('region', { name: 'No migrations yet' })).toBeTruthy();
  });

  it('shows no sandbox banner for a Marketplace company', async () => {
    serve({
      status: 200,
      body: { companyId: 99, userId: 5, mode: 'marketplace', pipedriveTarget: 'pipedrive' },
    });
    open('/migrations');
    expect(await screen.findByText('Company 99')).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.getByTestId('target').textContent).toBe('Your Pipedrive company');
  });

  it('says it cannot reach the server, with the request id, and tries again on request', async () => {
    serve(
      {
        status: 503,
        body: {
          error: { code: 'unavailable', message: 'The database is not answering.', requestId: 'req-503' },
        },
      },
      { status: 200, body: sandboxSession },
    );
    open('/migrations');
    const alert = await screen.findByRole('alert', { name: 'Cannot reach the server' });
    expect(alert.textContent).toBe(
      'Cannot reach the serverThe database is not answering.Request id req-503 (quote it when you contact support)Try again',
    );
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Migrations' })).toBeTruthy();
  });

  it('opens a step of a migration by its URL, with the step marked in the indicator', async () => {
    serve({ status: 200, body: sandboxSession });
    open('/migrations/42/map');
    expect(await screen.findByRole('heading', { level: 1, name: 'Check the field map' })).toBeTruthy();
    const current = screen
      .getByRole('navigation', { name: 'Migration steps' })
      .querySelector('[aria-current="step"]');
    expect(current?.textContent).toBe('2Map');
    expect(current?.getAttribute('href')).toBe('/migrations/42/map');
    expect(screen.getByText('Migration 42')).toBeTruthy();
  });

  it('goes to the upload step when a migration is opened without a step', async () => {
    serve({ status: 200, body: sandboxSession });
    const router = open('/migrations/42');
    expect(await screen.findByRole('heading', { level: 1, name: 'Upload your Actimo exports' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/migrations/42/upload');
  });

  it('moves focus to the new screen after navigating, not on first load', async () => {
    serve({ status: 200, body: sandboxSession });
    open('/migrations');
    await screen.findByRole('heading', { level: 1, name: 'Migrations' });
    expect(document.activeElement).toBe(document.body);
    await userEvent.click(screen.getByRole('link', { name: 'Diagnostics' }));
    await screen.findByRole('heading', { level: 1, name: 'Diagnostics' });
    expect(document.activeElement).toBe(screen.getByRole('main'));
  });

  it.each(['/nowhere', '/migrations/42/teleport'])('says the page %s does not exist', async (path) => {
    serve({ status: 200, body: sandboxSession });
    open(path);
    const empty = await screen.findByRole('region', { name: 'This page does not exist' });
    expect(within(empty).getByRole('link', { name: 'Go to migrations' }).getAttribute('href')).toBe(
      '/migrations',
    );
  });
});

describe('diagnostics', () => {
  it('outside Pipedrive, checks the connection and shows the answer as a toast', async () => {
    const seen = serve({ status: 200, body: sandboxSession });
    open('/diagnostics');
    expect(await screen.findByText('Outside Pipedrive (standalone)')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Check the connection' }));
    expect(await screen.findByText('Connected to the server as user 1 of company 1.')).toBeTruthy();
    expect(seen.map((s) => s.authorization)).toEqual([null, null]);
  });

  it('outside Pipedrive, tries a confirmation in the page and reports the choice', async () => {
    serve({ status: 200, body: sandboxSession });
    open('/diagnostics');
    await userEvent.click(await screen.findByRole('button', { name: 'Test a confirmation' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Test confirmation' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByText('You chose Cancel.')).toBeTruthy();
  });

  it('inside Pipedrive, signs every request, and confirms and notifies through Pipedrive', async () => {
    const fake = new FakePipedrive();
    const seen = serve({ status: 200, body: sandboxSession });
    window.history.replaceState(null, '', '/?id=app-test&theme=dark');
    open(
      '/diagnostics',
      { identifier: 'app-test', companyId: 1, userId: 1, theme: 'dark', framed: true },
      fake.window,
    );
    expect(await screen.findByText('Inside Pipedrive')).toBeTruthy();
    expect(screen.getByText('Dark')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Check the connection' }));
    await waitFor(() =>
      expect(fake.argsOf('show_snackbar')).toEqual([
        { message: 'Connected to the server as user 1 of company 1.' },
      ]),
    );
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer token-1', 'Bearer token-1']);
    expect(fake.count('get_signed_token')).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'Test a confirmation' }));
    expect(await screen.findByText('You chose Confirm.')).toBeTruthy();
    expect(fake.argsOf('show_confirmation')).toEqual([
      {
        title: 'Test confirmation',
        description: 'Nothing happens whichever you choose.',
        okText: 'Confirm',
        cancelText: 'Cancel',
        okColor: 'primary',
      },
    ]);
    fake.dispose();
  });
});
