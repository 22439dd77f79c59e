// Pipedrive's rate limits (research §1): a rolling 2-second burst window per token whose size depends
// on plan and auth type, 10 searches per 2 s on every plan, and a daily token budget per company of
// 30,000 × plan multiplier × seats (+ top-ups) that resets at midnight (UTC on the sandbox clock).
// Every answered request carries x-ratelimit-limit/-remaining/-reset; API-token POST/PUT/PATCH requests
// also carry x-daily-requests-left. A 429 looks the same whichever limit was hit, as in Pipedrive.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Caller } from '../auth.ts';
import { callerOf } from '../auth.ts';
import { nextUtcMidnight, utcDay } from '../clock.ts';
import { ApiError, forbidden } from '../http.ts';
import type { Sandbox } from '../sandbox.ts';
import type { Company } from '../state/company.ts';
import type { Plan } from '../state/types.ts';
import { operation } from './costs.ts';

export const WINDOW_MS = 2_000;
export const SEARCH_LIMIT = 10;
export const BASE_TOKENS = 30_000;
export const PLAN_MULTIPLIER: Record<Plan, number> = { lite: 1, growth: 2, premium: 5, ultimate: 7 };
export const BURST_LIMITS: Record<Plan, Record<Caller['authType'], number>> = {
  lite: { api_token: 20, oauth: 80 },
  growth: { api_token: 40, oauth: 160 },
  premium: { api_token: 100, oauth: 400 },
  ultimate: { api_token: 120, oauth: 480 },
};
/** The older "fair usage" figure behind x-daily-requests-left (POST/PUT per user per day). */
export const DAILY_WRITE_REQUESTS = 10_000;

/** Timestamps of accepted requests per key, within the last 2 seconds. */
class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  look(key: string, now: number): number[] {
    const list = this.hits.get(key);
    if (!list) return [];
    while (list.length > 0 && list[0]! <= now - WINDOW_MS) list.shift();
    if (list.length === 0) this.hits.delete(key);
    return list;
  }

  add(key: string, now: number): void {
    const list = this.hits.get(key);
    if (list) list.push(now);
    else this.hits.set(key, [now]);
  }

  clear(): void {
    this.hits.clear();
  }
}

interface DayCounter {
  day: string;
  used: number;
}

export interface Usage {
  day: string;
  budget: number;
  used: number;
  remaining: number;
  resetsAt: string;
}

export class Limits {
  private readonly burst = new RollingWindow();
  private readonly search = new RollingWindow();
  private readonly spent = new Map<number, DayCounter>();
  private readonly writes = new Map<string, DayCounter>();

  constructor(private readonly sandbox: Sandbox) {}

  burstLimit(caller: Caller): number {
    return BURST_LIMITS[caller.company.info.plan][caller.authType];
  }

  dailyBudget(company: Company): number {
    const { plan, seats, topUpTokens, dailyBudget } = company.info;
    return dailyBudget ?? BASE_TOKENS * PLAN_MULTIPLIER[plan] * seats + topUpTokens;
  }

  usage(company: Company): Usage {
    const now = this.sandbox.clock.now();
    const used = this.today(this.spent, company.id, now).used;
    const budget = this.dailyBudget(company);
    return {
      day: utcDay(now),
      budget,
      used,
      remaining: Math.max(0, budget - used),
      resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
    };
  }

  clear(): void {
    this.burst.clear();
    this.search.clear();
    this.spent.clear();
    this.writes.clear();
  }

  /** Scope check, burst and search windows, then the budget charge, for one operation. */
  meter(opId: string): RequestHandler {
    const op = operation(opId);
    return (req: Request, res: Response, next: NextFunction): void => {
      const caller = callerOf(res);
      res.locals.operation = opId;
      if (caller.scopes && !op.scopes.some((s) => caller.scopes!.has(s))) {
        next(forbidden('Scope and URL mismatch'));
        return;
      }
      const settings = this.sandbox.settings.limits;
      const now = this.sandbox.clock.now();
      const window = op.search ? this.search : this.burst;
      const limit = op.search ? SEARCH_LIMIT : this.burstLimit(caller);
      const burstHits = this.burst.look(caller.limiterKey, now);
      const searchHits = this.search.look(caller.limiterKey, now);
      const hits = op.search ? searchHits : burstHits;
      const headers = (count: number, oldest: number | undefined) => {
        res.setHeader('x-ratelimit-limit', String(limit));
        res.setHeader('x-ratelimit-remaining', String(Math.max(0, limit - count)));
        res.setHeader('x-ratelimit-reset', String(Math.ceil(((oldest ?? now) + WINDOW_MS - now) / 1000)));
      };
      const overBurst = settings.burst && burstHits.length >= this.burstLimit(caller);
      const overSearch = op.search === true && settings.search && searchHits.length >= SEARCH_LIMIT;
      if (overBurst || overSearch) {
        headers(hits.length, hits[0]);
        if (overSearch && !overBurst) res.setHeader('x-ratelimit-remaining', '0');
        res.locals.rateLimited = overSearch && !overBurst ? 'search' : 'burst';
        next(tooManyRequests());
        return;
      }
      const spent = this.today(this.spent, caller.company.id, now);
      if (settings.budget && spent.used + op.cost > this.dailyBudget(caller.company)) {
        headers(hits.length, hits[0]);
        res.locals.rateLimited = 'budget';
        next(tooManyRequests());
        return;
      }
      this.burst.add(caller.limiterKey, now);
      if (op.search) this.search.add(caller.limiterKey, now);
      spent.used += op.cost;
      res.locals.cost = op.cost;
      const counted = window.look(caller.limiterKey, now);
      headers(counted.length, counted[0]);
      if (caller.authType === 'api_token' && ['POST', 'PUT', 'PATCH'].includes(req.method)) {
        const writes = this.today(this.writes, `${caller.company.id}:${caller.userId}`, now);
        writes.used += 1;
        res.setHeader('x-daily-requests-left', String(Math.max(0, DAILY_WRITE_REQUESTS - writes.used)));
      }
      next();
    };
  }

  private today<K>(map: Map<K, DayCounter>, key: K, now: number): DayCounter {
    const day = utcDay(now);
    let counter = map.get(key);
    if (!counter || counter.day !== day) {
      counter = { day, used: 0 };
      map.set(key, counter);
    }
    return counter;
  }
}

function tooManyRequests(): ApiError {
  return new ApiError(429, 'Request over limit');
}
