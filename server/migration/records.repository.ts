// migration_records: one row per source record per migration, with its plan, its Pipedrive id once known,
// its state, and the fingerprint and values of the last payload written. Every function takes the company.
import { type Knex, readBool, readJson, type SqlType, updateMany, writeJson } from '../db.ts';
import type { Counts, EngineEntity, RecordAction, RecordState } from './types.ts';
import { emptyCounts } from './types.ts';

export interface MigrationRecord {
  id: number;
  entity: EngineEntity;
  actimoKey: string;
  personKey: string | null;
  label: string | null;
  action: RecordAction;
  reasonCode: string | null;
  pipedriveId: number | null;
  existedBefore: boolean;
  state: RecordState;
  fingerprint: string | null;
  written: Record<string, unknown> | null;
  updateTime: string | null;
  verified: boolean | null;
  readBack: Record<string, unknown> | null;
  lastRunId: number | null;
  mismatchCount: number;
  inSample: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  /** Delta sync: Pipedrive keys a human changed since our last write. */
  humanFields: string[];
  /** Delta sync: when Pipedrive told us the record was deleted (a delta leaves it alone). */
  deletedInPipedriveAt: number | null;
  /** Delta sync: when the record was missing from a newer Actimo export (flagged, never deleted). */
  goneFromExportAt: number | null;
  /** Owner resolution (persons, activities): the e-mail asked, the user id used, whether it was the default. */
  owner: OwnerResolution | null;
}

export interface OwnerResolution {
  email: string | null;
  userId: number | null;
  defaulted: boolean;
}

export interface PlannedRecord {
  entity: EngineEntity;
  actimoKey: string;
  personKey: string | null;
  label: string | null;
  action: RecordAction;
  reasonCode: string | null;
  pipedriveId: number | null;
  existedBefore: boolean;
  state: RecordState;
  owner?: OwnerResolution | null;
}

type Row = Record<string, unknown>;

export function toRecord(r: Row): MigrationRecord {
  return {
    id: Number(r.id),
    entity: r.entity as EngineEntity,
    actimoKey: String(r.actimo_key),
    personKey: r.person_key == null ? null : String(r.person_key),
    label: r.label == null ? null : String(r.label),
    action: r.action as RecordAction,
    reasonCode: r.reason_code == null ? null : String(r.reason_code),
    pipedriveId: r.pipedrive_id == null ? null : Number(r.pipedrive_id),
    existedBefore: readBool(r.existed_before),
    state: r.state as RecordState,
    fingerprint: r.fingerprint == null ? null : String(r.fingerprint),
    written: r.written == null ? null : readJson<Record<string, unknown>>(r.written),
    updateTime: r.update_time == null ? null : String(r.update_time),
    verified: r.verified == null ? null : readBool(r.verified),
    readBack: r.read_back == null ? null : readJson<Record<string, unknown>>(r.read_back),
    lastRunId: r.last_run_id == null ? null : Number(r.last_run_id),
    mismatchCount: Number(r.mismatch_count ?? 0),
    inSample: readBool(r.in_sample),
    errorCode: r.error_code == null ? null : String(r.error_code),
    errorMessage: r.error_message == null ? null : String(r.error_message),
    humanFields: r.human_fields == null ? [] : readJson<string[]>(r.human_fields),
    deletedInPipedriveAt: r.deleted_in_pipedrive_at == null ? null : Number(r.deleted_in_pipedrive_at),
    goneFromExportAt: r.gone_from_export_at == null ? null : Number(r.gone_from_export_at),
    owner:
      r.owner_defaulted == null
        ? null
        : {
            email: r.owner_email == null ? null : String(r.owner_email),
            userId: r.owner_user_id == null ? null : Number(r.owner_user_id),
            defaulted: readBool(r.owner_defaulted),
          },
  };
}

const scope = (companyId: number, migrationId: number) => ({
  company_id: companyId,
  migration_id: migrationId,
});

/** Writes the plan: new records are inserted, known ones get the new plan (their progress is kept by the caller). */
export async function savePlan(
  db: Knex,
  companyId: number,
  migrationId: number,
  rows: readonly PlannedRecord[],
  now: number,
): Promise<void> {
  const values = rows.map((r) => ({
    ...scope(companyId, migrationId),
    entity: r.entity,
    actimo_key: r.actimoKey,
    person_key: r.personKey,
    label: r.label?.slice(0, 255) ?? null,
    action: r.action,
    reason_code: r.reasonCode,
    pipedrive_id: r.pipedriveId,
    existed_before: r.existedBefore,
    state: r.state,
    owner_email: r.owner?.email?.slice(0, 320) ?? null,
    owner_user_id: r.owner?.userId ?? null,
    owner_defaulted: r.owner ? r.owner.defaulted : null,
    updated_at: now,
  }));
  await db.transaction(async (trx) => {
    for (let i = 0; i < values.length; i += 200) {
      await trx('migration_records')
        .insert(values.slice(i, i + 200))
        .onConflict(['company_id', 'migration_id', 'entity', 'actimo_key'])
        .merge([
          'person_key',
          'label',
          'action',
          'reason_code',
          'pipedrive_id',
          'existed_before',
          'state',
          'owner_email',
          'owner_user_id',
          'owner_defaulted',
          'updated_at',
        ]);
    }
  });
}

