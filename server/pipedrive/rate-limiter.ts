// Pipedrive's burst limit: N requests per token in a rolling 2-second window (N by plan and auth type,
// announced in `x-ratelimit-limit`), and 10 per 2 s for search endpoints on every plan. We keep a log of
// our own send times and grant a request only when the window has room, leaving a little headroom for
// network jitter (requests sent 2 s apart may arrive closer together). A 429 or `remaining: 0` pauses every
// request on the token until Pipedrive's `x-ratelimit-reset`.
import type { Clock } from '../clock.ts';

export interface BurstLimiterOptions {
  /** Requests per window before anything was learned from Pipedrive's headers. */
  limit: number;
  clock: Clock;
  windowMs?: number;
  searchLimit?: number;
  /** Share of the window kept free for jitter; at least one request is always kept free. */
  headroom?: number;
  /** Extra random delay after a 429, so several workers don't return at the same instant. */
  jitterMs?: number;
  random?: () => number;
}

export interface RateHeaders {
  limit?: number;
  remaining?: number;
  /** Seconds until the window has room again. */
  resetSeconds?: number;
}

export interface LimiterStats {
  limit: number;
  capacity: number;
  granted: number;
  throttled: number;
  waiting: number;
}

interface Waiter {
  search: boolean;
  resolve: (grantedAt: number) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class BurstLimiter {
  private limitValue: number;
  private readonly windowMs: number;
  private readonly searchLimit: number;
  private readonly headroom: number;
  private readonly jitterMs: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly sent: number[] = [];
  private readonly searchSent: number[] = [];
  private readonly waiters: Waiter[] = [];
  private pausedUntil = 0;
  private wakeAt = Number.POSITIVE_INFINITY;
  private granted = 0;
  private throttled = 0;

  constructor(o: BurstLimiterOptions) {
    this.limitValue = o.limit;
    this.clock = o.clock;
    this.windowMs = o.windowMs ?? 2000;
    this.searchLimit = o.searchLimit ?? 10;
    this.headroom = o.headroom ?? 0.05;
    this.jitterMs = o.jitterMs ?? 250;
    this.random = o.random ?? Math.random;
  }

  get limit(): number {
    return this.limitValue;
  }

  /** How many requests we let into one window. */
  get capacity(): number {
    return capacityFor(this.limitValue, this.headroom);
  }

  private get searchCapacity(): number {
    return capacityFor(this.searchLimit, this.headroom);
  }

  /** Resolves (with the grant time) when a request may be sent; the slot is taken when it resolves. */
  acquire(search = false, signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { search, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /**
   * A request granted at `grantedAt` has been answered. It reached Pipedrive somewhere in between, so it
   * is counted in the window from now on: a slow request can never make the next window look emptier to
   * us than it is to Pipedrive (which counts arrivals).
   */
  answered(grantedAt: number, search = false): void {
    const now = this.clock.now();
    restamp(this.sent, grantedAt, now);
    if (search) restamp(this.searchSent, grantedAt, now);
  }

  /** Learns from a response's `x-ratelimit-*` headers. */
  observe(h: RateHeaders): void {
    if (h.limit !== undefined && Number.isFinite(h.limit) && h.limit > 0) this.limitValue = h.limit;
    if (h.remaining !== undefined && h.remaining <= 0) {
      this.pauseFor((h.resetSeconds ?? this.windowMs / 1000) * 1000);
    }
    this.pump();
  }

  /** After a 429: nothing goes out on this token until the window resets (plus jitter). */
  penalize(resetSeconds?: number): void {
    this.throttled++;
    const base = resetSeconds !== undefined && resetSeconds > 0 ? resetSeconds * 1000 : this.windowMs;
    this.pauseFor(base + this.random() * this.jitterMs);
  }

  stats(): LimiterStats {
    return {
      limit: this.limitValue,
      capacity: this.capacity,
      granted: this.granted,
      throttled: this.throttled,
      waiting: this.waiters.length,
    };
  }

  private pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private pump(): void {
    const now = this.clock.now();
    prune(this.sent, now - this.windowMs);
    prune(this.searchSent, now - this.windowMs);
    if (now < this.pausedUntil) {
      if (this.waiters.length > 0) this.wakeUpAt(this.pausedUntil);
      return;
    }
    let i = 0;
    while (i < this.waiters.length && this.sent.length < this.capacity) {
      const w = this.waiters[i]!;
      if (w.search && this.searchSent.length >= this.searchCapacity) {
        i++; // a search waits for its own window; ordinary requests behind it go on
        continue;
      }
      this.waiters.splice(i, 1);
      this.sent.push(now);
      if (w.search) this.searchSent.push(now);
      this.granted++;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(now);
    }
    if (this.waiters.length === 0) return;
    const next = [] as number[];
    if (this.sent.length >= this.capacity)
      next.push(this.sent[this.sent.length - this.capacity]! + this.windowMs);
    if (this.waiters.some((w) => w.search) && this.searchSent.length >= this.searchCapacity) {
      next.push(this.searchSent[this.searchSent.length - this.searchCapacity]! + this.windowMs);
    }
    this.wakeUpAt(next.length > 0 ? Math.min(...next) : now + 1);
  }

  private wakeUpAt(at: number): void {
    if (at >= this.wakeAt && this.wakeAt > this.clock.now()) return; // an earlier wake-up is pending
    this.wakeAt = at;
    void this.clock.sleep(Math.max(0, at - this.clock.now())).then(() => {
      if (this.wakeAt === at) this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    });
  }
}

function capacityFor(limit: number, headroom: number): number {
  return Math.max(1, Math.min(limit - 1, Math.floor(limit * (1 - headroom))));
}

/** Moves one `from` entry of an ascending array to `to` (≥ every entry), keeping it ascending. */
function restamp(times: number[], from: number, to: number): void {
  const i = times.indexOf(from);
  if (i < 0) return; // already out of the window
  times.splice(i, 1);
  times.push(to);
}

/** Drops timestamps at or before `cutoff` from the front of an ascending array. */
function prune(times: number[], cutoff: number): void {
  let n = 0;
  while (n < times.length && times[n]! <= cutoff) n++;
  if (n > 0) times.splice(0, n);
}

/** Burst limits by plan (requests per 2 s), shared/research/pipedrive-api.md §1.3. */
export const BURST_LIMITS = {
  lite: { apiToken: 20, oauth: 80 },
  growth: { apiToken: 40, oauth: 160 },
  premium: { apiToken: 100, oauth: 400 },
  ultimate: { apiToken: 120, oauth: 480 },
} as const;

export type PipedrivePlan = keyof typeof BURST_LIMITS;

export function parseRateHeaders(get: (name: string) => string | undefined): RateHeaders {
  const num = (name: string) => {
    const v = get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const h: RateHeaders = {};
  const limit = num('x-ratelimit-limit');
  const remaining = num('x-ratelimit-remaining');
  const reset = num('x-ratelimit-reset');
  if (limit !== undefined) h.limit = limit;
  if (remaining !== undefined) h.remaining = remaining;
  if (reset !== undefined) h.resetSeconds = reset;
  return h;
}
