// record_changes and the delta columns of migration_records / migrations. Every function takes the company.
import { type Knex, readJson, writeJson } from '../db.ts';
import { type MigrationRecord, toRecord } from '../migration/records.repository.ts';
import type { EngineEntity } from '../migration/types.ts';
import type { ChangedField } from './human-edits.ts';

export interface NewChange {
  migrationId: number;
  recordId: number;
  kind: 'edit' | 'delete';
  source: 'webhook' | 'sweep';
  changeKey: string;
  fields: ChangedField[];
  pipedriveUserId: string | null;
  changeSource: string | null;
  eventId: string | null;
  occurredAt: number;
}

export interface RecordChange extends NewChange {
  id: number;
  entity: EngineEntity;
  actimoKey: string;
  pipedriveId: number | null;
  createdAt: number;
}

/** Migrated records (written by us, so with a Pipedrive id) of this entity and Pipedrive id, in any migration. */
export async function migratedRecordsOf(
  db: Knex,
  companyId: number,
  entity: EngineEntity,
  pipedriveId: number,
): Promise<Array<MigrationRecord & { migrationId: number }>> {
  const rows = await db('migration_records')
    .where({ company_id: companyId, entity, pipedrive_id: pipedriveId, state: 'done' })
    .orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({ ...toRecord(r), migrationId: Number(r.migration_id) }));
}

/**
 * Records a change once (per record, kind and Pipedrive update time) and, for an edit, adds its fields to
 * the record's human fields; a deletion stamps the record. Returns false when nothing new was recorded.
 */
export async function recordChange(db: Knex, companyId: number, c: NewChange, now: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const inserted = await trx('record_changes')
      .insert({
        company_id: companyId,
        migration_id: c.migrationId,
        record_id: c.recordId,
        kind: c.kind,
        source: c.source,
        change_key: c.changeKey.slice(0, 64),
        fields: writeJson(c.fields),
        pipedrive_user_id: c.pipedriveUserId,
        change_source: c.changeSource,
        event_id: c.eventId,
        occurred_at: c.occurredAt,
        created_at: now,
      })
      .onConflict(['record_id', 'kind', 'change_key'])
      .ignore()
      .returning('id');
    let added = inserted.length > 0;
    if (!added && c.kind === 'edit') {
      // Two edits in one second share Pipedrive's update time: keep the fields of both on one row.
      const row = await trx('record_changes')
        .where({
          company_id: companyId,
          record_id: c.recordId,
          kind: c.kind,
          change_key: c.changeKey.slice(0, 64),
        })
        .first();
      const had = row ? readJson<ChangedField[]>(row.fields) : [];
      const fresh = c.fields.filter((f) => !had.some((h) => h.key === f.key));
      if (row && fresh.length > 0) {
        await trx('record_changes')
          .where({ company_id: companyId, id: row.id })
          .update({ fields: writeJson([...had, ...fresh]) });
        added = true;
      }
    }
    if (!added) return false;
    const rec = await trx('migration_records').where({ company_id: companyId, id: c.recordId }).first();
    if (!rec) return true;
    if (c.kind === 'delete') {
      await trx('migration_records')
        .where({ company_id: companyId, id: c.recordId })
        .update({ deleted_in_pipedrive_at: c.occurredAt });
    } else {
      const had = rec.human_fields == null ? [] : readJson<string[]>(rec.human_fields);
      const keys = [...new Set([...had, ...c.fields.map((f) => f.key)])].sort();
      await trx('migration_records')
        .where({ company_id: companyId, id: c.recordId })
        .update({
          human_fields: writeJson(keys),
          human_changed_at: Math.max(Number(rec.human_changed_at ?? 0), c.occurredAt),
        });
    }
    return true;
  });
}

function toChange(r: Record<string, unknown>): RecordChange {
  return {
    id: Number(r.id),
    migrationId: Number(r.migration_id),
    recordId: Number(r.record_id),
    entity: r.entity as EngineEntity,
    actimoKey: String(r.actimo_key),
    pipedriveId: r.pipedrive_id == null ? null : Number(r.pipedrive_id),
    kind: r.kind as RecordChange['kind'],
    source: r.source as RecordChange['source'],
    changeKey: String(r.change_key),
    fields: readJson<ChangedField[]>(r.fields),
    pipedriveUserId: r.pipedrive_user_id == null ? null : String(r.pipedrive_user_id),
    changeSource: r.change_source == null ? null : String(r.change_source),
    eventId: r.event_id == null ? null : String(r.event_id),
    occurredAt: Number(r.occurred_at),
    createdAt: Number(r.created_at),
  };
}

