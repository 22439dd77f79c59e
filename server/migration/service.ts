// The migration engine's use cases for the API, the CLI and the worker: plan, sample (and its field-level
// diff), accept, full run, pause / resume / cancel, status and per-record state. Every call is scoped to
// a company; runs themselves are executed by the worker (worker.ts), never inside a request.
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Mapping } from '../mapping/index.ts';
import { rawRows } from '../mapping/staged-input.repository.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { budgetDay } from '../pipedrive/token-budget.ts';
import { tokenUsageStore } from '../pipedrive/token-usage.repository.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf, type CompanySettings } from '../tenants/settings.ts';
import type { Progress, WrittenField } from './engine.ts';
import { loadOrganizations, loadPersons, stagedIds } from './inputs.ts';
import { organizationPayload, personPayload, stagedOnlyContext } from './payloads.ts';
import { buildPlan, type EntityPlan, estimate, type Plan } from './plan.ts';
import {
  countRecords,
  listRecords,
  type MigrationRecord,
  markSample,
  toRecord,
} from './records.repository.ts';
import { activeRun, createRun, getRun, listRuns, type Run, updateRun } from './runs.repository.ts';
import { DEFAULT_SAMPLE_SIZE, pickSample, primaryOrganization } from './sample.ts';
import type { EngineEntity, RecordState } from './types.ts';

export interface MigrationServiceDeps {
  db: Knex;
  clock: Clock;
  pipedrive: PipedriveServices;
  mapping: Mapping;
  /** Called when a run is queued or resumed, so the worker picks it up at once. */
  kick?: () => void;
}

/** Progress events of runs in this process, for the SSE stream. */
export class RunEvents extends EventEmitter {
  publish(p: Progress): void {
    this.emit(`run:${p.runId}`, p);
  }
}

export interface DiffEntry {
  target: string;
  pipedriveKey: string;
  sources: Array<{ fileName: string; row: number; header: string; raw: string | null }>;
  transform: string;
  sent: unknown;
  readBack: unknown;
  differs: boolean;
}

export interface DiffRecord {
  recordId: number;
  entity: EngineEntity;
  actimoId: string;
  label: string | null;
  pipedriveId: number | null;
  state: RecordState;
  verified: boolean | null;
  fields: DiffEntry[];
}

export class MigrationService {
  readonly events = new RunEvents();
  constructor(private readonly d: MigrationServiceDeps) {}

  private async requireMigration(companyId: number, migrationId: number): Promise<void> {
    await this.d.mapping.maps.requireMigration(companyId, migrationId);
  }

  private async spentToday(companyId: number, settings: CompanySettings): Promise<number> {
    const day = budgetDay(this.d.clock.now(), settings.budgetResetTimeZone);
    return (await tokenUsageStore(this.d.db).read(companyId, day)).tokens;
  }

  /** Indexes what is in Pipedrive, decides per record, saves the plan and says what it will cost. */
  async plan(companyId: number, migrationId: number): Promise<Plan> {
    await this.requireMigration(companyId, migrationId);
    const active = await activeRun(this.d.db, companyId, migrationId);
    if (active?.status === 'running')
      throw new ConflictError(
        'run_in_progress',
        `Run ${active.id} is in progress; pause it before planning again.`,
      );
    const map = await this.d.mapping.previews.resolvedMapFor(companyId, migrationId);
    const settings = await readSettings(this.d.db, companyId);
    const opened = await openClient(this.d.pipedrive, companyId, { budget: budgetPolicyOf(settings) });
    try {
      return await buildPlan({
        db: this.d.db,
        companyId,
        migrationId,
        client: opened.client,
        map,
        settings,
        now: this.d.clock.now(),
        burstLimit: opened.client.limiter.limit,
        spentToday: await this.spentToday(companyId, settings),
      });
    } finally {
      await opened.close();
    }
  }

  private async refuseActive(companyId: number, migrationId: number): Promise<void> {
    const active = await activeRun(this.d.db, companyId, migrationId);
    if (active)
      throw new ConflictError('run_in_progress', `Run ${active.id} of this migration is ${active.status}.`, {
        runId: active.id,
      });
  }

