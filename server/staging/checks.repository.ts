// Cross-file checks of a consolidated migration, done in SQL so they scale with the data: links that
// point nowhere, companies nobody belongs to, and each record's issue count.
import { engineOf, type Knex } from '../db.ts';
import { ENTITY_TABLE } from './staged.repository.ts';

const ISSUE_COLUMNS = 'company_id, migration_id, entity, actimo_id, code, severity, field, message, source';

async function exists(db: Knex, table: string, companyId: number, migrationId: number): Promise<boolean> {
  const row = await db(table).where({ company_id: companyId, migration_id: migrationId }).first('id');
  return row !== undefined;
}

/**
 * PostgreSQL plans from table statistics, which bulk-filled tables do not have yet: without them the
 * anti-joins below become nested loops over millions of rows. SQLite picks the indexes regardless.
 */
export async function refreshStatistics(db: Knex, tables: readonly string[]): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  for (const t of tables) await db.raw('ANALYZE ??', [t]);
}

export async function runCrossChecks(db: Knex, companyId: number, migrationId: number): Promise<void> {
  const scope = [companyId, migrationId];
  await refreshStatistics(db, [...Object.values(ENTITY_TABLE), 'staged_memberships']);
  if (await exists(db, 'staged_organizations', companyId, migrationId)) {
    await db.raw(
      `INSERT INTO staging_issues (${ISSUE_COLUMNS})
       SELECT m.company_id, m.migration_id, 'person', m.person_id, 'company_not_found', 'error', 'companyIds',
              'company ' || m.organization_id || ' is not in the companies export', m.provenance
       FROM staged_memberships m
       WHERE m.company_id = ? AND m.migration_id = ?
         AND NOT EXISTS (SELECT 1 FROM staged_organizations o WHERE o.company_id = m.company_id
                         AND o.migration_id = m.migration_id AND o.actimo_id = m.organization_id)`,
      scope,
    );
    await db.raw(
      `INSERT INTO staging_issues (${ISSUE_COLUMNS})
       SELECT o.company_id, o.migration_id, 'organization', o.actimo_id, 'company_without_users', 'info', NULL,
              'no user belongs to this company; it is still created as an Organization', NULL
       FROM staged_organizations o
       WHERE o.company_id = ? AND o.migration_id = ?
         AND NOT EXISTS (SELECT 1 FROM staged_memberships m WHERE m.company_id = o.company_id
                         AND m.migration_id = o.migration_id AND m.organization_id = o.actimo_id)`,
      scope,
    );
  }
  if (await exists(db, 'staged_persons', companyId, migrationId)) {
    for (const entity of ['metrics', 'activity', 'file'] as const) {
      const table = ENTITY_TABLE[entity];
      await db.raw(
        `INSERT INTO staging_issues (${ISSUE_COLUMNS})
         SELECT r.company_id, r.migration_id, ?, r.actimo_id, 'user_not_found', 'error', 'personId',
                'user ' || r.person_id || ' is not in the users export', NULL
         FROM ${table} r
         WHERE r.company_id = ? AND r.migration_id = ? AND r.person_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM staged_persons p WHERE p.company_id = r.company_id
                           AND p.migration_id = r.migration_id AND p.actimo_id = r.person_id)`,
        [entity, ...scope],
      );
    }
    await db.raw(
      `INSERT INTO staging_issues (${ISSUE_COLUMNS})
       SELECT m.company_id, m.migration_id, 'membership', m.person_id || ':' || m.organization_id, 'user_not_found',
              'error', 'personId', 'user ' || m.person_id || ' is not in the users export', m.provenance
       FROM staged_memberships m
       WHERE m.company_id = ? AND m.migration_id = ?
         AND NOT EXISTS (SELECT 1 FROM staged_persons p WHERE p.company_id = m.company_id
                         AND p.migration_id = m.migration_id AND p.actimo_id = m.person_id)`,
      scope,
    );
  }
}

/**
 * Sets issue_count from staging_issues for the records that have issues. Records are inserted with the
 * count of the issues found while reducing them, so the rest are already right: updating only these
 * keeps a million-person migration from rewriting every row.
 */
export async function updateIssueCounts(db: Knex, companyId: number, migrationId: number): Promise<void> {
  await refreshStatistics(db, ['staging_issues']);
  for (const [entity, table] of Object.entries(ENTITY_TABLE)) {
    await db.raw(
      `UPDATE ${table} SET issue_count = c.n
       FROM (SELECT actimo_id, COUNT(*) AS n FROM staging_issues
             WHERE company_id = ? AND migration_id = ? AND entity = ? GROUP BY actimo_id) AS c
       WHERE ${table}.company_id = ? AND ${table}.migration_id = ? AND ${table}.actimo_id = c.actimo_id
         AND ${table}.issue_count <> c.n`,
      [companyId, migrationId, entity, companyId, migrationId],
    );
  }
}

export async function issueSummary(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<Array<{ entity: string; code: string; severity: string; count: number }>> {
  const rows: Array<Record<string, unknown>> = await db('staging_issues')
    .select('entity', 'code', 'severity')
    .count({ n: '*' })
    .where({ company_id: companyId, migration_id: migrationId })
    .groupBy('entity', 'code', 'severity')
    .orderBy(['entity', 'code']);
  return rows.map((r) => ({
    entity: String(r.entity),
    code: String(r.code),
    severity: String(r.severity),
    count: Number(r.n),
  }));
}
