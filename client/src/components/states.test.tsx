import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors.ts';
import { Badge } from './Badge.tsx';
import { Banner } from './Banner.tsx';
import { EmptyState, ErrorState, LoadingState } from './states.tsx';

describe('EmptyState', () => {
  it('names itself by its title and shows the body and action', () => {
    render(
      <EmptyState title="No files yet" action={<button type="button">Upload</button>}>
        Drop your exports to start.
      </EmptyState>,
    );
    const region = screen.getByRole('region', { name: 'No files yet' });
    expect(region.textContent).toBe('No files yetDrop your exports to start.Upload');
  });
});

describe('LoadingState', () => {
  it('is a polite status with its label', () => {
    render(<LoadingState label="Reading users.csv…" />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Reading users.csv…');
    expect(status.getAttribute('aria-live')).toBe('polite');
  });

  it('says "Loading…" by default', () => {
    render(<LoadingState />);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });
});

describe('ErrorState', () => {
  it('shows the message and the request id to quote to support', () => {
    render(<ErrorState error={new ApiError(500, 'internal_error', 'Something broke.', 'req-42')} />);
    const alert = screen.getByRole('alert', { name: 'Something went wrong' });
    expect(alert.querySelector('.state__body')?.textContent).toBe('Something broke.');
    expect(alert.querySelector('.state__meta')?.textContent).toBe(
      'Request id req-42 (quote it when you contact support)',
    );
  });

  it('has no request id line for errors that never reached the server', () => {
    render(<ErrorState title="Offline" error={new Error('Cannot reach the server.')} />);
    expect(screen.getByRole('alert', { name: 'Offline' }).querySelector('.state__meta')).toBeNull();
  });

  it('offers to try again when it can', async () => {
    const onRetry = vi.fn();
    render(<ErrorState error="boom" onRetry={onRetry} />);
    expect(screen.getByText('boom')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

describe('Banner', () => {
  it('is a quiet note for information', () => {
    render(<Banner title="Writing to the local sandbox">Nothing reaches Pipedrive.</Banner>);
    const note = screen.getByRole('note');
    expect(note.className).toBe('banner banner--info');
    expect(note.textContent).toBe('Writing to the local sandboxNothing reaches Pipedrive.');
  });

  it('is an alert for warnings and dangers', () => {
    render(
      <>
        <Banner tone="warning" title="Daily budget nearly used" />
        <Banner tone="danger" title="Run stopped" />
      </>,
    );
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'Daily budget nearly used',
      'Run stopped',
    ]);
  });
});

describe('Badge', () => {
  it('shows the status word in its tone', () => {
    render(<Badge tone="success">Done</Badge>);
    const badge = screen.getByText('Done');
    expect(badge.className).toBe('badge badge--success');
  });
});
