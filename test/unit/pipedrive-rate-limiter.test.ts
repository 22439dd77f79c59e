import { describe, expect, it } from 'vitest';
import { BurstLimiter, parseRateHeaders } from '../../server/pipedrive/rate-limiter.ts';
import { FakeClock } from '../helpers/clock.ts';

function setup(limit = 20) {
  const clock = new FakeClock();
  const limiter = new BurstLimiter({ limit, clock, random: () => 0 });
  const grantedAt: number[] = [];
  const take = (n: number, search = false) =>
    Array.from({ length: n }, () => limiter.acquire(search).then(() => grantedAt.push(clock.now() - start)));
  const start = clock.now();
  return { clock, limiter, grantedAt, take };
}

describe('BurstLimiter', () => {
  it('lets 19 of a 20-per-2s window through at once and holds the 20th until the window rolls', async () => {
    const { clock, grantedAt, take } = setup(20);
    take(20);
    await clock.advance(0);
    expect(grantedAt).toEqual(Array(19).fill(0));
    await clock.advance(1999);
    expect(grantedAt).toHaveLength(19);
    await clock.advance(1);
    expect(grantedAt).toEqual([...Array(19).fill(0), 2000]);
  });

  it('counts an answered request in the window from its answer, so a slow request cannot crowd the next window', async () => {
    const { clock, limiter, grantedAt, take } = setup(2); // one request per window
    const granted = await limiter.acquire();
    take(1);
    await clock.advance(500);
    limiter.answered(granted); // Pipedrive saw it at some moment up to now
    await clock.advance(1500);
    expect(grantedAt).toEqual([]);
    await clock.advance(500);
    expect(grantedAt).toEqual([2500]);
  });

  it('never has more than its capacity in any 2-second window over a long run', async () => {
    const { clock, limiter, grantedAt, take } = setup(80);
    take(1000);
    await clock.advance(60_000);
    expect(grantedAt).toHaveLength(1000);
    for (let i = limiter.capacity; i < grantedAt.length; i++) {
      expect(grantedAt[i]! - grantedAt[i - limiter.capacity]!).toBeGreaterThanOrEqual(2000);
    }
    expect(limiter.capacity).toBe(76);
  });

  it('learns the limit from x-ratelimit-limit and grants the extra room at once', async () => {
    const { clock, limiter, grantedAt, take } = setup(20);
    take(50);
    await clock.advance(0);
    expect(grantedAt).toHaveLength(19);
    limiter.observe({ limit: 80, remaining: 60, resetSeconds: 2 });
    await clock.advance(0);
    expect(limiter.capacity).toBe(76);
    expect(grantedAt).toHaveLength(50);
  });

  it('pauses every request after a 429 until the announced reset', async () => {
    const { clock, limiter, grantedAt, take } = setup(20);
    limiter.penalize(3);
    take(2);
    await clock.advance(2999);
    expect(grantedAt).toEqual([]);
    await clock.advance(1);
    expect(grantedAt).toEqual([3000, 3000]);
    expect(limiter.stats().throttled).toBe(1);
  });

  it('pauses when Pipedrive says nothing remains in the window', async () => {
    const { clock, limiter, grantedAt, take } = setup(20);
    limiter.observe({ remaining: 0, resetSeconds: 1 });
    take(1);
    await clock.advance(999);
    expect(grantedAt).toEqual([]);
    await clock.advance(1);
    expect(grantedAt).toEqual([1000]);
  });

  it('holds searches to 9 per window without blocking ordinary requests queued behind them', async () => {
    const { clock, grantedAt, take } = setup(80);
    take(10, true);
    take(5, false);
    await clock.advance(0);
    expect(grantedAt).toEqual(Array(14).fill(0));
    await clock.advance(2000);
    expect(grantedAt).toEqual([...Array(14).fill(0), 2000]);
  });

  it('drops a waiter whose signal aborts', async () => {
    const { clock, limiter, take } = setup(2);
    take(1);
    const ac = new AbortController();
    const waiting = limiter.acquire(false, ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await clock.advance(0);
    expect(limiter.stats().waiting).toBe(0);
  });
});

describe('parseRateHeaders', () => {
  it('reads the x-ratelimit-* headers and ignores junk', () => {
    const h: Record<string, string> = {
      'x-ratelimit-limit': '80',
      'x-ratelimit-remaining': '79',
      'x-ratelimit-reset': 'soon',
    };
    expect(parseRateHeaders((n) => h[n])).toEqual({ limit: 80, remaining: 79 });
  });
});