  async startSample(companyId: number, migrationId: number, size = DEFAULT_SAMPLE_SIZE): Promise<Run> {
    if (!Number.isInteger(size) || size < 1 || size > 100_000)
      throw new ValidationError(
        'invalid_sample_size',
        'The sample size must be a whole number from 1 to 100000.',
      );
    await this.requireMigration(companyId, migrationId);
    await this.refuseActive(companyId, migrationId);
    const plan = await this.plan(companyId, migrationId);
    const records = await listRecords(this.d.db, companyId, migrationId, { entity: 'person' });
    const eligible = new Set(records.filter((r) => r.action !== 'skip').map((r) => r.actimoKey));
    const ids = (await stagedIds(this.d.db, companyId, migrationId, 'staged_persons')).filter((id) =>
      eligible.has(id),
    );
    const persons = [...(await loadPersons(this.d.db, companyId, migrationId, ids)).values()];
    const chosen = pickSample(persons, size);
    const chosenSet = new Set(chosen);
    const orgs = new Set<string>();
    for (const p of persons) {
      if (!chosenSet.has(p.actimoId)) continue;
      const o = primaryOrganization(p);
      if (o) orgs.add(o);
    }
    await markSample(this.d.db, companyId, migrationId, chosen, [...orgs]);
    return this.queue(companyId, migrationId, 'sample', chosen.length, plan, true);
  }

  /** Accepting the sample starts the full run: what the sample wrote is not sent again. */
  async acceptSample(companyId: number, migrationId: number): Promise<Run> {
    await this.requireMigration(companyId, migrationId);
    const runs = await listRuns(this.d.db, companyId, migrationId);
    const sample = runs.find((r) => r.kind === 'sample');
    if (sample?.status !== 'completed')
      throw new ConflictError('sample_not_completed', 'Run a sample to completion before accepting it.');
    return this.startFull(companyId, migrationId);
  }

  async startFull(companyId: number, migrationId: number): Promise<Run> {
    await this.requireMigration(companyId, migrationId);
    await this.refuseActive(companyId, migrationId);
    const plan = await this.plan(companyId, migrationId);
    return this.queue(companyId, migrationId, 'full', null, plan, false);
  }

  private async queue(
    companyId: number,
    migrationId: number,
    kind: 'sample' | 'full',
    sampleSize: number | null,
    plan: Plan,
    inSample: boolean,
  ): Promise<Run> {
    const settings = await readSettings(this.d.db, companyId);
    const est = inSample
      ? estimate(
          await this.entityCounts(companyId, migrationId, true),
          settings,
          plan.estimate.burstLimit,
          await this.spentToday(companyId, settings),
        )
      : plan.estimate;
    const run = await createRun(
      this.d.db,
      companyId,
      migrationId,
      {
        kind,
        sampleSize,
        settings: { ...settings },
        estimate: { ...est, plan: { entities: plan.entities, owners: plan.owners, policy: plan.policy } },
        mapVersion: plan.mapVersion,
      },
      this.d.clock.now(),
    );
    this.d.kick?.();
    return run;
  }

  private async entityCounts(
    companyId: number,
    migrationId: number,
    inSample: boolean,
  ): Promise<Record<EngineEntity, EntityPlan>> {
    const recs = await listRecords(this.d.db, companyId, migrationId, { inSample });
    const out: Record<EngineEntity, EntityPlan> = {
      organization: { create: 0, merge: 0, skip: 0, done: 0, reasons: {} },
      person: { create: 0, merge: 0, skip: 0, done: 0, reasons: {} },
      note: { create: 0, merge: 0, skip: 0, done: 0, reasons: {} },
      file: { create: 0, merge: 0, skip: 0, done: 0, reasons: {} },
      activity: { create: 0, merge: 0, skip: 0, done: 0, reasons: {} },
    };
    for (const r of recs) {
      const e = out[r.entity];
      if (r.state === 'done' && r.action !== 'skip') e.done++;
      else e[r.action]++;
    }
    return out;
  }

