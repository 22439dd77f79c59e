import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatBytes } from './format.ts';
import { ProgressBar, progressText } from './ProgressBar.tsx';

describe('ProgressBar', () => {
  it('exposes value, maximum and the words to assistive technology', () => {
    render(<ProgressBar label="Persons" value={1200} max={5000} perSecond={40} secondsLeft={95} />);
    const bar = screen.getByRole('progressbar', { name: 'Persons' });
    expect(bar.getAttribute('aria-valuenow')).toBe('1200');
    expect(bar.getAttribute('aria-valuemax')).toBe('5000');
    expect(bar.getAttribute('aria-valuetext')).toBe('1,200 of 5,000 · 40 per second · about 2 min left');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('24%');
  });

  it('is indeterminate while the total is unknown', () => {
    render(<ProgressBar label="Reading" value={300} max={null} />);
    const bar = screen.getByRole('progressbar', { name: 'Reading' });
    expect(bar.hasAttribute('aria-valuenow')).toBe(false);
    expect(bar.getAttribute('aria-valuetext')).toBe('300');
    expect(bar.firstElementChild?.className).toBe('progress__fill progress__fill--indeterminate');
  });

  it('never draws past the end', () => {
    render(<ProgressBar label="Files" value={12} max={10} />);
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('10');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('100%');
  });
});

describe('progressText', () => {
  it('says paused, done or stopped instead of a rate', () => {
    expect(progressText({ value: 5, max: 10, status: 'paused', perSecond: 3 })).toBe('5 of 10 · paused');
    expect(progressText({ value: 10, max: 10, status: 'done' })).toBe('10 of 10 · done');
    expect(progressText({ value: 4, max: 10, status: 'failed' })).toBe('4 of 10 · stopped by an error');
  });

  it('reads a slow rate per minute and bytes as sizes', () => {
    expect(progressText({ value: 3, max: 100, perSecond: 0.5, secondsLeft: 30 })).toBe(
      '3 of 100 · 30 per minute · less than a minute left',
    );
    expect(
      progressText({ value: 1536, max: 1048576, unit: 'bytes', perSecond: 2048, format: formatBytes }),
    ).toBe('1.5 KB of 1 MB · 2 KB/s');
  });

  it('leaves out the rate until there is one', () => {
    expect(progressText({ value: 0, max: 100, perSecond: null, secondsLeft: null })).toBe('0 of 100');
  });
});
