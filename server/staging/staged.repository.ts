// Staged records, their issues and consolidation's scratch facts. Every function takes the company.
import { type Knex, readBool, readJson, writeJson } from '../db.ts';
import type { Fact, FactKind, FactPayload } from './facts.ts';
import type { MembershipOut, StagedOut } from './reduce.ts';
import type { Entity, Provenance, StagedScalar, StagingIssue } from './vocabulary.ts';

export const ENTITY_TABLE: Record<Exclude<Entity, 'membership'>, string> = {
  person: 'staged_persons',
  organization: 'staged_organizations',
  metrics: 'staged_person_metrics',
  activity: 'staged_activities',
  file: 'staged_files',
};

const ALL_TABLES = [...Object.values(ENTITY_TABLE), 'staged_memberships', 'staging_issues', 'staging_facts'];
const INSERT_CHUNK = 400;

async function insertChunks(db: Knex, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await db(table).insert(rows.slice(i, i + INSERT_CHUNK));
}

/** Removes everything a consolidation run produced for the migration (it is rebuilt as a whole). */
export async function clearConsolidation(db: Knex, companyId: number, migrationId: number): Promise<void> {
  for (const t of ALL_TABLES)
    await db(t).where({ company_id: companyId, migration_id: migrationId }).delete();
}

export async function insertFacts(
  db: Knex,
  companyId: number,
  migrationId: number,
  facts: readonly Fact[],
): Promise<void> {
  await insertChunks(
    db,
    'staging_facts',
    facts.map((f) => ({
      company_id: companyId,
      migration_id: migrationId,
      kind: f.kind,
      actimo_id: f.key,
      recency: f.recency,
      payload: JSON.stringify(f.payload),
    })),
  );
}

/**
 * Up to about `limit` facts of one kind, whole groups only, for ids after `afterKey`, oldest first within
 * a group. An id with more facts than `limit` comes back alone, complete.
 */
