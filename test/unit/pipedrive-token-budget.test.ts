import { describe, expect, it } from 'vitest';
import { isPipedriveError } from '../../server/pipedrive/errors.ts';
import {
  budgetDay,
  dailyTokenBudget,
  nextReset,
  TokenBudget,
  type UsageStore,
} from '../../server/pipedrive/token-budget.ts';
import { FakeClock } from '../helpers/clock.ts';

function memoryStore(): UsageStore & { rows: Map<string, number> } {
  const rows = new Map<string, number>();
  return {
    rows,
    read: async (c, d) => ({ tokens: rows.get(`${c}/${d}`) ?? 0, requests: 0 }),
    add: async (c, d, t) => {
      rows.set(`${c}/${d}`, (rows.get(`${c}/${d}`) ?? 0) + t);
    },
  };
}

const what = { op: 'persons.add', method: 'POST', path: '/api/v2/persons' };

describe('daily token budget', () => {
  it('is 30,000 × plan multiplier × seats plus top-ups', () => {
    expect(dailyTokenBudget('lite', 1)).toBe(30_000);
    expect(dailyTokenBudget('growth', 10)).toBe(600_000);
    expect(dailyTokenBudget('ultimate', 3, 50_000)).toBe(680_000);
    expect(() => dailyTokenBudget('premium', 0)).toThrow('seats must be a positive whole number');
  });

  it('counts days in the reset time zone', () => {
    const t = Date.UTC(2026, 10, 24, 23, 30);
    expect(budgetDay(t, 'UTC')).toBe('2026-11-24');
    expect(budgetDay(t, 'Europe/Copenhagen')).toBe('2026-11-25');
    expect(nextReset(t, 'UTC')).toBe(Date.UTC(2026, 10, 25, 0, 0));
    expect(nextReset(t, 'Europe/Copenhagen')).toBe(Date.UTC(2026, 10, 25, 23, 0));
    expect(nextReset(Date.UTC(2026, 2, 8, 12), 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4, 0));
  });

  it('stops at the chosen share and resumes after the daily reset', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 25, 22, 0));
    const store = memoryStore();
    const budget = new TokenBudget(7, { dailyTokens: 100, share: 0.8, resetTimeZone: 'UTC' }, store, clock);
    for (let i = 0; i < 16; i++) await budget.reserve(5, what);
    const err = await budget.reserve(5, what).catch((e: unknown) => e);
    expect(isPipedriveError(err, 'budget_exhausted')).toBe(true);
    expect(isPipedriveError(err) && err.info.resumeAt).toBe(Date.UTC(2026, 10, 26, 0, 0));
    await budget.flush();
    expect(store.rows.get('7/2026-11-25')).toBe(80);

    await clock.advanceTo(Date.UTC(2026, 10, 26, 0, 0));
    await budget.reserve(5, what);
    expect(await budget.snapshot()).toMatchObject({
      day: '2026-11-26',
      spent: 5,
      allowance: 80,
      dailyTokens: 100,
    });
  });

  it('gives back a refused request and picks up what an earlier process spent today', async () => {
    const clock = new FakeClock();
    const store = memoryStore();
    const first = new TokenBudget(7, { dailyTokens: 1000, share: 1, resetTimeZone: 'UTC' }, store, clock);
    await first.reserve(10, what);
    await first.reserve(10, what);
    first.refund(10);
    await first.flush();
    const second = new TokenBudget(7, { dailyTokens: 1000, share: 1, resetTimeZone: 'UTC' }, store, clock);
    expect((await second.snapshot()).spent).toBe(10);
  });
});
