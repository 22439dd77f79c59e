import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Launch } from '../launch.ts';
import { FakePipedrive } from '../testing/fake-pipedrive.ts';
import { Probe } from '../testing/host-probe.tsx';
import { PanelHostProvider } from './PanelHostProvider.tsx';

let fake: FakePipedrive;
let n = 0;

/** A fresh iframe id per test: connections are shared per id, as in a real page. */
function pipedriveLaunch(theme: 'light' | 'dark' = 'light'): Launch {
  n += 1;
  const identifier = `panel-${n}`;
  // The SDK reads the theme from the page URL, like Pipedrive's iframe URL.
  window.history.replaceState(null, '', `/?id=${identifier}&theme=${theme}`);
  return { identifier, companyId: 1, userId: 2, theme, framed: true };
}

beforeEach(() => {
  fake = new FakePipedrive();
});

afterEach(() => {
  fake.dispose();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('PanelHostProvider inside Pipedrive', () => {
  it('initialises the SDK with the iframe id before showing the panel', async () => {
    const launch = pipedriveLaunch();
    render(
      <PanelHostProvider launch={launch} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    expect(screen.getByRole('status').textContent).toBe('Connecting to Pipedrive…');
    expect(await screen.findByText('host: pipedrive')).toBeTruthy();
    expect(fake.commands[0]).toEqual({ id: launch.identifier, command: 'initialize', args: {} });
  });

  it('initialises once under StrictMode, which mounts effects twice', async () => {
    const launch = pipedriveLaunch();
    render(
      <StrictMode>
        <PanelHostProvider launch={launch} targetWindow={fake.window}>
          <Probe />
        </PanelHostProvider>
      </StrictMode>,
    );
    await screen.findByText('host: pipedrive');
    expect(fake.count('initialize')).toBe(1);
  });

  it("applies Pipedrive's theme to the page and follows the user's change", async () => {
    const launch = pipedriveLaunch('dark');
    render(
      <PanelHostProvider launch={launch} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await screen.findByText('theme: dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.documentElement.style.colorScheme).toBe('dark');
    await waitFor(() => expect(fake.listenerCount('user_settings_change')).toBe(1));
    act(() => fake.emit('user_settings_change', { theme: 'light' }));
    await screen.findByText('theme: light');
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('stops following theme changes once unmounted', async () => {
    const launch = pipedriveLaunch('light');
    const view = render(
      <PanelHostProvider launch={launch} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await screen.findByText('host: pipedrive');
    await waitFor(() => expect(fake.listenerCount('user_settings_change')).toBe(1));
    view.unmount();
    fake.emit('user_settings_change', { theme: 'dark' });
    await new Promise((r) => setTimeout(r, 20));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it("asks Pipedrive for the confirmation, red by default, and returns the user's answer", async () => {
    fake.answer('show_confirmation', () => ({ confirmed: false }));
    render(
      <PanelHostProvider launch={pipedriveLaunch()} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'confirm' }));
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('false'));
    expect(fake.argsOf('show_confirmation')).toEqual([
      {
        title: 'Delete everything?',
        description: 'This cannot be undone.',
        okText: 'Delete',
        cancelText: 'Keep',
        okColor: 'negative',
      },
    ]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it("shows notifications as Pipedrive's snackbar", async () => {
    render(
      <PanelHostProvider launch={pipedriveLaunch()} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'notify' }));
    await waitFor(() =>
      expect(fake.argsOf('show_snackbar')).toEqual([
        { message: 'Saved', link: { url: 'https://x.test/1', label: 'Open' } },
      ]),
    );
  });

  it('asks Pipedrive for one signed token when two calls need one at once', async () => {
    render(
      <PanelHostProvider launch={pipedriveLaunch()} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'token' }));
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('token-1 token-1'));
    expect(fake.count('get_signed_token')).toBe(1);
  });

  it('tells Pipedrive the content height when it changes, once per height', async () => {
    let notify: ResizeObserverCallback | null = null;
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private readonly cb: ResizeObserverCallback) {}
        observe() {
          notify = this.cb;
        }
        disconnect() {
          notify = null;
        }
      },
    );
    const height = vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect');
    height.mockReturnValue({ height: 420.3 } as DOMRect);
    render(
      <PanelHostProvider launch={pipedriveLaunch()} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    // The observer starts once the SDK is ready and the effect has run.
    await waitFor(() => expect(notify).not.toBeNull());
    const fire = () => notify?.([], {} as ResizeObserver);
    fire();
    await waitFor(() => expect(fake.argsOf('resize')).toEqual([{ height: 421 }]));
    // Same height again: nothing to tell.
    fire();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.argsOf('resize')).toEqual([{ height: 421 }]);
    height.mockReturnValue({ height: 610 } as DOMRect);
    fire();
    await waitFor(() => expect(fake.argsOf('resize')).toEqual([{ height: 421 }, { height: 610 }]));
    height.mockRestore();
  });

  it('says so when Pipedrive does not answer in 10 seconds, and can try again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fake.answerInitialize = false;
    render(
      <PanelHostProvider launch={pipedriveLaunch()} targetWindow={fake.window}>
        <Probe />
      </PanelHostProvider>,
    );
    await act(async () => {
      vi.advanceTimersByTime(10_000);
    });
    const alert = screen.getByRole('alert', { name: 'Cannot connect to Pipedrive' });
    expect(alert.querySelector('.state__body')?.textContent).toBe(
      'Pipedrive did not answer the panel within 10 seconds.',
    );
    vi.useRealTimers();
    fake.answerInitialize = true;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('host: pipedrive')).toBeTruthy();
    expect(fake.count('initialize')).toBe(2);
  });
});
