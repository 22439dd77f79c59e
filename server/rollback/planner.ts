// The rollback plan: walks the ledger of a migration (or of one run), reads what Pipedrive holds now for
// every record we wrote (persons and organizations 100 ids a request, notes one by one), takes the edits
// a person made that delta sync recorded from webhooks and the sweep, and decides per record (decide.ts). The same plan is the dry
// run's answer and the rollback run's work list.
import type { Knex } from '../db.ts';
import { mapVersion } from '../mapping/map.repository.ts';
import type { WrittenField } from '../migration/engine.ts';
import { type LedgerRow, ledgerFor } from '../migration/ledger.repository.ts';
import { fileNoteKeyOf } from '../migration/payloads.ts';
import { customValue, listAllOrganizations, listAllPersons } from '../migration/pipedrive-index.ts';
import { listRecords, type MigrationRecord } from '../migration/records.repository.ts';
import type { PipedriveClient } from '../pipedrive/client.ts';
import { isPipedriveError } from '../pipedrive/errors.ts';
import { listRecordedFields } from '../pipedrive/field-schema.repository.ts';
import {
  type Current,
  type Decision,
  decideCreated,
  decideRestore,
  ROLLBACK_ENTITIES,
  type RollbackEntity,
  stepOf,
} from './decide.ts';
import type { NewItem } from './items.repository.ts';

export interface RollbackScope {
  /** One run's writes; absent: the whole migration. */
  runId?: number;
  /** Delete records we created even when they changed since. */
  force: boolean;
}

const WRITE_OPS = new Set(['create', 'update', 'upload']);
const UNDO_OPS = new Set(['delete', 'restore']);

export function entityOf(e: MigrationRecord['entity'] | string): RollbackEntity {
  return e as RollbackEntity;
}

interface Candidate {
  record: MigrationRecord;
  entity: RollbackEntity;
  pipedriveId: number;
  created: boolean;
  /** The body and fields of our last write to the record. */
  written: { body: Record<string, unknown>; fields: WrittenField[] };
  writtenUpdateTime: string | null;
  beforeImage: Record<string, unknown> | null;
  /** Set when there is nothing to read: already rolled back, or created by another run. */
  settled?: Decision;
}

/** Which records the rollback touches and what we last wrote to each, from the ledger alone. */
export async function candidates(
  db: Knex,
  companyId: number,
  migrationId: number,
  scope: RollbackScope,
): Promise<Candidate[]> {
  const records = new Map((await listRecords(db, companyId, migrationId)).map((r) => [r.id, r] as const));
  const byRecord = new Map<number, LedgerRow[]>();
  for (const l of await ledgerFor(db, companyId, migrationId)) {
    if (l.state !== 'done') continue;
    const list = byRecord.get(l.recordId);
    if (list) list.push(l);
    else byRecord.set(l.recordId, [l]);
  }
  const out: Candidate[] = [];
  for (const [recordId, rows] of byRecord) {
    const record = records.get(recordId);
    if (!record) continue;
    const writes = rows.filter((r) => WRITE_OPS.has(r.op));
    const inScope = writes.filter((r) => scope.runId === undefined || r.runId === scope.runId);
    if (inScope.length === 0) continue;
    const last = rows[rows.length - 1]!;
    const lastWrite = writes[writes.length - 1]!;
    const create = writes.find((r) => r.op === 'create' || r.op === 'upload');
    const req = lastWrite.request as { body?: Record<string, unknown>; fields?: WrittenField[] };
    const pipedriveId = create?.responseId ?? lastWrite.responseId ?? record.pipedriveId;
    if (pipedriveId == null) continue;
    const c: Candidate = {
      record,
      entity: entityOf(record.entity),
      pipedriveId,
      created: create !== undefined,
      written: { body: req.body ?? {}, fields: req.fields ?? [] },
      writtenUpdateTime: lastWrite.responseUpdateTime,
      beforeImage: null,
    };
    if (UNDO_OPS.has(last.op)) c.settled = { action: 'none', reason: 'already_rolled_back' };
    else if (create && !inScope.includes(create))
      c.settled = { action: 'none', reason: 'created_in_other_run' };
    else if (!create) {
      // The earliest before-image of each field is what the record held before the migration touched it.
      const image = new Map<string, unknown>();
      for (const u of inScope) {
        for (const [k, v] of Object.entries(u.beforeImage ?? {})) {
          if (k === 'custom_fields' && v && typeof v === 'object') {
            const cf = (image.get(k) as Record<string, unknown> | undefined) ?? {};
            for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) if (!(ck in cf)) cf[ck] = cv;
            image.set(k, cf);
          } else if (!image.has(k)) image.set(k, v);
        }
      }
      if (image.size === 0) continue;
      c.beforeImage = Object.fromEntries(image);
    }
    out.push(c);
  }
  return out;
}

