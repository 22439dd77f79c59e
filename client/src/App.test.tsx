import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.tsx';

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify(body), { status })),
  );
}

describe('App', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says plainly when it writes to the local sandbox', async () => {
    answer(200, { companyId: 1, userId: 1, mode: 'local', pipedriveTarget: 'sandbox' });
    render(<App />);
    expect(await screen.findByTestId('target')).toHaveProperty(
      'textContent',
      'Writing to the local Pipedrive sandbox, not to Pipedrive.',
    );
  });

  it('shows an alert when the server cannot be reached', async () => {
    answer(503, {});
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Cannot reach the server: the server answered 503',
    );
  });
});