export async function listChanges(
  db: Knex,
  companyId: number,
  migrationId: number,
  o: { afterId?: number; limit?: number } = {},
): Promise<RecordChange[]> {
  const q = db('record_changes as c')
    .join('migration_records as r', 'r.id', 'c.record_id')
    .where({ 'c.company_id': companyId, 'c.migration_id': migrationId })
    .orderBy('c.id')
    .select('c.*', 'r.entity', 'r.actimo_key', 'r.pipedrive_id')
    .limit(o.limit ?? 500);
  if (o.afterId !== undefined) q.andWhere('c.id', '>', o.afterId);
  return (await q).map(toChange);
}

export async function changeCounts(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<Record<string, number>> {
  const rows = await db('record_changes')
    .where({ company_id: companyId, migration_id: migrationId })
    .select('kind', 'source')
    .count({ n: '*' })
    .groupBy('kind', 'source');
  return Object.fromEntries(
    (rows as Array<Record<string, unknown>>).map((r) => [`${r.kind}:${r.source}`, Number(r.n)]),
  );
}

export interface LiveState {
  liveAt: number | null;
  snapshotFileId: number | null;
  sweptUntil: string | null;
  sweptAt: number | null;
}

export async function liveState(db: Knex, companyId: number, migrationId: number): Promise<LiveState> {
  const r = await db('migrations').where({ company_id: companyId, id: migrationId }).first();
  return {
    liveAt: r?.live_at == null ? null : Number(r.live_at),
    snapshotFileId: r?.snapshot_file_id == null ? null : Number(r.snapshot_file_id),
    sweptUntil: r?.swept_until == null ? null : String(r.swept_until),
    sweptAt: r?.swept_at == null ? null : Number(r.swept_at),
  };
}

/**
 * Marks a migration live (once: the first completed full run sets the time) and takes the files staged
 * so far as the snapshot later exports are diffed against.
 */
export async function markLive(db: Knex, companyId: number, migrationId: number, now: number): Promise<void> {
  const newest = await db('source_files')
    .where({ company_id: companyId, migration_id: migrationId })
    .max({ id: 'id' })
    .first();
  await db('migrations')
    .where({ company_id: companyId, id: migrationId })
    .whereNull('live_at')
    .update({ live_at: now, snapshot_file_id: newest?.id == null ? null : Number(newest.id) });
}

export async function saveSweep(
  db: Knex,
  companyId: number,
  migrationId: number,
  sweptUntil: string | null,
  now: number,
): Promise<void> {
  await db('migrations')
    .where({ company_id: companyId, id: migrationId })
    .update({ swept_until: sweptUntil, swept_at: now });
}

/** Every live migration, across companies (the periodic check is a background job). */
export async function liveMigrations(db: Knex): Promise<Array<{ companyId: number; migrationId: number }>> {
  const rows = await db('migrations').whereNotNull('live_at').select('company_id', 'id').orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    companyId: Number(r.company_id),
    migrationId: Number(r.id),
  }));
}

export async function saveSnapshotFile(
  db: Knex,
  companyId: number,
  migrationId: number,
  fileId: number | null,
): Promise<void> {
  await db('migrations')
    .where({ company_id: companyId, id: migrationId })
    .update({ snapshot_file_id: fileId });
}

/** Removes keys from a record's human fields (we wrote them again, overwriting the human's value). */
export async function clearHumanFields(
  db: Knex,
  companyId: number,
  recordId: number,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  const rec = await db('migration_records')
    .where({ company_id: companyId, id: recordId })
    .first('human_fields');
  if (!rec?.human_fields) return;
  const left = readJson<string[]>(rec.human_fields).filter((k) => !keys.includes(k));
  await db('migration_records')
    .where({ company_id: companyId, id: recordId })
    .update({ human_fields: left.length > 0 ? writeJson(left) : null });
}

/** Flags records no longer in the export (and unflags those back in it); nothing is deleted. */
export async function flagGone(
  db: Knex,
  companyId: number,
  migrationId: number,
  entity: EngineEntity,
  present: ReadonlySet<string>,
  now: number,
): Promise<string[]> {
  const rows = await db('migration_records')
    .where({ company_id: companyId, migration_id: migrationId, entity })
    .select('id', 'actimo_key', 'gone_from_export_at');
  const gone: number[] = [];
  const back: number[] = [];
  const keys: string[] = [];
  for (const r of rows as Array<Record<string, unknown>>) {
    const here = present.has(String(r.actimo_key));
    if (!here) {
      keys.push(String(r.actimo_key));
      if (r.gone_from_export_at == null) gone.push(Number(r.id));
    } else if (r.gone_from_export_at != null) back.push(Number(r.id));
  }
  for (let i = 0; i < gone.length; i += 500)
    await db('migration_records')
      .whereIn('id', gone.slice(i, i + 500))
      .update({ gone_from_export_at: now });
  for (let i = 0; i < back.length; i += 500)
    await db('migration_records')
      .whereIn('id', back.slice(i, i + 500))
      .update({ gone_from_export_at: null });
  return keys.sort();
}