/** What Pipedrive holds now for each id (absent: gone). */
export async function readCurrent(
  client: PipedriveClient,
  entity: RollbackEntity,
  ids: readonly number[],
): Promise<Map<number, Record<string, unknown>>> {
  const out = new Map<number, Record<string, unknown>>();
  if (entity === 'person' || entity === 'organization' || entity === 'activity') {
    for (let i = 0; i < ids.length; i += 100) {
      const q = { ids: ids.slice(i, i + 100).join(','), limit: 500 };
      const res = (entity === 'person'
        ? await client.persons.getPersons(q)
        : entity === 'organization'
          ? await client.organizations.getOrganizations(q)
          : await client.activities.getActivities(q)) as unknown as {
        data?: Array<Record<string, unknown>> | null;
      };
      for (const r of res.data ?? []) out.set(Number(r.id), r);
    }
    return out;
  }
  for (const id of ids) {
    try {
      const res = (entity === 'note'
        ? await client.notes.getNote({ id })
        : await client.files.getFile({ id })) as unknown as { data?: Record<string, unknown> | null };
      const d = res.data;
      if (d && d.active_flag !== false && d.deleted !== true) out.set(id, d);
    } catch (err) {
      if (isPipedriveError(err, 'not_found') || isPipedriveError(err, 'gone')) continue;
      throw err;
    }
  }
  return out;
}

/** The rollback plan: one item per record the scope wrote, in the order they are worked. */
export async function planRecords(
  db: Knex,
  client: PipedriveClient,
  companyId: number,
  migrationId: number,
  scope: RollbackScope,
): Promise<NewItem[]> {
  const cands = await candidates(db, companyId, migrationId, scope);
  const open = cands.filter((c) => !c.settled);
  const current = new Map<string, Current>();
  const entities = [...new Set(open.map((c) => c.entity))];
  for (const e of entities) {
    const ids = [...new Set(open.filter((c) => c.entity === e).map((c) => c.pipedriveId))];
    const got = await readCurrent(client, e, ids);
    for (const id of ids) current.set(`${e}:${id}`, got.get(id) ?? null);
  }
  const items: NewItem[] = [];
  for (const c of cands) {
    const cur = current.get(`${c.entity}:${c.pipedriveId}`) ?? null;
    const d: Decision =
      c.settled ??
      (c.created
        ? decideCreated({
            written: c.written.body,
            fields: c.written.fields,
            writtenUpdateTime: c.writtenUpdateTime,
            current: cur,
            // Edits a person made since our last write, as webhooks or the sweep recorded them (delta sync).
            humanEdit: c.record.humanFields.length > 0,
            force: scope.force,
          })
        : decideRestore({
            beforeImage: c.beforeImage ?? {},
            written: c.written.body,
            fields: c.written.fields,
            current: cur,
            humanFields: c.record.humanFields,
          }));
    items.push({
      recordId: c.record.id,
      entity: c.entity,
      step: stepOf(c.entity),
      pipedriveId: c.pipedriveId,
      fieldCode: null,
      action: d.action,
      reason: d.reason,
      detail: {
        label: c.record.label,
        actimoKey: c.record.actimoKey,
        ...(d.body ? { body: d.body } : {}),
        ...(d.restored ? { restored: d.restored } : {}),
        ...(d.conflicts && d.conflicts.length > 0 ? { conflicts: d.conflicts } : {}),
      },
    });
  }
  keepNotesOfKeptFiles(items);
  // Newest first: by entity step, then the latest record first.
  items.sort((a, b) => a.step - b.step || (b.recordId ?? 0) - (a.recordId ?? 0));
  return items;
}

