import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOAST_MS, ToastRegion } from './Toasts.tsx';

afterEach(() => {
  vi.useRealTimers();
});

describe('ToastRegion', () => {
  it('dismisses each toast after a while, as Pipedrive does its snackbar', () => {
    vi.useFakeTimers();
    const onDismiss = vi.fn();
    render(<ToastRegion toasts={[{ id: 7, message: 'Profile saved' }]} onDismiss={onDismiss} />);
    act(() => {
      vi.advanceTimersByTime(TOAST_MS - 1);
    });
    expect(onDismiss).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(onDismiss).toHaveBeenCalledWith(7);
  });

  it('opens a toast link in a new tab (the panel lives in a frame)', () => {
    render(
      <ToastRegion
        toasts={[{ id: 1, message: 'Report ready', link: { url: 'https://x.test/r', label: 'Download' } }]}
        onDismiss={() => {}}
      />,
    );
    const link = screen.getByRole('link', { name: 'Download' });
    expect([link.getAttribute('href'), link.getAttribute('target'), link.getAttribute('rel')]).toEqual([
      'https://x.test/r',
      '_blank',
      'noreferrer',
    ]);
  });
});
