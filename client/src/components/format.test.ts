import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDateTime, formatRate, formatRemaining } from './format.ts';
import { RateMeter } from './rate.ts';

describe('format', () => {
  it('writes a moment with the month in words, in the viewer zone (UTC in tests)', () => {
    expect(formatDateTime('2026-11-24T09:30:00.000Z')).toBe('24 Nov 2026, 09:30');
    expect(formatDateTime('2026-03-01T23:05:59Z')).toBe('1 Mar 2026, 23:05');
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it('groups thousands', () => {
    expect(formatCount(100000)).toBe('100,000');
  });

  it('reads sizes in powers of 1024', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 2, 2 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1,023 B',
      '1 KB',
      '1.5 KB',
      '5 MB',
      '2 GB',
    ]);
  });

  it('says time left the way people do', () => {
    expect([10, 59, 60, 149, 3600, 4800].map(formatRemaining)).toEqual([
      'less than a minute',
      'less than a minute',
      'about 1 min',
      'about 2 min',
      'about 1 h',
      'about 1 h 20 min',
    ]);
  });

  it('reads rates per second, or per minute when slow', () => {
    expect(formatRate(12.34)).toBe('12.3 per second');
    expect(formatRate(0.25)).toBe('15 per minute');
    expect(formatRate(3 * 1024 ** 2, 'bytes')).toBe('3 MB/s');
  });
});

describe('RateMeter', () => {
  it('has no estimate from a single moment', () => {
    const meter = new RateMeter();
    meter.add(10, 0);
    meter.add(20, 100);
    expect(meter.estimate(100)).toEqual({ perSecond: null, secondsLeft: null });
  });

  it('measures the rate over its window and the time to the total', () => {
    const meter = new RateMeter(10_000);
    for (let t = 0; t <= 20_000; t += 1_000) meter.add(t < 10_000 ? t / 100 : 100 + (t - 10_000) / 50, t);
    // The last 10 seconds ran at 20 per second; the slower start has left the window.
    expect(meter.estimate(500)).toEqual({ perSecond: 20, secondsLeft: 10 });
  });

  it('starts over when progress goes backwards', () => {
    const meter = new RateMeter();
    meter.add(50, 0);
    meter.add(100, 1_000);
    meter.add(0, 2_000);
    meter.add(10, 3_000);
    expect(meter.estimate(null)).toEqual({ perSecond: 10, secondsLeft: null });
  });
});