  async run(companyId: number, runId: number): Promise<Run> {
    const r = await getRun(this.d.db, companyId, runId);
    if (!r) throw new NotFoundError('run_not_found', `Run ${runId} does not exist.`);
    return r;
  }

  async runs(companyId: number, migrationId: number): Promise<Run[]> {
    await this.requireMigration(companyId, migrationId);
    return listRuns(this.d.db, companyId, migrationId);
  }

  /** Asks a running run to pause after its current batch; a queued or paused one pauses at once. */
  async pause(companyId: number, runId: number): Promise<Run> {
    const r = await this.run(companyId, runId);
    const now = this.d.clock.now();
    if (r.status === 'running')
      await updateRun(this.d.db, companyId, runId, { requested: 'pause' }, now, ['running']);
    else if (r.status === 'queued' || r.status === 'paused')
      await updateRun(this.d.db, companyId, runId, { status: 'paused', resumeAt: null }, now);
    else throw new ConflictError('run_finished', `Run ${runId} is ${r.status}.`);
    return this.run(companyId, runId);
  }

  async resume(companyId: number, runId: number): Promise<Run> {
    const r = await this.run(companyId, runId);
    if (r.status !== 'paused')
      throw new ConflictError('run_not_paused', `Run ${runId} is ${r.status}, not paused.`);
    await updateRun(
      this.d.db,
      companyId,
      runId,
      { status: 'queued', resumeAt: null, requested: null },
      this.d.clock.now(),
    );
    this.d.kick?.();
    return this.run(companyId, runId);
  }

  async cancel(companyId: number, runId: number): Promise<Run> {
    const r = await this.run(companyId, runId);
    const now = this.d.clock.now();
    if (r.status === 'running')
      await updateRun(this.d.db, companyId, runId, { requested: 'cancel' }, now, ['running']);
    else if (r.status === 'queued' || r.status === 'paused')
      await updateRun(
        this.d.db,
        companyId,
        runId,
        { status: 'cancelled', finishedAt: now, resumeAt: null },
        now,
      );
    else throw new ConflictError('run_finished', `Run ${runId} is ${r.status}.`);
    return this.run(companyId, runId);
  }

  async counts(companyId: number, migrationId: number) {
    await this.requireMigration(companyId, migrationId);
    return countRecords(this.d.db, companyId, migrationId);
  }

