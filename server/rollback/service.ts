// Rollback's use cases for the API and the CLI: the dry run (what would be deleted, restored, kept, and
// why, with a confirmation token), starting the rollback run with that token, its status and summary, the
// conflicts it kept, and the audit log of every operation of every run. Scoped to a company; the run is
// executed by the worker (or the CLI in-process), never inside a request.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { activeRun, createRun, getRun, listRuns, type Run } from '../migration/runs.repository.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf } from '../tenants/settings.ts';
import { type RollbackSettings, settingsOf } from './engine.ts';
import {
  type ItemAction,
  type ItemDetail,
  itemSummary,
  itemsOf,
  type NewItem,
  type RollbackItem,
} from './items.repository.ts';
import { planFields, planRecords } from './planner.ts';

export interface RollbackOptions {
  /** Roll back one run's writes instead of the whole migration. */
  runId?: number;
  force?: boolean;
  removeFields?: boolean;
}

export interface PlanLine {
  recordId: number | null;
  entity: string;
  pipedriveId: number | null;
  fieldCode: string | null;
  action: ItemAction;
  reason: string;
  detail: ItemDetail;
}

export interface DryRun {
  migrationId: number;
  scope: { runId: number | null };
  force: boolean;
  removeFields: boolean;
  /** Per entity: how many records would be deleted, restored, kept, or need nothing. */
  summary: Record<string, Partial<Record<ItemAction, number>>>;
  items: PlanLine[];
  /** Pass this to start the rollback: it stands for this plan's inputs (the ledger as it is now). */
  token: string;
}

export interface RollbackStatus {
  /** The latest (or asked for) rollback run; null when the migration was never rolled back. */
  run: Run | null;
  settings: RollbackSettings | null;
  summary: Record<string, Record<string, number>>;
}

export interface AuditEntry {
  at: number;
  runId: number;
  runKind: string;
  startedBy: string | null;
  recordId: number | null;
  entity: string;
  actimoKey: string | null;
  label: string | null;
  op: string;
  pipedriveId: number | null;
  result: string;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface RollbackServiceDeps {
  db: Knex;
  clock: Clock;
  pipedrive: PipedriveServices;
  kick?: () => void;
}

const line = (i: NewItem | RollbackItem): PlanLine => ({
  recordId: i.recordId,
  entity: i.entity,
  pipedriveId: i.pipedriveId,
  fieldCode: i.fieldCode,
  action: i.action,
  reason: i.reason,
  detail: i.detail,
});

function summarise(items: ReadonlyArray<NewItem | RollbackItem>): DryRun['summary'] {
  const out: DryRun['summary'] = {};
  for (const i of items) {
    const e = out[i.entity] ?? {};
    e[i.action] = (e[i.action] ?? 0) + 1;
    out[i.entity] = e;
  }
  return out;
}

export class RollbackService {
  constructor(private readonly d: RollbackServiceDeps) {}

  private async requireMigration(companyId: number, migrationId: number): Promise<void> {
    const m = await this.d.db('migrations').where({ company_id: companyId, id: migrationId }).first('id');
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
  }

  private async requireScope(
    companyId: number,
    migrationId: number,
    runId: number | undefined,
  ): Promise<void> {
    if (runId === undefined) return;
    const r = await getRun(this.d.db, companyId, runId);
    if (!r || r.migrationId !== migrationId)
      throw new NotFoundError('run_not_found', `Run ${runId} is not a run of migration ${migrationId}.`);
    if (r.kind === 'rollback')
      throw new ValidationError('invalid_scope', `Run ${runId} is a rollback; choose a migration run.`);
  }

  /** The token of a plan: the migration, scope, options and the ledger's last row as the plan saw it. */
  private async token(companyId: number, migrationId: number, o: RollbackOptions): Promise<string> {
    const last = await this.d
      .db('ledger')
      .where({ company_id: companyId, migration_id: migrationId })
      .max({ m: 'id' })
      .first();
    return createHash('sha256')
      .update(
        JSON.stringify([
          companyId,
          migrationId,
          o.runId ?? null,
          o.force === true,
          o.removeFields === true,
          last?.m == null ? 0 : Number(last.m),
        ]),
      )
      .digest('hex')
      .slice(0, 24);
  }

