import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Launch } from '../launch.ts';
import { Probe } from '../testing/host-probe.tsx';
import { PanelHostProvider } from './PanelHostProvider.tsx';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PanelHostProvider outside Pipedrive', () => {
  const standalone: Launch = { identifier: null, companyId: null, userId: null, theme: null, framed: false };

  it('shows the panel at once, with no signed token', async () => {
    render(
      <PanelHostProvider launch={standalone}>
        <Probe />
      </PanelHostProvider>,
    );
    expect(screen.getByText('host: standalone')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'token' }));
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('null null'));
  });

  it('treats an id without a parent frame as standalone (nobody would answer the SDK)', () => {
    render(
      <PanelHostProvider launch={{ ...standalone, identifier: 'opened-in-a-tab' }}>
        <Probe />
      </PanelHostProvider>,
    );
    expect(screen.getByText('host: standalone')).toBeTruthy();
  });

  it('confirms in an in-page dialog that starts on the safe answer', async () => {
    render(
      <PanelHostProvider launch={standalone}>
        <Probe />
      </PanelHostProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'confirm' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete everything?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(screen.getByText('This cannot be undone.')).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Keep');
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(screen.getByTestId('result').textContent).toBe('true');
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('shows notifications as toasts in a live region', async () => {
    render(
      <PanelHostProvider launch={standalone}>
        <Probe />
      </PanelHostProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'notify' }));
    const toast = screen.getByText('Saved').closest('.toast');
    expect(toast?.parentElement?.getAttribute('aria-live')).toBe('polite');
    expect(screen.getByRole('link', { name: 'Open' }).getAttribute('href')).toBe('https://x.test/1');
  });

  it('uses the theme asked for in the URL', () => {
    render(
      <PanelHostProvider launch={{ ...standalone, theme: 'dark' }}>
        <Probe />
      </PanelHostProvider>,
    );
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('follows the operating system theme when none is asked for', async () => {
    let change: ((e: { matches: boolean }) => void) | null = null;
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query === '(prefers-color-scheme: dark)',
      addEventListener: (_: string, cb: (e: { matches: boolean }) => void) => {
        change = cb;
      },
      removeEventListener: () => {},
    }));
    render(
      <PanelHostProvider launch={standalone}>
        <Probe />
      </PanelHostProvider>,
    );
    expect(document.documentElement.dataset.theme).toBe('dark');
    act(() => change?.({ matches: false }));
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});