export async function listRecords(
  db: Knex,
  companyId: number,
  migrationId: number,
  filter: {
    entity?: EngineEntity;
    afterId?: number;
    limit?: number;
    inSample?: boolean;
    states?: RecordState[];
  } = {},
): Promise<MigrationRecord[]> {
  const q = db('migration_records').where(scope(companyId, migrationId)).orderBy('id');
  if (filter.entity) q.andWhere('entity', filter.entity);
  if (filter.afterId !== undefined) q.andWhere('id', '>', filter.afterId);
  if (filter.inSample !== undefined) q.andWhere('in_sample', filter.inSample);
  if (filter.states) q.whereIn('state', filter.states);
  if (filter.limit !== undefined) q.limit(filter.limit);
  return (await q).map(toRecord);
}

export async function getRecord(
  db: Knex,
  companyId: number,
  migrationId: number,
  id: number,
): Promise<MigrationRecord | undefined> {
  const r = await db('migration_records')
    .where({ ...scope(companyId, migrationId), id })
    .first();
  return r ? toRecord(r) : undefined;
}

export async function findRecord(
  db: Knex,
  companyId: number,
  migrationId: number,
  entity: EngineEntity,
  actimoKey: string,
): Promise<MigrationRecord | undefined> {
  const r = await db('migration_records')
    .where({ ...scope(companyId, migrationId), entity, actimo_key: actimoKey })
    .first();
  return r ? toRecord(r) : undefined;
}

export async function markSample(
  db: Knex,
  companyId: number,
  migrationId: number,
  personKeys: readonly string[],
  orgKeys: readonly string[],
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('migration_records').where(scope(companyId, migrationId)).update({ in_sample: false });
    for (const [entity, keys, col] of [
      ['person', personKeys, 'actimo_key'],
      ['note', personKeys, 'person_key'],
      ['organization', orgKeys, 'actimo_key'],
    ] as const) {
      for (let i = 0; i < keys.length; i += 500) {
        await trx('migration_records')
          .where({ ...scope(companyId, migrationId), entity })
          .whereIn(col, keys.slice(i, i + 500) as string[])
          .update({ in_sample: true });
      }
    }
  });
}

export async function countRecords(
  db: Knex,
  companyId: number,
  migrationId: number,
  inSample?: boolean,
): Promise<Counts> {
  const q = db('migration_records')
    .where(scope(companyId, migrationId))
    .select('entity', 'state')
    .count({ n: '*' })
    .groupBy('entity', 'state');
  if (inSample !== undefined) q.andWhere('in_sample', inSample);
  const out = emptyCounts();
  for (const r of (await q) as Array<Record<string, unknown>>) {
    const e = String(r.entity);
    out[e] ??= {};
    (out[e] as Record<string, number>)[String(r.state)] = Number(r.n);
  }
  return out;
}

export interface RecordOutcome {
  recordId: number;
  state: RecordState;
  pipedriveId?: number | null;
  fingerprint?: string | null;
  written?: Record<string, unknown> | null;
  /** `written` already as JSON (wins over `written`). */
  writtenJson?: string;
  updateTime?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  runId: number;
}

const OUTCOME_COLUMNS: Readonly<Record<string, SqlType>> = {
  id: 'bigint',
  state: 'text',
  last_run_id: 'bigint',
  pipedrive_id: 'bigint',
  fingerprint: 'text',
  written: 'text',
  update_time: 'text',
  error_code: 'text',
  error_message: 'text',
};

/** Outcomes in a few statements: one per shape of patch (the columns it sets), a few hundred rows each. */
export async function updateRecords(
  trx: Knex,
  companyId: number,
  outcomes: readonly RecordOutcome[],
  now: number,
): Promise<void> {
  const byShape = new Map<string, Row[]>();
  for (const o of outcomes) {
    const patch: Row = { id: o.recordId, state: o.state, last_run_id: o.runId };
    if (o.pipedriveId !== undefined) patch.pipedrive_id = o.pipedriveId;
    if (o.fingerprint !== undefined) patch.fingerprint = o.fingerprint;
    if (o.writtenJson !== undefined) patch.written = o.writtenJson;
    else if (o.written !== undefined) patch.written = o.written === null ? null : writeJson(o.written);
    if (o.updateTime !== undefined) patch.update_time = o.updateTime;
    if (o.errorCode !== undefined) patch.error_code = o.errorCode;
    if (o.errorMessage !== undefined) patch.error_message = o.errorMessage?.slice(0, 2000) ?? null;
    if (o.state === 'done') {
      patch.error_code = null;
      patch.error_message = null;
    }
    const shape = Object.keys(patch).join(',');
    const rows = byShape.get(shape);
    if (rows) rows.push(patch);
    else byShape.set(shape, [patch]);
  }
  for (const [shape, rows] of byShape) {
    await updateMany(trx, 'migration_records', {
      where: { company_id: companyId },
      key: ['id'],
      columns: Object.fromEntries(shape.split(',').map((c) => [c, OUTCOME_COLUMNS[c]!])),
      rows,
      set: { updated_at: now },
    });
  }
}
