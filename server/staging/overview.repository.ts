// Totals the panel shows without opening every record: per migration (files, staged records, issues) for
// the migrations list, and per source file (issues found in its rows) for the upload screen. Grouped
// queries, so the cost does not grow with the number of migrations or files listed.
import { engineOf, type Knex, readId } from '../db.ts';
import { ENTITY_TABLE } from './staged.repository.ts';
import type { Entity, IssueSeverity } from './vocabulary.ts';

export interface FileTotals {
  total: number;
  staged: number;
  kept: number;
  failed: number;
}

export type StagedCounts = Record<Entity, number>;
export type IssueTotals = Record<IssueSeverity, number>;

export interface MigrationTotals {
  fileCounts: FileTotals;
  stagedCounts: StagedCounts;
  issueCounts: IssueTotals;
}

const COUNT_TABLES: ReadonlyArray<readonly [Entity, string]> = [
  ['person', ENTITY_TABLE.person],
  ['organization', ENTITY_TABLE.organization],
  ['membership', 'staged_memberships'],
  ['metrics', ENTITY_TABLE.metrics],
  ['activity', ENTITY_TABLE.activity],
  ['file', ENTITY_TABLE.file],
];

export function emptyTotals(): MigrationTotals {
  return {
    fileCounts: { total: 0, staged: 0, kept: 0, failed: 0 },
    stagedCounts: { person: 0, organization: 0, membership: 0, metrics: 0, activity: 0, file: 0 },
    issueCounts: { error: 0, warning: 0, info: 0 },
  };
}

type Row = Record<string, unknown>;

/** Totals of every migration of the company, keyed by migration id (migrations with nothing are absent). */
export async function migrationTotals(db: Knex, companyId: number): Promise<Map<number, MigrationTotals>> {
  const out = new Map<number, MigrationTotals>();
  const of = (r: Row) => {
    const id = readId(r.migration_id);
    let t = out.get(id);
    if (!t) {
      t = emptyTotals();
      out.set(id, t);
    }
    return t;
  };
  const files: Row[] = await db('source_files')
    .select('migration_id', 'status')
    .count({ n: '*' })
    .where({ company_id: companyId })
    .groupBy('migration_id', 'status');
  for (const r of files) {
    const t = of(r).fileCounts;
    const n = Number(r.n);
    t.total += n;
    // A file still marked "staging" was interrupted: the next upload of it retries, so it counts as failed.
    if (r.status === 'staged') t.staged += n;
    else if (r.status === 'kept') t.kept += n;
    else t.failed += n;
  }
  for (const [entity, table] of COUNT_TABLES) {
    const rows: Row[] = await db(table)
      .select('migration_id')
      .count({ n: '*' })
      .where({ company_id: companyId })
      .groupBy('migration_id');
    for (const r of rows) of(r).stagedCounts[entity] = Number(r.n);
  }
  const issues: Row[] = await db('staging_issues')
    .select('migration_id', 'severity')
    .count({ n: '*' })
    .where({ company_id: companyId })
    .groupBy('migration_id', 'severity');
  for (const r of issues) {
    const severity = String(r.severity) as IssueSeverity;
    const t = of(r).issueCounts;
    if (severity in t) t[severity] += Number(r.n);
  }
  return out;
}

export interface FileIssueCount {
  entity: Entity;
  code: string;
  severity: IssueSeverity;
  count: number;
}

/**
 * Issues whose offending value sits in each file (the first element of an issue's source, [fileId, row,
 * column]), by entity, code and severity. Issues that point at no single value (a conflict between rows,
 * a user missing from the users export) have no source and are only in the migration's summary.
 */
export async function issueCountsByFile(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<Map<number, FileIssueCount[]>> {
  // The source is JSON text on both engines; its first element is the file id.
  const fileId =
    engineOf(db) === 'postgres'
      ? `(source::json->>0)::bigint`
      : `CAST(json_extract(source, '$[0]') AS INTEGER)`;
  const result = await db.raw(
    `SELECT ${fileId} AS file_id, entity, code, severity, COUNT(*) AS n
     FROM staging_issues
     WHERE company_id = ? AND migration_id = ? AND source IS NOT NULL
     GROUP BY ${fileId}, entity, code, severity
     ORDER BY 1, entity, code, severity`,
    [companyId, migrationId],
  );
  const rows: Row[] = engineOf(db) === 'postgres' ? (result as { rows: Row[] }).rows : (result as Row[]);
  const out = new Map<number, FileIssueCount[]>();
  for (const r of rows) {
    if (r.file_id === null || r.file_id === undefined) continue;
    const id = readId(r.file_id);
    const list = out.get(id) ?? [];
    list.push({
      entity: String(r.entity) as Entity,
      code: String(r.code),
      severity: String(r.severity) as IssueSeverity,
      count: Number(r.n),
    });
    out.set(id, list);
  }
  return out;
}
