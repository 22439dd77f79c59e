// Every API request the sandbox answered (or dropped), with the token cost it was charged: what tests
// and benchmarks compare the client's own accounting against. Credentials are never stored, only a label.
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from './auth.ts';
import type { SandboxClock } from './clock.ts';

export interface LoggedRequest {
  seq: number;
  /** Sandbox clock, ISO 8601. */
  at: string;
  method: string;
  path: string;
  operation: string | null;
  companyId: number | null;
  userId: number | null;
  authType: Caller['authType'] | null;
  credential: string | null;
  /** HTTP status, or 0 when the connection was dropped or never answered. */
  status: number;
  /** Tokens charged to the company's daily budget. */
  cost: number;
  rateLimited: 'burst' | 'search' | 'budget' | null;
  fault: string | null;
  /** A bug in the sandbox itself (answered as a 500): its message, so tests can tell it from a fault. */
  error: string | null;
  durationMs: number;
}

export interface RequestFilter {
  companyId?: number;
  operation?: string;
  sinceSeq?: number;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  constructor(private readonly capacity: () => number) {}

  middleware(clock: SandboxClock) {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = performance.now();
      const at = new Date(clock.now()).toISOString();
      let done = false;
      const record = () => {
        if (done) return;
        done = true;
        const caller = res.locals.caller as Caller | undefined;
        const dropped = res.locals.faultApplied === 'drop_after_write' || res.locals.faultApplied === 'hang';
        this.add({
          at,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? req.originalUrl,
          operation: (res.locals.operation as string | undefined) ?? null,
          companyId: caller?.company.id ?? null,
          userId: caller?.userId ?? null,
          authType: caller?.authType ?? null,
          credential: caller?.credential ?? null,
          status: dropped || !res.headersSent ? 0 : res.statusCode,
          cost: (res.locals.cost as number | undefined) ?? 0,
          rateLimited: (res.locals.rateLimited as LoggedRequest['rateLimited'] | undefined) ?? null,
          fault: (res.locals.faultApplied as string | undefined) ?? null,
          error: res.locals.internalError === undefined ? null : String(res.locals.internalError),
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        });
      };
      res.on('finish', record);
      res.on('close', record);
      next();
    };
  }

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, ...entry });
    // Trim in batches: splicing one entry off a 50,000-entry array per request would dominate a benchmark.
    const cap = this.capacity();
    if (this.entries.length > cap + Math.max(1000, cap / 10))
      this.entries.splice(0, this.entries.length - cap);
  }

  list(filter: RequestFilter = {}): LoggedRequest[] {
    const cap = this.capacity();
    const kept = this.entries.length > cap ? this.entries.slice(this.entries.length - cap) : this.entries;
    return kept.filter(
      (e) =>
        (filter.companyId === undefined || e.companyId === filter.companyId) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq),
    );
  }

  /** Tokens charged, by company, over the kept entries. */
  totalCost(filter: RequestFilter = {}): number {
    return this.list(filter).reduce((sum, e) => sum + e.cost, 0);
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