/**
 * A kept file keeps its note (`file:<key>`: original name, upload date, source batch): deleting the note
 * of a file that stays would lose what the file is. A note the rollback would have deleted or restored
 * is kept with `file_kept`; a note already gone or already undone stays as decided.
 */
function keepNotesOfKeptFiles(items: NewItem[]): void {
  const keptFiles = new Set(
    items
      .filter((i) => i.entity === 'file' && i.action === 'keep')
      .map((i) => fileNoteKeyOf(String(i.detail.actimoKey))),
  );
  if (keptFiles.size === 0) return;
  for (const i of items) {
    if (i.entity !== 'note' || (i.action !== 'delete' && i.action !== 'restore')) continue;
    if (!keptFiles.has(String(i.detail.actimoKey))) continue;
    i.action = 'keep';
    i.reason = 'file_kept';
    delete i.detail.body;
    delete i.detail.restored;
  }
}

/**
 * The custom fields this migration's provisioning created (or, recorded before the creator was kept, any
 * field we created), each removable only when no other migration of the company writes to it (its latest
 * provisioned map version) and no record holds a value in it (a paged read of the list endpoint with
 * just that field). Fields another migration created are not listed.
 * `leaving`: records the rollback is about to delete, which do not count as holders (for the dry run,
 * before they are gone): `entity:id`, or `entity:id:code` for a field the rollback is about to empty on a
 * record it restores.
 */
export async function planFields(
  db: Knex,
  client: PipedriveClient,
  companyId: number,
  migrationId: number,
  leaving: ReadonlySet<string> = new Set(),
): Promise<NewItem[]> {
  const items: NewItem[] = [];
  const recorded = await listRecordedFields(db, companyId);
  const ours = recorded.filter(
    (f) => f.createdByUs && (f.createdByMigrationId ?? migrationId) === migrationId,
  );
  if (ours.length === 0) return items;
  const usedByOthers = await fieldsMappedByOtherMigrations(db, companyId, migrationId);
  for (const f of ours) {
    const detail = {
      fieldName: f.name,
      fieldEntity: f.entity as 'person' | 'organization',
      logicalName: f.logicalName,
    };
    const base = {
      recordId: null,
      entity: 'field',
      step: ROLLBACK_ENTITIES.length,
      pipedriveId: null,
      fieldCode: f.code,
    } as const;
    const others = usedByOthers.get(`${f.entity}:${f.code}`);
    if (others) {
      items.push({
        ...base,
        action: 'keep_field',
        reason: 'field_used_by_other_migration',
        detail: { ...detail, migrationIds: others },
      });
      continue;
    }
    const listed =
      f.entity === 'person'
        ? await listAllPersons(client, { customFields: f.code })
        : await listAllOrganizations(client, { customFields: f.code });
    const holders = listed.filter(
      (r) =>
        customValue(r, f.code) !== undefined &&
        !leaving.has(`${f.entity}:${r.id}`) &&
        !leaving.has(`${f.entity}:${r.id}:${f.code}`),
    ).length;
    items.push({
      ...base,
      action: holders === 0 ? 'remove_field' : 'keep_field',
      reason: holders === 0 ? 'no_values_left' : 'still_holds_values',
      detail: { ...detail, holders },
    });
  }
  return items;
}

/**
 * `entity:code` of each custom field another migration of the company writes to, with those migrations:
 * the targets of its latest provisioned map version (the resolved map its runs write with).
 */
async function fieldsMappedByOtherMigrations(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const rows = await db('migration_maps')
    .where({ company_id: companyId })
    .whereNot({ migration_id: migrationId })
    .whereNotNull('resolved')
    .select('migration_id')
    .max('version as version')
    .groupBy('migration_id')
    .orderBy('migration_id');
  for (const r of rows) {
    const other = Number(r.migration_id);
    const resolved = (await mapVersion(db, companyId, other, Number(r.version)))?.resolved;
    for (const t of resolved ? [...resolved.person, ...resolved.organization] : []) {
      if (t.to.kind !== 'field') continue;
      const key = `${t.entity}:${t.to.code}`;
      const ids = out.get(key) ?? [];
      if (!ids.includes(other)) ids.push(other);
      out.set(key, ids);
    }
  }
  return out;
}
