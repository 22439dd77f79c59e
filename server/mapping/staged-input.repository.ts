// Reads what the payload builder and the map need from staging's tables: one staged person with its
// metric aggregates and company links, one organization, the raw source rows behind a record, and the
// distinct values of a column. Every function takes the company and scopes by it.
import { engineOf, type Knex, readBool, readJson } from '../db.ts';
import type { Provenance, StagedScalar } from '../staging/vocabulary.ts';
import type { StagedOrganizationInput, StagedPart, StagedPersonInput } from './payload-read.ts';

type Row = Record<string, unknown>;

function part(r: Row): StagedPart {
  return {
    values: readJson<Record<string, StagedScalar>>(r.data),
    provenance: readJson<Record<string, Provenance>>(r.provenance),
  };
}

async function one(db: Knex, table: string, companyId: number, migrationId: number, actimoId: string) {
  return (await db(table)
    .where({ company_id: companyId, migration_id: migrationId, actimo_id: actimoId })
    .first('data', 'provenance')) as Row | undefined;
}

export async function loadPersonInput(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoId: string,
): Promise<StagedPersonInput | undefined> {
  const person = await one(db, 'staged_persons', companyId, migrationId, actimoId);
  if (!person) return undefined;
  const metrics = await one(db, 'staged_person_metrics', companyId, migrationId, actimoId);
  const links = await db('staged_memberships')
    .where({ company_id: companyId, migration_id: migrationId, person_id: actimoId })
    .orderBy('id');
  return {
    actimoId,
    ...part(person),
    metrics: metrics ? part(metrics) : null,
    memberships: links.map((l) => ({
      organizationId: String(l.organization_id),
      isPrimary: readBool(l.is_primary),
      provenance: readJson<Provenance>(l.provenance),
    })),
  };
}

export async function loadOrganizationInput(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoId: string,
): Promise<StagedOrganizationInput | undefined> {
  const org = await one(db, 'staged_organizations', companyId, migrationId, actimoId);
  return org ? { actimoId, ...part(org) } : undefined;
}

/** Names of staged organizations by Actimo id (for the secondary-organizations note). */
export async function organizationNames(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoIds: readonly string[],
): Promise<Map<string, string>> {
  if (actimoIds.length === 0) return new Map();
  const rows = await db('staged_organizations')
    .where({ company_id: companyId, migration_id: migrationId })
    .whereIn('actimo_id', actimoIds as string[])
    .select('actimo_id', 'data');
  const out = new Map<string, string>();
  for (const r of rows) {
    const name = readJson<Record<string, unknown>>(r.data).name;
    if (typeof name === 'string') out.set(String(r.actimo_id), name);
  }
  return out;
}

/** The raw rows with these (file, row) keys, as `${fileId}:${row}` → cells. */
export async function rawRows(
  db: Knex,
  companyId: number,
  keys: ReadonlyArray<readonly [number, number]>,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [fileId, row] of keys) {
    const k = `${fileId}:${row}`;
    if (out.has(k)) continue;
    const r = await db('source_rows')
      .where({ company_id: companyId, file_id: fileId, row_number: row })
      .first('cells');
    if (r) out.set(k, readJson<string[]>(r.cells));
  }
  return out;
}

/**
 * Distinct trimmed values of one column with their counts, most frequent first, at most `cap`
 * (a choice column has a handful; more than `cap` means it is not one).
 */
export async function distinctValues(
  db: Knex,
  companyId: number,
  fileId: number,
  column: number,
  cap: number,
): Promise<Array<[string, number]>> {
  if (!Number.isSafeInteger(column) || column < 0) throw new Error(`not a column index: ${column}`);
  // The index is a checked integer written into the SQL: a bound parameter would be text to `->>`.
  const cell =
    engineOf(db) === 'postgres'
      ? db.raw(`trim(cells::json ->> ${column})`)
      : db.raw(`trim(json_extract(cells, '$[${column}]'))`);
  const rows: Array<Record<string, unknown>> = await db('source_rows')
    .select({ v: cell })
    .count({ n: '*' })
    .where({ company_id: companyId, file_id: fileId })
    .groupBy('v')
    .orderBy([
      { column: 'n', order: 'desc' },
      { column: 'v', order: 'asc' },
    ])
    .limit(cap + 1);
  return rows.filter((r) => typeof r.v === 'string' && r.v !== '').map((r) => [String(r.v), Number(r.n)]);
}
