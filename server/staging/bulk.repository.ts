// Bulk inserts with one bound parameter per batch: the rows travel as one JSON array and the database
// unpacks it (json_each on SQLite, json_array_elements on PostgreSQL). Binding thousands of separate
// parameters costs more in the drivers than the insert itself; one JSON text costs almost nothing.
import { engineOf, type Knex } from '../db.ts';

export type BulkType = 'int' | 'text' | 'bool' | 'json';
export type BulkColumn = readonly [name: string, type: BulkType];

const ROWS_PER_STATEMENT = 1000;

function expression(type: BulkType, i: number, pg: boolean): string {
  if (!pg) return `json_extract(value, '$[${i}]')`;
  switch (type) {
    case 'int':
      return `(value->>${i})::bigint`;
    case 'bool':
      return `(value->>${i})::boolean`;
    default:
      // ->> of an object or array element is its JSON text.
      return `value->>${i}`;
  }
}

/** The INSERT … SELECT that unpacks one JSON array parameter into rows of `table`. */
export function jsonInsertSql(pg: boolean, table: string, columns: readonly BulkColumn[]): string {
  const names = columns.map(([n]) => n).join(', ');
  const exprs = columns.map(([, t], i) => expression(t, i, pg)).join(', ');
  const source = pg ? 'json_array_elements(?::json)' : 'json_each(?)';
  return `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM ${source}`;
}

/** Inserts rows (arrays in `columns` order; objects and arrays in json columns are stored as JSON text). */
export async function insertJsonRows(
  db: Knex,
  table: string,
  columns: readonly BulkColumn[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const sql = jsonInsertSql(engineOf(db) === 'postgres', table, columns);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db.raw(sql, [JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT))]);
  }
}