  async records(
    companyId: number,
    migrationId: number,
    q: { entity?: EngineEntity; state?: RecordState; afterId?: number; limit?: number },
  ): Promise<MigrationRecord[]> {
    await this.requireMigration(companyId, migrationId);
    return listRecords(this.d.db, companyId, migrationId, {
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.state ? { states: [q.state] } : {}),
      afterId: q.afterId ?? 0,
      limit: Math.min(q.limit ?? 100, 500),
    });
  }

  /** Where a person (and its organization link, note) is: records by Actimo id with their ledger rows. */
  async recordsByActimoId(companyId: number, migrationId: number, actimoId: string) {
    await this.requireMigration(companyId, migrationId);
    const rows = await this.d
      .db('migration_records')
      .where({ company_id: companyId, migration_id: migrationId })
      .andWhere((q) => q.where('actimo_key', actimoId).orWhere('person_key', actimoId))
      .orderBy('id');
    const records = rows.map(toRecord);
    const ledger =
      records.length === 0
        ? []
        : await this.d
            .db('ledger')
            .where({ company_id: companyId, migration_id: migrationId })
            .whereIn(
              'record_id',
              records.map((r) => r.id),
            )
            .orderBy('id')
            .select(
              'record_id',
              'run_id',
              'seq',
              'op',
              'state',
              'response_id',
              'error_code',
              'error_message',
              'created_at',
            );
    return records.map((r) => ({
      ...r,
      ledger: ledger
        .filter((l) => Number(l.record_id) === r.id)
        .map((l) => ({
          runId: Number(l.run_id),
          seq: Number(l.seq),
          op: String(l.op),
          state: String(l.state),
          responseId: l.response_id == null ? null : Number(l.response_id),
          errorCode: l.error_code ?? null,
          errorMessage: l.error_message ?? null,
          at: Number(l.created_at),
        })),
    }));
  }

  /**
   * The sample's field-level diff: per sampled person and organization, per field, the source values
   * with provenance, the transform, the value sent and the value read back, flagged when they differ.
   */
  async sampleDiff(
    companyId: number,
    migrationId: number,
    q: { page?: number; pageSize?: number; mismatchesOnly?: boolean; search?: string },
  ): Promise<{ total: number; page: number; pageSize: number; records: DiffRecord[] }> {
    await this.requireMigration(companyId, migrationId);
    const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 200);
    const page = Math.max(q.page ?? 1, 1);
    const base = this.d
      .db('migration_records')
      .where({ company_id: companyId, migration_id: migrationId, in_sample: true })
      .whereIn('entity', ['organization', 'person']);
    if (q.mismatchesOnly) base.andWhere('mismatch_count', '>', 0);
    if (q.search) {
      const s = `%${q.search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      base.andWhere((w) =>
        w
          .whereRaw("lower(label) like ? escape '\\'", [s])
          .orWhereRaw("lower(actimo_key) like ? escape '\\'", [s]),
      );
    }
    const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
    const rows = await base
      .clone()
      .orderBy('id')
      .offset((page - 1) * pageSize)
      .limit(pageSize);
    const recs = rows.map(toRecord);
    const map = await this.d.mapping.previews.resolvedMapFor(companyId, migrationId);
    const mism = new Map<string, boolean>();
    if (recs.length > 0) {
      const ms = await this.d
        .db('migration_mismatches')
        .where({ company_id: companyId, migration_id: migrationId })
        .whereIn(
          'record_id',
          recs.map((r) => r.id),
        )
        .select('record_id', 'field');
      for (const m of ms) mism.set(`${m.record_id}:${m.field}`, true);
    }
    const persons = await loadPersons(
      this.d.db,
      companyId,
      migrationId,
      recs.filter((r) => r.entity === 'person').map((r) => r.actimoKey),
    );
    const orgs = await loadOrganizations(
      this.d.db,
      companyId,
      migrationId,
      recs.filter((r) => r.entity === 'organization').map((r) => r.actimoKey),
    );
    const ctx = stagedOnlyContext(map);
    const out: DiffRecord[] = [];
    for (const r of recs) {
      const input = r.entity === 'person' ? persons.get(r.actimoKey) : orgs.get(r.actimoKey);
      if (!input) continue;
      const built = r.entity === 'person' ? personPayload(input, ctx) : organizationPayload(input, ctx);
      const keys = built.trace.flatMap((t) => t.sources.map((s) => [s.fileId, s.row] as const));
      const raw = await rawRows(this.d.db, companyId, keys);
      const written = r.written as { body?: Record<string, unknown>; fields?: WrittenField[] } | null;
      const fields: DiffEntry[] = built.trace.map((t) => {
        const sent = written?.body ? bodyValue(written.body, t.pipedriveKey) : undefined;
        return {
          target: t.target,
          pipedriveKey: t.pipedriveKey,
          sources: t.sources.map((s) => ({
            fileName: s.fileName,
            row: s.row,
            header: s.header,
            raw: raw.get(`${s.fileId}:${s.row}`)?.[s.column] ?? null,
          })),
          transform: t.transform,
          sent: sent === undefined ? null : sent,
          readBack: r.readBack?.[t.pipedriveKey] ?? null,
          differs: mism.has(`${r.id}:${t.pipedriveKey}`),
        };
      });
      out.push({
        recordId: r.id,
        entity: r.entity,
        actimoId: r.actimoKey,
        label: r.label,
        pipedriveId: r.pipedriveId,
        state: r.state,
        verified: r.verified,
        fields: q.mismatchesOnly ? fields.filter((f) => f.differs) : fields,
      });
    }
    return { total, page, pageSize, records: out };
  }
}

function bodyValue(body: Record<string, unknown>, key: string): unknown {
  if (key.startsWith('custom_fields.'))
    return (body.custom_fields as Record<string, unknown> | undefined)?.[key.slice('custom_fields.'.length)];
  return body[key];
}
