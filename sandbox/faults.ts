// Fault injection: what a real network and a real Pipedrive do to an importer. Rates in the settings
// draw from the sandbox's seeded random stream (replayable with the same seed); scripted faults fire on
// the next matching requests, for tests that need one exact failure at one exact point.
//   error            a 5xx before anything is applied (500 as JSON, 502/503/504 as a gateway's HTML page)
//   latency          added delay (real time) before the request is handled
//   hang             no answer at all, until the client gives up (its timeout) or the sandbox closes
//   drop_after_write the write is applied, then the socket is destroyed: the client cannot know it
//                    succeeded, and a naive retry creates a duplicate
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './http.ts';
import { Prng } from './random.ts';
import type { Sandbox } from './sandbox.ts';

export type FaultKind = 'error' | 'latency' | 'hang' | 'drop_after_write';

export interface ScriptedFault {
  kind: FaultKind;
  /** For `error`: the status (default 500). */
  status?: number;
  /** For `latency`: the delay. */
  ms?: number;
  /** Which requests: by operation id (e.g. addPerson), method and/or path prefix; all when empty. */
  match?: { operation?: string; method?: string; pathPrefix?: string; companyId?: number };
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

const GATEWAY_PAGE = (status: number) =>
  `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} ${
    status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : 'Gateway Time-out'
  }</h1></body></html>`;

export class Faults {
  private scripted: (ScriptedFault & { left: number })[] = [];
  private readonly rng: Prng;
  private readonly hanging = new Set<Response>();
  private readonly sleeping = new Set<NodeJS.Timeout>();

  constructor(private readonly sandbox: Sandbox) {
    this.rng = new Prng(`${sandbox.seed}:faults`);
  }

  /** Arms a fault for the next matching request(s). */
  inject(fault: ScriptedFault): void {
    if (fault.kind === 'error' && fault.status !== undefined && (fault.status < 500 || fault.status > 599))
      throw new Error('an injected error must be a 5xx');
    this.scripted.push({ ...fault, left: fault.times ?? 1 });
  }

  pendingScripted(): ScriptedFault[] {
    return this.scripted.map(({ left, ...f }) => ({ ...f, times: left }));
  }

  clear(): void {
    this.scripted = [];
  }

  close(): void {
    for (const t of this.sleeping) clearTimeout(t);
    this.sleeping.clear();
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }

  /** Runs after the limits, before the handler. */
  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const write = req.method !== 'GET' && req.method !== 'HEAD';
      const fault = this.take(req, res) ?? this.roll(write);
      if (fault?.kind === 'latency' || this.sandbox.settings.faults.latencyMs > 0) {
        await this.sleep(fault?.kind === 'latency' ? (fault.ms ?? 0) : this.randomLatency());
      }
      if (!fault || fault.kind === 'latency') return next();
      res.locals.faultApplied = fault.kind;
      if (fault.kind === 'error') {
        const status = fault.status ?? 500;
        if (status === 500) return next(new ApiError(500, 'Internal server error'));
        res.status(status).type('html').send(GATEWAY_PAGE(status));
        return;
      }
      if (fault.kind === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (write) res.locals.dropAfterWrite = true;
      next();
    };
  }

  private take(req: Request, res: Response): ScriptedFault | undefined {
    const companyId = (res.locals.caller as { company?: { id: number } } | undefined)?.company?.id;
    const i = this.scripted.findIndex((f) => {
      const m = f.match ?? {};
      return (
        (m.operation === undefined || m.operation === res.locals.operation) &&
        (m.method === undefined || m.method.toUpperCase() === req.method) &&
        (m.pathPrefix === undefined || req.originalUrl.startsWith(m.pathPrefix)) &&
        (m.companyId === undefined || m.companyId === companyId)
      );
    });
    if (i < 0) return undefined;
    const fault = this.scripted[i]!;
    fault.left -= 1;
    if (fault.left <= 0) this.scripted.splice(i, 1);
    return fault;
  }

  private roll(write: boolean): ScriptedFault | undefined {
    const f = this.sandbox.settings.faults;
    if (f.errorRate > 0 && this.rng.next() < f.errorRate)
      return { kind: 'error', status: this.rng.pick(f.errorStatuses) };
    if (f.hangRate > 0 && this.rng.next() < f.hangRate) return { kind: 'hang' };
    if (write && f.dropAfterWriteRate > 0 && this.rng.next() < f.dropAfterWriteRate)
      return { kind: 'drop_after_write' };
    return undefined;
  }

  private randomLatency(): number {
    const f = this.sandbox.settings.faults;
    return f.latencyMs + (f.latencyJitterMs > 0 ? this.rng.int(0, f.latencyJitterMs) : 0);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.sleeping.delete(t);
        resolve();
      }, ms);
      this.sleeping.add(t);
    });
  }
}
