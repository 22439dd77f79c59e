// Pipedrive's daily token budget: 30,000 × plan multiplier × seats (+ top-ups) per company, shared by every
// integration of the company, reset at midnight of Pipedrive's server time zone (not documented; a
// setting, UTC by default). No response header reports what is left, so we count what we spend, persist
// it per company and day, and stop at the admin's chosen share so the company's other integrations keep
// working. What other integrations spend is invisible to us; a 429 storm that outlasts the burst window
// is taken as the real budget running out (see transport.ts).
import type { Clock } from '../clock.ts';
import { PipedriveApiError } from './errors.ts';
import type { PipedrivePlan } from './rate-limiter.ts';

export const BASE_DAILY_TOKENS = 30_000;
export const PLAN_MULTIPLIER: Record<PipedrivePlan, number> = { lite: 1, growth: 2, premium: 5, ultimate: 7 };

export function dailyTokenBudget(plan: PipedrivePlan, seats: number, topUps = 0): number {
  if (!Number.isInteger(seats) || seats < 1) throw new Error('seats must be a positive whole number');
  return BASE_DAILY_TOKENS * PLAN_MULTIPLIER[plan] * seats + topUps;
}

export interface BudgetPolicy {
  /** The company's whole daily budget in tokens. */
  dailyTokens: number;
  /** Share of it this app may spend (0 < share ≤ 1); the rest is left to the company's other integrations. */
  share: number;
  /** IANA zone whose midnight resets the budget. */
  resetTimeZone: string;
}

// Building a DateTimeFormat costs about a millisecond; every request asks for the budget day.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f;
}

/** The budget day (YYYY-MM-DD) of an instant in the reset time zone. */
export function budgetDay(epochMs: number, timeZone: string): string {
  const parts = dayFormat(timeZone).formatToParts(new Date(epochMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The first instant after `epochMs` that falls on the next budget day. */
export function nextReset(epochMs: number, timeZone: string): number {
  const today = budgetDay(epochMs, timeZone);
  // Zones move midnight by at most ±14 h from UTC: step forward by hours, then narrow to the minute.
  let t = epochMs;
  while (budgetDay(t, timeZone) === today) t += 3_600_000;
  let lo = t - 3_600_000;
  let hi = t;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (budgetDay(mid, timeZone) === today) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface UsageStore {
  /** Tokens and requests already recorded for the company on that budget day. */
  read(companyId: number, day: string): Promise<{ tokens: number; requests: number }>;
  /** Adds to the day's totals (atomically, so several processes can share a company). */
  add(companyId: number, day: string, tokens: number, requests: number): Promise<void>;
}

export interface BudgetSnapshot {
  day: string;
  spent: number;
  allowance: number;
  dailyTokens: number;
  resetsAt: number;
}

/**
 * Reserves tokens before each request. Spending is kept in memory and written to the store in the
 * background (every `flushEveryMs` and on `flush()`), so a restart loses at most that much accounting.
 */
export class TokenBudget {
  private day = '';
  private persisted = 0;
  private pendingTokens = 0;
  private pendingRequests = 0;
  private loading: Promise<void> | undefined;
  private lastFlush = 0;
  /** The budget day of instants in [dayFrom, dayUntil): asked on every request, worked out once a day. */
  private cached = { day: '', from: 0, until: Number.NEGATIVE_INFINITY };

  constructor(
    private readonly companyId: number,
    private policy: BudgetPolicy,
    private readonly store: UsageStore,
    private readonly clock: Clock,
    private readonly flushEveryMs = 1000,
  ) {
    if (!(policy.share > 0 && policy.share <= 1)) throw new Error('budget share must be in (0, 1]');
  }

  setPolicy(policy: BudgetPolicy): void {
    this.policy = policy;
    this.cached = { day: '', from: 0, until: Number.NEGATIVE_INFINITY };
  }

  private today(now: number): string {
    const c = this.cached;
    if (now >= c.from && now < c.until) return c.day;
    const tz = this.policy.resetTimeZone;
    this.cached = { day: budgetDay(now, tz), from: now, until: nextReset(now, tz) };
    return this.cached.day;
  }

  get allowance(): number {
    return Math.floor(this.policy.dailyTokens * this.policy.share);
  }

  /** Takes `tokens` from today's allowance, or throws budget_exhausted with the reset time. */
  async reserve(tokens: number, what: { op: string; method: string; path: string }): Promise<void> {
    await this.roll();
    if (this.persisted + this.pendingTokens + tokens > this.allowance) {
      throw new PipedriveApiError({
        failure: 'budget_exhausted',
        ...what,
        outcomeUnknown: false,
        resumeAt: nextReset(this.clock.now(), this.policy.resetTimeZone),
      });
    }
    this.pendingTokens += tokens;
    this.pendingRequests += 1;
    if (this.clock.now() - this.lastFlush >= this.flushEveryMs) void this.flush().catch(() => undefined);
  }

  /** Gives back a reservation for a request Pipedrive refused before doing anything (a 429). */
  refund(tokens: number): void {
    this.pendingTokens -= tokens;
    this.pendingRequests -= 1;
  }

  async snapshot(): Promise<BudgetSnapshot> {
    await this.roll();
    return {
      day: this.day,
      spent: this.persisted + this.pendingTokens,
      allowance: this.allowance,
      dailyTokens: this.policy.dailyTokens,
      resetsAt: nextReset(this.clock.now(), this.policy.resetTimeZone),
    };
  }

  async flush(): Promise<void> {
    this.lastFlush = this.clock.now();
    const tokens = this.pendingTokens;
    const requests = this.pendingRequests;
    if (tokens === 0 && requests === 0) return;
    this.pendingTokens -= tokens;
    this.pendingRequests -= requests;
    this.persisted += tokens;
    try {
      await this.store.add(this.companyId, this.day, tokens, requests);
    } catch (err) {
      this.pendingTokens += tokens;
      this.pendingRequests += requests;
      this.persisted -= tokens;
      throw err;
    }
  }

  /** On a new budget day, flush yesterday's spending and start from what the store holds for today. */
  private async roll(): Promise<void> {
    const today = this.today(this.clock.now());
    if (today === this.day) return;
    if (!this.loading) {
      this.loading = (async () => {
        if (this.day) await this.flush();
        const used = await this.store.read(this.companyId, today);
        this.day = today;
        this.persisted = used.tokens;
        this.pendingTokens = 0;
        this.pendingRequests = 0;
      })().finally(() => {
        this.loading = undefined;
      });
    }
    await this.loading;
  }
}
