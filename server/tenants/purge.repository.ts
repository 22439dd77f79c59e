// Deleting everything a company left with us. Rather than a hand-kept list that the next new table would
// escape, the schema is read: every table with a `company_id` column is company data, and foreign keys
// give the order (children before parents). Tables asked to be kept stay, with every table they refer to.
import { engineOf, type Knex } from '../db.ts';

interface Edge {
  child: string;
  parent: string;
}

async function tablesWithCompanyId(db: Knex): Promise<string[]> {
  if (engineOf(db) === 'sqlite') {
    const tables: Array<{ name: string }> = await db.raw(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'knex_%'",
    );
    const out: string[] = [];
    for (const { name } of tables) {
      const cols: Array<{ name: string }> = await db.raw(`pragma table_info(${quoteSqlite(name)})`);
      if (cols.some((c) => c.name === 'company_id')) out.push(name);
    }
    return out;
  }
  const res: { rows: Array<{ table_name: string }> } = await db.raw(
    `select c.table_name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and c.column_name = 'company_id' and t.table_type = 'BASE TABLE'`,
  );
  return res.rows.map((r) => r.table_name);
}

async function foreignKeys(db: Knex): Promise<Edge[]> {
  if (engineOf(db) === 'sqlite') {
    const tables: Array<{ name: string }> = await db.raw(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
    );
    const edges: Edge[] = [];
    for (const { name } of tables) {
      const fks: Array<{ table: string }> = await db.raw(`pragma foreign_key_list(${quoteSqlite(name)})`);
      for (const fk of fks) edges.push({ child: name, parent: fk.table });
    }
    return edges;
  }
  const res: { rows: Edge[] } = await db.raw(
    `select distinct tc.table_name as child, ccu.table_name as parent
       from information_schema.table_constraints tc
       join information_schema.constraint_column_usage ccu
         on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`,
  );
  return res.rows;
}

function quoteSqlite(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Tables in an order where every table comes before the tables it refers to. */
function childrenFirst(tables: string[], edges: Edge[]): string[] {
  const set = new Set(tables);
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t) || path.has(t)) return;
    path.add(t);
    for (const e of edges) if (e.parent === t && e.child !== t && set.has(e.child)) visit(e.child, path);
    path.delete(t);
    done.add(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return order;
}

function withParents(keep: string[], edges: Edge[]): Set<string> {
  const out = new Set(keep);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of edges) {
      if (out.has(e.child) && !out.has(e.parent)) {
        out.add(e.parent);
        grew = true;
      }
    }
  }
  return out;
}

export interface PurgeResult {
  deleted: Record<string, number>;
  kept: string[];
}

/**
 * Deletes every row of the company in every company-scoped table (and the company row itself unless
 * something is kept), in one transaction.
 */
export async function purgeCompanyRows(
  db: Knex,
  companyId: number,
  keepTables: string[] = [],
): Promise<PurgeResult> {
  const scoped = await tablesWithCompanyId(db);
  const edges = await foreignKeys(db);
  const kept = withParents(
    keepTables.filter((t) => scoped.includes(t)),
    edges,
  );
  const deleted: Record<string, number> = {};
  await db.transaction(async (trx) => {
    for (const table of childrenFirst(scoped, edges)) {
      if (kept.has(table)) continue;
      deleted[table] = await trx(table).where({ company_id: companyId }).delete();
    }
    if (!kept.has('companies')) deleted.companies = await trx('companies').where({ id: companyId }).delete();
  });
  return { deleted, kept: [...kept].sort() };
}

/** Every company-scoped table and how many rows the company still has in it (for checks and tests). */
export async function countCompanyRows(db: Knex, companyId: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of (await tablesWithCompanyId(db)).sort()) {
    const row = await db(table)
      .where({ company_id: companyId })
      .count<Array<{ n: number | string }>>({ n: '*' });
    out[table] = Number(row[0]?.n ?? 0);
  }
  out.companies = Number(
    (await db('companies').where({ id: companyId }).count<Array<{ n: number | string }>>({ n: '*' }))[0]?.n ??
      0,
  );
  return out;
}
