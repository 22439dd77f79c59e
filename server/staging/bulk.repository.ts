// Bulk inserts of staged records through each driver's cheapest path:
// - PostgreSQL: COPY … FROM STDIN (pg-copy-streams), on the connection of the surrounding transaction.
//   COPY's text format costs the server almost nothing to read, unlike json_array_elements.
// - SQLite: one INSERT … SELECT FROM json_each(?) per 1,000 rows. The rows travel as one JSON array
//   parameter (binding thousands of separate parameters costs more in node-sqlite3 than the insert),
//   the columns every row shares (company, migration) as ordinary parameters, and JSON columns as JSON
//   *strings* inside it, so json_extract hands back their text instead of re-serialising an object.
import type { Client as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { engineOf, type Knex } from '../db.ts';

export type BulkType = 'int' | 'text' | 'bool' | 'json';
export type BulkColumn = readonly [name: string, type: BulkType];

const ROWS_PER_STATEMENT = 1000;
/** Characters of COPY text handed to the stream at once. */
const COPY_CHUNK = 1 << 16;

/** COPY's text format: backslash, tab, newline and carriage return are escaped. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : s;
}

function copyValue(type: BulkType, v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  switch (type) {
    case 'int':
      return String(v);
    case 'bool':
      return v ? 't' : 'f';
    case 'json':
      return copyText(JSON.stringify(v));
    default:
      return copyText(String(v));
  }
}

/** The INSERT … SELECT that unpacks one JSON array parameter (after the fixed columns' parameters). */
export function sqliteInsertSql(
  table: string,
  fixed: readonly string[],
  columns: readonly BulkColumn[],
): string {
  const names = [...fixed, ...columns.map(([n]) => n)].join(', ');
  const exprs = [...fixed.map(() => '?'), ...columns.map((_, i) => `json_extract(value, '$[${i}]')`)].join(
    ', ',
  );
  return `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM json_each(?)`;
}

async function copyRows(
  db: Knex,
  table: string,
  fixed: ReadonlyArray<readonly [string, number]>,
  columns: readonly BulkColumn[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  const names = [...fixed.map(([n]) => n), ...columns.map(([n]) => n)].join(', ');
  const prefix = fixed.map(([, v]) => `${v}\t`).join('');
  // Inside a transaction this is the transaction's connection (and releasing it is a no-op).
  const conn = (await db.client.acquireConnection()) as PgClient;
  try {
    const copy = conn.query(copyFrom(`COPY ${table} (${names}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      copy.on('finish', () => resolve());
      copy.on('error', reject);
    });
    done.catch(() => undefined);
    let text = '';
    for (const row of rows) {
      text += prefix;
      for (let i = 0; i < columns.length; i++) {
        text += copyValue(columns[i]![1], row[i]);
        text += i === columns.length - 1 ? '\n' : '\t';
      }
      if (text.length >= COPY_CHUNK) {
        if (!copy.write(text)) await Promise.race([new Promise((r) => copy.once('drain', r)), done]);
        text = '';
      }
    }
    copy.end(text);
    await done;
  } finally {
    await db.client.releaseConnection(conn);
  }
}

/**
 * Inserts rows (arrays in `columns` order; objects and arrays in json columns are stored as JSON text);
 * `fixed` columns have the same value in every row.
 */
export async function insertRows(
  db: Knex,
  table: string,
  fixed: ReadonlyArray<readonly [string, number]>,
  columns: readonly BulkColumn[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  if (engineOf(db) === 'postgres') return copyRows(db, table, fixed, columns, rows);
  const sql = sqliteInsertSql(
    table,
    fixed.map(([n]) => n),
    columns,
  );
  const params = fixed.map(([, v]) => v);
  const jsonAt = columns.flatMap(([, t], i) => (t === 'json' ? [i] : []));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => {
      if (jsonAt.length === 0) return row;
      const out = [...row];
      for (const j of jsonAt) if (out[j] !== null && out[j] !== undefined) out[j] = JSON.stringify(out[j]);
      return out;
    });
    await db.raw(sql, [...params, JSON.stringify(batch)]);
  }
}