  /** What a rollback would do now, and why; writes nothing. */
  async dryRun(companyId: number, migrationId: number, o: RollbackOptions = {}): Promise<DryRun> {
    await this.requireMigration(companyId, migrationId);
    await this.requireScope(companyId, migrationId, o.runId);
    const settings = await readSettings(this.d.db, companyId);
    const opened = await openClient(this.d.pipedrive, companyId, { budget: budgetPolicyOf(settings) });
    try {
      const items: NewItem[] = await planRecords(this.d.db, opened.client, companyId, migrationId, {
        ...(o.runId !== undefined ? { runId: o.runId } : {}),
        force: o.force === true,
      });
      if (o.removeFields) {
        const leaving = new Set<string>();
        for (const i of items) {
          if (i.action === 'delete') leaving.add(`${i.entity}:${i.pipedriveId}`);
          for (const r of i.action === 'restore' ? (i.detail.restored ?? []) : [])
            if (r.key.startsWith('custom_fields.') && (r.to === null || r.to === ''))
              leaving.add(`${i.entity}:${i.pipedriveId}:${r.key.slice('custom_fields.'.length)}`);
        }
        items.push(...(await planFields(this.d.db, opened.client, companyId, migrationId, leaving)));
      }
      return {
        migrationId,
        scope: { runId: o.runId ?? null },
        force: o.force === true,
        removeFields: o.removeFields === true,
        summary: summarise(items),
        items: items.map(line),
        token: await this.token(companyId, migrationId, o),
      };
    } finally {
      await opened.close();
    }
  }

  /** Queues the rollback run; the token must be the dry run's for the same options and ledger. */
  async start(
    companyId: number,
    migrationId: number,
    o: RollbackOptions & { token: string; startedBy: string },
  ): Promise<Run> {
    await this.requireMigration(companyId, migrationId);
    await this.requireScope(companyId, migrationId, o.runId);
    const active = await activeRun(this.d.db, companyId, migrationId);
    if (active)
      throw new ConflictError('run_in_progress', `Run ${active.id} of this migration is ${active.status}.`, {
        runId: active.id,
      });
    if (o.token !== (await this.token(companyId, migrationId, o)))
      throw new ConflictError(
        'plan_changed',
        'The confirmation token does not match: run the dry run again (with the same options) and confirm its plan.',
      );
    const settings: RollbackSettings = {
      scopeRunId: o.runId ?? null,
      force: o.force === true,
      removeFields: o.removeFields === true,
    };
    const run = await createRun(
      this.d.db,
      companyId,
      migrationId,
      {
        kind: 'rollback',
        sampleSize: null,
        settings: { ...settings },
        estimate: null,
        mapVersion: null,
        startedBy: o.startedBy,
      },
      this.d.clock.now(),
    );
    this.d.kick?.();
    return run;
  }

  private async rollbackRun(companyId: number, migrationId: number, runId?: number): Promise<Run | null> {
    await this.requireMigration(companyId, migrationId);
    if (runId !== undefined) {
      const r = await getRun(this.d.db, companyId, runId);
      if (!r || r.migrationId !== migrationId || r.kind !== 'rollback')
        throw new NotFoundError(
          'run_not_found',
          `Run ${runId} is not a rollback of migration ${migrationId}.`,
        );
      return r;
    }
    return (await listRuns(this.d.db, companyId, migrationId)).find((x) => x.kind === 'rollback') ?? null;
  }

  /** The latest (or a given) rollback run, its options and its summary per entity and action. */
  async status(companyId: number, migrationId: number, runId?: number): Promise<RollbackStatus> {
    const run = await this.rollbackRun(companyId, migrationId, runId);
    if (!run) return { run: null, settings: null, summary: {} };
    return { run, settings: settingsOf(run), summary: await itemSummary(this.d.db, companyId, run.id) };
  }

