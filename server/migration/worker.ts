// The in-process worker: picks up queued runs, runs interrupted by a crash or restart, and paused runs
// whose `resume_at` has passed, and executes each under the migration's lease (so two servers never run
// one migration at once). Started by the server; `kick()` wakes it when a run is queued.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import { RollbackEngine } from '../rollback/engine.ts';
import { type EngineDeps, MigrationEngine } from './engine.ts';
import { localOwnerName } from './lease.ts';
import { runnableRuns } from './runs.repository.ts';

export interface WorkerOptions extends Omit<EngineDeps, 'workerId'> {
  pollMs?: number;
  logger?: Logger;
}

export class MigrationWorker {
  readonly workerId = localOwnerName(hostname(), process.pid, randomBytes(4).toString('hex'));
  private readonly engine: MigrationEngine;
  /** Rollback runs (kind `rollback`) go to the rollback engine, every other run to the migration engine. */
  private readonly rollback: RollbackEngine;
  private readonly active = new Map<number, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private polling: Promise<void> | undefined;

  constructor(private readonly o: WorkerOptions) {
    this.engine = new MigrationEngine({ ...o, workerId: this.workerId });
    this.rollback = new RollbackEngine({ ...o, workerId: this.workerId });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  /** Looks for work now. */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.o.pollMs ?? 1000);
    });
  }

  private async poll(): Promise<void> {
    let runs: Awaited<ReturnType<typeof runnableRuns>>;
    try {
      runs = await runnableRuns(this.o.db, this.o.clock.now());
    } catch (err) {
      this.o.logger?.warn({ err: (err as Error).message }, 'migration worker could not list runs');
      return;
    }
    for (const r of runs) {
      if (this.active.has(r.runId)) continue;
      const executor = r.kind === 'rollback' ? this.rollback : this.engine;
      const p = executor
        .execute(r.companyId, r.runId)
        .catch((err: Error) =>
          this.o.logger?.error({ err: err.message, runId: r.runId }, 'migration run crashed'),
        )
        .finally(() => this.active.delete(r.runId));
      this.active.set(r.runId, p);
    }
  }

  /** Resolves when no run is executing in this worker. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.polling) {
      await Promise.all([...this.active.values(), this.polling]);
    }
  }

  /** Stops picking up runs; with `drain`, waits for the runs in progress (a crash-safe run need not be waited for). */
  async stop(o: { drain?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    if (o.drain !== false) await Promise.all(this.active.values());
  }
}
