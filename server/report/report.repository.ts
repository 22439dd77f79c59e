// The staging figures the reconciliation report reads: staged record counts, the source's engagement
// scores, where a staged record's row is, and raw rows by number. Every function takes the company.
import { type Knex, readJson } from '../db.ts';
import type { ResolvedMap } from '../mapping/index.ts';
import { latestMap } from '../mapping/map.repository.ts';
import { resolveMap } from '../mapping/resolve.ts';
import { loadPersons, stagedIds } from '../migration/inputs.ts';
import { personPayload, stagedOnlyContext } from '../migration/payloads.ts';
import { listRecordedFields } from '../pipedrive/field-schema.repository.ts';
import type { ReportEntity } from './model.ts';

export type StagedEntity = Exclude<ReportEntity, 'note' | 'mapped_note'>;

const STAGED_TABLE: Record<StagedEntity, string> = {
  person: 'staged_persons',
  organization: 'staged_organizations',
  activity: 'staged_activities',
  file: 'staged_files',
};
const PAGE = 5000;

async function count(db: Knex, table: string, companyId: number, migrationId: number): Promise<number> {
  const row = await db(table)
    .where({ company_id: companyId, migration_id: migrationId })
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/**
 * Staged records per object; notes are the persons with secondary companies (one note each), notes from
 * mapped fields the persons without (`mappedNotes`, given).
 */
export async function stagedCounts(
  db: Knex,
  companyId: number,
  migrationId: number,
  mapped: number,
): Promise<Record<ReportEntity, number>> {
  const notes = await db('staged_memberships')
    .where({ company_id: companyId, migration_id: migrationId, is_primary: false })
    .countDistinct({ n: 'person_id' })
    .first();
  return {
    organization: await count(db, STAGED_TABLE.organization, companyId, migrationId),
    person: await count(db, STAGED_TABLE.person, companyId, migrationId),
    note: Number(notes?.n ?? 0),
    mapped_note: mapped,
    file: await count(db, STAGED_TABLE.file, companyId, migrationId),
    activity: await count(db, STAGED_TABLE.activity, companyId, migrationId),
  };
}

/** The latest field map, resolved to the company's field codes as far as they are known; null: no map. */
async function currentMap(db: Knex, companyId: number, migrationId: number): Promise<ResolvedMap | null> {
  const map = await latestMap(db, companyId, migrationId);
  if (!map) return null;
  return map.resolved && map.resolved.version === map.version
    ? map.resolved
    : resolveMap(map.version, map.document, await listRecordedFields(db, companyId), undefined);
}

/**
 * The notes made from mapped values alone: the staged persons without companies besides their primary
 * one whose note (as the engine builds it, `personPayload`) holds values the field map sends to a note,
 * and the source rows those values come from (`fileId:row`, distinct). A person with other companies has
 * one note for both, counted among the secondary-company notes.
 */
export async function mappedNotes(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<{ persons: string[]; sourceRows: number }> {
  const map = await currentMap(db, companyId, migrationId);
  if (!map?.person.some((t) => t.to.kind === 'note')) return { persons: [], sourceRows: 0 };
  const ctx = stagedOnlyContext(map);
  const persons: string[] = [];
  const rows = new Set<string>();
  const ids = await stagedIds(db, companyId, migrationId, 'staged_persons');
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = await loadPersons(db, companyId, migrationId, ids.slice(i, i + 500));
    for (const p of chunk.values()) {
      if (p.memberships?.some((m) => !m.isPrimary)) continue;
      const built = personPayload(p, ctx);
      if (built.note === null) continue;
      persons.push(p.actimoId);
      for (const t of built.trace)
        if (t.pipedriveKey === 'note') for (const s of t.sources) rows.add(`${s.fileId}:${s.row}`);
    }
  }
  return { persons, sourceRows: rows.size };
}

/** The staged persons' engagement scores, read in pages. */
export async function stagedEngagementScores(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let after = 0; ; ) {
    const page = await db('staged_person_metrics')
      .where({ company_id: companyId, migration_id: migrationId })
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .select('id', 'data');
    for (const r of page) {
      const v = readJson<Record<string, unknown>>(r.data).engagementScore;
      if (typeof v === 'number') out.push(v);
    }
    if (page.length < PAGE) return out;
    after = Number(page[page.length - 1]!.id);
  }
}

/** Per Actimo id, the file and row its record was read from (the row of its id); absent when not staged. */
export async function stagedRowsOf(
  db: Knex,
  companyId: number,
  migrationId: number,
  entity: StagedEntity,
  actimoIds: readonly string[],
): Promise<Map<string, { fileId: number; row: number }>> {
  const out = new Map<string, { fileId: number; row: number }>();
  for (let i = 0; i < actimoIds.length; i += 500) {
    const rows = await db(STAGED_TABLE[entity])
      .where({ company_id: companyId, migration_id: migrationId })
      .whereIn('actimo_id', actimoIds.slice(i, i + 500))
      .select('actimo_id', 'provenance');
    for (const r of rows) {
      const prov = readJson<Record<string, [number, number, number]>>(r.provenance);
      const at = prov.actimoId ?? prov.activityId ?? prov.personId ?? Object.values(prov)[0];
      if (at) out.set(String(r.actimo_id), { fileId: at[0], row: at[1] });
    }
  }
  return out;
}

/** Raw rows of one file by their 1-based row numbers. */
export async function sourceRowsByNumber(
  db: Knex,
  companyId: number,
  fileId: number,
  rows: readonly number[],
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const found = await db('source_rows')
      .where({ company_id: companyId, file_id: fileId })
      .whereIn('row_number', rows.slice(i, i + 500))
      .select('row_number', 'cells');
    for (const r of found) out.set(Number(r.row_number), readJson<string[]>(r.cells));
  }
  return out;
}