export async function readFactGroups(
  db: Knex,
  companyId: number,
  migrationId: number,
  kind: FactKind,
  afterKey: string | null,
  limit: number,
): Promise<Array<{ key: string; facts: FactPayload[] }>> {
  const base = () =>
    db('staging_facts')
      .select('actimo_id', 'payload')
      .where({ company_id: companyId, migration_id: migrationId, kind })
      .orderBy([
        { column: 'actimo_id', order: 'asc' },
        { column: 'recency', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
  let q = base();
  if (afterKey !== null) q = q.andWhere('actimo_id', '>', afterKey);
  let rows: Array<{ actimo_id: string; payload: string }> = await q.limit(limit);
  if (rows.length === limit) {
    const lastKey = rows[rows.length - 1]!.actimo_id;
    const complete = rows.filter((r) => r.actimo_id !== lastKey);
    rows = complete.length > 0 ? complete : await base().andWhere('actimo_id', lastKey);
  }
  const groups: Array<{ key: string; facts: FactPayload[] }> = [];
  for (const r of rows) {
    const last = groups[groups.length - 1];
    const payload = JSON.parse(r.payload) as FactPayload;
    if (last && last.key === r.actimo_id) last.facts.push(payload);
    else groups.push({ key: r.actimo_id, facts: [payload] });
  }
  return groups;
}

export async function insertStaged(
  db: Knex,
  companyId: number,
  migrationId: number,
  records: readonly StagedOut[],
): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const r of records) {
    const table = ENTITY_TABLE[r.entity];
    const list = byTable.get(table) ?? [];
    list.push({
      company_id: companyId,
      migration_id: migrationId,
      actimo_id: r.actimoId,
      person_id: r.personId,
      data: JSON.stringify(r.data),
      provenance: JSON.stringify(r.provenance),
      issue_count: r.issues.length,
    });
    byTable.set(table, list);
  }
  for (const [table, rows] of byTable) await insertChunks(db, table, rows);
}

export async function insertMemberships(
  db: Knex,
  companyId: number,
  migrationId: number,
  links: readonly MembershipOut[],
): Promise<void> {
  await insertChunks(
    db,
    'staged_memberships',
    links.map((m) => ({
      company_id: companyId,
      migration_id: migrationId,
      person_id: m.personId,
      organization_id: m.organizationId,
      is_primary: m.isPrimary,
      source: m.source,
      provenance: writeJson(m.provenance),
    })),
  );
}

export async function insertIssues(
  db: Knex,
  companyId: number,
  migrationId: number,
  issues: ReadonlyArray<{ entity: Entity; actimoId: string; issue: StagingIssue }>,
): Promise<void> {
  await insertChunks(
    db,
    'staging_issues',
    issues.map(({ entity, actimoId, issue }) => ({
      company_id: companyId,
      migration_id: migrationId,
      entity,
      actimo_id: actimoId,
      code: issue.code,
      severity: issue.severity,
      field: issue.field ?? null,
      message: issue.message,
      source: issue.source ? writeJson(issue.source) : null,
    })),
  );
}

export async function deleteFacts(db: Knex, companyId: number, migrationId: number): Promise<void> {
  await db('staging_facts').where({ company_id: companyId, migration_id: migrationId }).delete();
}

export async function countRows(
  db: Knex,
  companyId: number,
  migrationId: number,
  table: string,
): Promise<number> {
  const [row] = await db(table).where({ company_id: companyId, migration_id: migrationId }).count({ n: '*' });
  return Number(row?.n ?? 0);
}

export interface StagedRecordView {
  entity: Entity;
  actimoId: string;
  personId: string | null;
  values: Record<string, StagedScalar>;
  provenance: Record<string, Provenance>;
  issues: StagingIssue[];
}

export interface StagedQuery {
  entity: Exclude<Entity, 'membership'>;
  offset: number;
  limit: number;
  /** Only records with at least one issue (of this code, when given). */
  withIssues?: boolean;
  code?: string;
}

export async function listStaged(
  db: Knex,
  companyId: number,
  migrationId: number,
  q: StagedQuery,
): Promise<{ total: number; records: StagedRecordView[] }> {
  const table = ENTITY_TABLE[q.entity];
  const scoped = () => {
    let b = db(table).where({ [`${table}.company_id`]: companyId, [`${table}.migration_id`]: migrationId });
    if (q.withIssues || q.code) b = b.andWhere(`${table}.issue_count`, '>', 0);
    if (q.code) {
      b = b.whereExists(
        db('staging_issues')
          .select(db.raw('1'))
          .where({
            'staging_issues.company_id': companyId,
            'staging_issues.migration_id': migrationId,
            'staging_issues.entity': q.entity,
            'staging_issues.code': q.code,
          })
          .whereRaw(`staging_issues.actimo_id = ${table}.actimo_id`),
      );
    }
    return b;
  };
  const [count] = await scoped().count({ n: '*' });
  const rows = await scoped()
    .select('actimo_id', 'person_id', 'data', 'provenance')
    .orderBy('actimo_id')
    .offset(q.offset)
    .limit(q.limit);
  const ids = rows.map((r) => String(r.actimo_id));
  const issues = ids.length
    ? await issuesOf(db, companyId, migrationId, q.entity, ids)
    : new Map<string, StagingIssue[]>();
  return {
    total: Number(count?.n ?? 0),
    records: rows.map((r) => ({
      entity: q.entity,
      actimoId: String(r.actimo_id),
      personId: r.person_id === null ? null : String(r.person_id),
      values: readJson<Record<string, StagedScalar>>(r.data),
      provenance: readJson<Record<string, Provenance>>(r.provenance),
      issues: issues.get(String(r.actimo_id)) ?? [],
    })),
  };
}

export async function issuesOf(
  db: Knex,
  companyId: number,
  migrationId: number,
  entity: Entity,
  actimoIds: readonly string[],
): Promise<Map<string, StagingIssue[]>> {
  const rows = await db('staging_issues')
    .where({ company_id: companyId, migration_id: migrationId, entity })
    .whereIn('actimo_id', actimoIds as string[])
    .orderBy('id');
  const out = new Map<string, StagingIssue[]>();
  for (const r of rows) {
    const list = out.get(String(r.actimo_id)) ?? [];
    const issue: StagingIssue = { code: r.code, severity: r.severity, message: String(r.message) };
    if (r.field) issue.field = String(r.field);
    if (r.source) issue.source = readJson<Provenance>(r.source);
    list.push(issue);
    out.set(String(r.actimo_id), list);
  }
  return out;
}

export async function listMemberships(
  db: Knex,
  companyId: number,
  migrationId: number,
  personId?: string,
): Promise<MembershipOut[]> {
  let q = db('staged_memberships').where({ company_id: companyId, migration_id: migrationId });
  if (personId !== undefined) q = q.andWhere({ person_id: personId });
  const rows = await q.orderBy(['person_id', 'organization_id']);
  return rows.map((r) => ({
    personId: String(r.person_id),
    organizationId: String(r.organization_id),
    isPrimary: readBool(r.is_primary),
    source: r.source,
    provenance: readJson<Provenance>(r.provenance),
  }));
}
