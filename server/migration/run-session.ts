// What a migration run and a rollback run share: the lease held for the run (acquired, taken over from a
// process that is gone, renewed by heartbeat, released), the run's lifecycle (running → completed, paused
// for the daily budget, stopped by the admin, failed), the requests/tokens/writes it counts, its progress
// (persisted and emitted at each checkpoint) and the request pool as wide as the burst limit.
import { hostname } from 'node:os';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { PipedriveClient } from '../pipedrive/client.ts';
import type { TransportEvent } from '../pipedrive/transport.ts';
import {
  acquireLease,
  holderIsDeadHere,
  leaseHolder,
  processAlive,
  releaseLease,
  renewLease,
  takeOverLease,
} from './lease.ts';
import { countRecords } from './records.repository.ts';
import { getRun, type Run, type RunPatch, updateRun } from './runs.repository.ts';
import type { Counts, EngineEntity, RunStatus } from './types.ts';

export interface Progress {
  companyId: number;
  migrationId: number;
  runId: number;
  status: RunStatus;
  phase: EngineEntity | 'verify' | null;
  counts: Counts;
  requests: number;
  tokens: number;
  writes: number;
  resumeAt: number | null;
}

/** What a run session needs from its engine's dependencies. */
export interface RunSessionDeps {
  db: Knex;
  clock: Clock;
  logger?: Logger;
  /** This worker's name in the lease. */
  workerId: string;
  leaseTtlMs?: number;
  /** Widest pool, whatever the burst limit. */
  maxConcurrency?: number;
  onProgress?: (p: Progress) => void;
}

/** Thrown by a test hook to stop the run the way `kill -9` would (nothing more is written). */
export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'SimulatedCrash';
  }
}

/** The daily budget is used up: the run pauses until `resumeAt`. */
export class Paused extends Error {
  constructor(readonly resumeAt: number) {
    super('paused for the daily budget');
  }
}

/** The admin paused or cancelled the run, or its lease was lost. */
export class Stopped extends Error {
  constructor(readonly status: 'paused' | 'cancelled' | 'lost_lease') {
    super(status);
  }
}

/** One execution of a run: counts, progress, checkpoints, the pool and the lifecycle around its work. */
export abstract class RunSession<D extends RunSessionDeps = RunSessionDeps> {
  leaseLost = false;
  protected client!: PipedriveClient;
  protected closeClient: () => Promise<void> = async () => undefined;
  protected requests: number;
  protected tokens: number;
  protected writes: number;
  protected readonly migrationId: number;

  constructor(
    protected readonly d: D,
    protected readonly companyId: number,
    protected readonly runRow: Run,
  ) {
    this.migrationId = runRow.migrationId;
    this.requests = runRow.requests;
    this.tokens = runRow.tokens;
    this.writes = runRow.writes;
  }

  protected get now(): number {
    return this.d.clock.now();
  }

  /** Runs the session to its end, a pause or a stop. */
  abstract run(): Promise<RunStatus>;

  /** The phase reported in progress events. */
  protected abstract progressPhase(): Progress['phase'];

  /**
   * Marks the run running, does the work and records how it ended: completed, paused for the budget,
   * paused or cancelled by the admin (a lost lease records nothing: the new holder goes on), or failed
   * with the error's code (`failCode` when it has none). A `SimulatedCrash` propagates untouched.
   */
  protected async lifecycle(
    work: () => Promise<void>,
    failure: { code: string; message: string },
  ): Promise<RunStatus> {
    await updateRun(
      this.d.db,
      this.companyId,
      this.runRow.id,
      { status: 'running', resumeAt: null, ...(this.runRow.startedAt ? {} : { startedAt: this.now }) },
      this.now,
    );
    try {
      await work();
      await this.finish('completed');
      return 'completed';
    } catch (err) {
      if (err instanceof Paused) {
        await this.finish('paused', { resumeAt: err.resumeAt });
        return 'paused';
      }
      if (err instanceof Stopped) {
        if (err.status === 'lost_lease') return 'running';
        await this.finish(err.status);
        return err.status;
      }
      if (err instanceof SimulatedCrash) throw err;
      const e = err as Error & { code?: string };
      this.d.logger?.error({ err: e.message, runId: this.runRow.id }, failure.message);
      await this.finish('failed', { errorCode: e.code ?? failure.code, errorMessage: e.message });
      return 'failed';
    } finally {
      await this.closeClient().catch(() => undefined);
    }
  }