  /** What the rollback kept and why: records changed in Pipedrive since we wrote them, fields still in use. */
  async conflicts(
    companyId: number,
    migrationId: number,
    q: { runId?: number; afterId?: number; limit?: number } = {},
  ): Promise<{ runId: number | null; items: Array<PlanLine & { id: number }> }> {
    const run = await this.rollbackRun(companyId, migrationId, q.runId);
    if (!run) return { runId: null, items: [] };
    const rows = await this.d
      .db('rollback_items')
      .where({ company_id: companyId, run_id: run.id })
      .andWhere((w) =>
        w
          .whereIn('action', ['keep', 'keep_field'])
          .orWhereIn('reason', ['restore_partial', 'forced'])
          .orWhere('status', 'failed'),
      )
      .andWhere('id', '>', q.afterId ?? 0)
      .orderBy('id')
      .limit(Math.min(q.limit ?? 100, 500))
      .select('id');
    const ids = new Set(rows.map((r) => Number(r.id)));
    const all = (await itemsOf(this.d.db, companyId, run.id)).filter((i) => ids.has(i.id));
    all.sort((a, b) => a.id - b.id);
    return { runId: run.id, items: all.map((i) => ({ id: i.id, ...line(i) })) };
  }

  /**
   * The audit log: every operation of every run (the ledger),
   * with who started the run, when, what, the Pipedrive id and the result; per record by the record's id,
   * Actimo id, or Pipedrive id (with the entity: ids repeat across entities). Paged by ledger id.
   */
  async audit(
    companyId: number,
    migrationId: number,
    q: { record?: string; pipedriveId?: number; entity?: string; afterId?: number; limit?: number },
  ): Promise<{ entries: Array<AuditEntry & { id: number }>; nextAfterId: number | null }> {
    await this.requireMigration(companyId, migrationId);
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
    const b = this.d
      .db('ledger as l')
      .join('runs as r', 'r.id', 'l.run_id')
      .join('migration_records as m', 'm.id', 'l.record_id')
      .where({ 'l.company_id': companyId, 'l.migration_id': migrationId })
      .andWhere('l.id', '>', q.afterId ?? 0);
    if (q.record !== undefined) {
      const rec = q.record;
      b.andWhere((w) => {
        w.where('m.actimo_key', rec).orWhere('m.person_key', rec);
        if (/^\d+$/.test(rec)) w.orWhere('m.id', Number(rec));
      });
    }
    if (q.entity !== undefined) b.andWhere('m.entity', q.entity);
    if (q.pipedriveId !== undefined) {
      const pid = q.pipedriveId;
      b.andWhere((w) => w.where('l.response_id', pid).orWhere('m.pipedrive_id', pid));
    }
    const rows = (await b
      .orderBy('l.id')
      .limit(limit + 1)
      .select(
        'l.id',
        'l.updated_at',
        'l.created_at',
        'l.run_id',
        'r.kind',
        'r.started_by',
        'l.record_id',
        'm.entity',
        'm.actimo_key',
        'm.label',
        'l.op',
        'l.response_id',
        'l.request',
        'l.state',
        'l.error_code',
        'l.error_message',
      )) as Array<Record<string, unknown>>;
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => {
        const req = safeJson(r.request) as { pipedriveId?: number } | null;
        return {
          id: Number(r.id),
          at: Number(r.updated_at ?? r.created_at),
          runId: Number(r.run_id),
          runKind: String(r.kind),
          startedBy: r.started_by == null ? null : String(r.started_by),
          recordId: Number(r.record_id),
          entity: String(r.entity),
          actimoKey: r.actimo_key == null ? null : String(r.actimo_key),
          label: r.label == null ? null : String(r.label),
          op: String(r.op),
          pipedriveId:
            r.response_id != null
              ? Number(r.response_id)
              : typeof req?.pipedriveId === 'number'
                ? req.pipedriveId
                : null,
          result: String(r.state),
          errorCode: r.error_code == null ? null : String(r.error_code),
          errorMessage: r.error_message == null ? null : String(r.error_message),
        };
      }),
      nextAfterId: rows.length > limit ? Number(page[page.length - 1]!.id) : null,
    };
  }
}

function safeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}
