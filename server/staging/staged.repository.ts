// Staged records and their issues. Every function takes the company.
import { type Knex, readBool, readJson } from '../db.ts';
import { type BulkColumn, insertRows } from './bulk.repository.ts';
import type { MembershipOut, StagedOut } from './reduce.ts';
import type { Entity, Provenance, StagedScalar, StagingIssue } from './vocabulary.ts';

export const ENTITY_TABLE: Record<Exclude<Entity, 'membership'>, string> = {
  person: 'staged_persons',
  organization: 'staged_organizations',
  metrics: 'staged_person_metrics',
  activity: 'staged_activities',
  file: 'staged_files',
};

const ALL_TABLES = [...Object.values(ENTITY_TABLE), 'staged_memberships', 'staging_issues'];
/** Removes everything a consolidation run produced for the migration (it is rebuilt as a whole). */
export async function clearConsolidation(db: Knex, companyId: number, migrationId: number): Promise<void> {
  for (const t of ALL_TABLES)
    await db(t).where({ company_id: companyId, migration_id: migrationId }).delete();
}

/** The columns every bulk-inserted row of one migration shares. */
function scope(companyId: number, migrationId: number): Array<readonly [string, number]> {
  return [
    ['company_id', companyId],
    ['migration_id', migrationId],
  ];
}

const STAGED_COLUMNS: BulkColumn[] = [
  ['actimo_id', 'text'],
  ['person_id', 'text'],
  ['data', 'json'],
  ['provenance', 'json'],
  ['issue_count', 'int'],
];

export async function insertStaged(
  db: Knex,
  companyId: number,
  migrationId: number,
  records: readonly StagedOut[],
): Promise<void> {
  const byTable = new Map<string, unknown[][]>();
  for (const r of records) {
    const table = ENTITY_TABLE[r.entity];
    const list = byTable.get(table) ?? [];
    list.push([r.actimoId, r.personId, r.data, r.provenance, r.issues.length]);
    byTable.set(table, list);
  }
  const fixed = scope(companyId, migrationId);
  for (const [table, rows] of byTable) await insertRows(db, table, fixed, STAGED_COLUMNS, rows);
}

export async function insertMemberships(
  db: Knex,
  companyId: number,
  migrationId: number,
  links: readonly MembershipOut[],
): Promise<void> {
  await insertRows(
    db,
    'staged_memberships',
    scope(companyId, migrationId),
    [
      ['person_id', 'text'],
      ['organization_id', 'text'],
      ['is_primary', 'bool'],
      ['source', 'text'],
      ['provenance', 'json'],
    ],
    links.map((m) => [m.personId, m.organizationId, m.isPrimary, m.source, m.provenance]),
  );
}

export async function insertIssues(
  db: Knex,
  companyId: number,
  migrationId: number,
  issues: ReadonlyArray<{ entity: Entity; actimoId: string; issue: StagingIssue }>,
): Promise<void> {
  await insertRows(
    db,
    'staging_issues',
    scope(companyId, migrationId),
    [
      ['entity', 'text'],
      ['actimo_id', 'text'],
      ['code', 'text'],
      ['severity', 'text'],
      ['field', 'text'],
      ['message', 'text'],
      ['source', 'json'],
    ],
    issues.map(({ entity, actimoId, issue }) => [
      entity,
      actimoId,
      issue.code,
      issue.severity,
      issue.field ?? null,
      issue.message,
      issue.source ?? null,
    ]),
  );
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