  /** The transport's events: every request answered (a 429 is not counted) and its tokens. */
  protected count(e: TransportEvent): void {
    if (e.status === 429) return;
    this.requests++;
    this.tokens += e.tokens;
  }

  protected async finish(
    status: RunStatus,
    extra: { resumeAt?: number; errorCode?: string; errorMessage?: string } = {},
  ): Promise<void> {
    const counts = await countRecords(this.d.db, this.companyId, this.migrationId);
    const done = status === 'completed' || status === 'failed' || status === 'cancelled';
    const patch: RunPatch = {
      status,
      requested: null,
      counts,
      requests: this.requests,
      tokens: this.tokens,
      writes: this.writes,
      resumeAt: extra.resumeAt ?? null,
      ...(done ? { finishedAt: this.now } : {}),
      ...(extra.errorCode ? { errorCode: extra.errorCode, errorMessage: extra.errorMessage ?? null } : {}),
    };
    await updateRun(this.d.db, this.companyId, this.runRow.id, patch, this.now);
    this.emit(status, counts, extra.resumeAt ?? null);
  }

  protected emit(status: RunStatus, counts: Counts, resumeAt: number | null): void {
    this.d.onProgress?.({
      companyId: this.companyId,
      migrationId: this.migrationId,
      runId: this.runRow.id,
      status,
      phase: this.progressPhase(),
      counts,
      requests: this.requests,
      tokens: this.tokens,
      writes: this.writes,
      resumeAt,
    });
  }

  /** Between chunks: the admin's pause or cancel, a lost lease, and the persisted progress. */
  protected async checkpoint(): Promise<void> {
    const { db } = this.d;
    if (this.leaseLost) throw new Stopped('lost_lease');
    const counts = await countRecords(db, this.companyId, this.migrationId);
    await updateRun(
      db,
      this.companyId,
      this.runRow.id,
      { counts, requests: this.requests, tokens: this.tokens, writes: this.writes },
      this.now,
    );
    this.emit('running', counts, null);
    const r = await getRun(db, this.companyId, this.runRow.id);
    if (r?.requested === 'pause') throw new Stopped('paused');
    if (r?.requested === 'cancel') throw new Stopped('cancelled');
  }

  /** Runs the tasks in order through as many lanes as the burst limit allows (at most `widest`). */
  protected async pool<T>(tasks: Array<() => Promise<T>>, widest: number): Promise<T[]> {
    const out: T[] = new Array(tasks.length);
    let i = 0;
    const width = Math.max(
      1,
      Math.min(this.d.maxConcurrency ?? widest, this.client.limiter.capacity, tasks.length),
    );
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (i < tasks.length) {
          const k = i++;
          out[k] = await tasks[k]!();
        }
      }),
    );
    return out;
  }
}

/**
 * Runs a queued, running or due paused run under the migration's lease: takes it (or takes it over from
 * a holder on this host whose process is gone), renews it by heartbeat while the session runs (a failed
 * renewal marks the lease lost), and releases it at the end. 'busy' when another worker holds it.
 */
export async function executeUnderLease(
  d: RunSessionDeps,
  companyId: number,
  run0: Run,
  open: () => RunSession,
): Promise<RunStatus | 'busy'> {
  const { db, clock } = d;
  const ttl = d.leaseTtlMs ?? 30_000;
  if (!['queued', 'running', 'paused'].includes(run0.status)) return run0.status;
  if (run0.status === 'paused' && (run0.resumeAt === null || run0.resumeAt > clock.now())) return 'paused';
  if (!(await acquireLease(db, companyId, run0.migrationId, d.workerId, clock.now(), ttl))) {
    const { owner } = await leaseHolder(db, companyId, run0.migrationId);
    if (
      !holderIsDeadHere(owner, hostname(), processAlive) ||
      !(await takeOverLease(db, companyId, run0.migrationId, owner!, d.workerId, clock.now(), ttl))
    )
      return 'busy';
    d.logger?.info({ runId: run0.id, from: owner }, 'took over the lease of a process that is gone');
  }
  const session = open();
  let beat = true;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const heartbeat = (async () => {
    while (beat) {
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, Math.max(50, ttl / 3));
      });
      if (!beat) break;
      const ok = await renewLease(db, companyId, run0.migrationId, d.workerId, clock.now(), ttl).catch(
        () => false,
      );
      if (!ok) session.leaseLost = true;
    }
  })();
  try {
    return await session.run();
  } finally {
    beat = false;
    clearTimeout(timer);
    wake();
    await heartbeat;
    await releaseLease(db, companyId, run0.migrationId, d.workerId);
  }
}
