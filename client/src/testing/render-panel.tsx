// Renders the whole panel (shell, router, standalone host) at a path, over a fake API.
import { render } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { App } from '../App.tsx';
import type { Launch } from '../launch.ts';
import { routes } from '../routes.tsx';
import type { FakeApi } from './fake-api.ts';

export const STANDALONE: Launch = {
  identifier: null,
  companyId: null,
  userId: null,
  theme: 'light',
  framed: false,
};

export function renderPanel(path: string, api: FakeApi) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(<App launch={STANDALONE} router={router} api={api.client()} />);
  return router;
}

/** A promise the test settles when it wants: for loading states. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
