// The hot path of staging: writing millions of raw rows. Each file's rows go into one transaction on a
// connection of their own, through each driver's fastest path: COPY FROM STDIN on PostgreSQL
// (pg-copy-streams), one INSERT … SELECT FROM json_each per batch on SQLite. See docs/decisions/0010-staging-row-store.md.
import type { Writable } from 'node:stream';
import type { Client as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database as SqliteDb } from 'sqlite3';
import { engineOf, type Knex } from '../db.ts';
import { copyText } from './bulk.repository.ts';

export interface RowSink {
  /** Consecutive rows numbered from `firstRow`; resolves when the driver can take more (backpressure). */
  write(firstRow: number, rows: ReadonlyArray<readonly string[]>): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function openRowSink(db: Knex, companyId: number, fileId: number): Promise<RowSink> {
  return engineOf(db) === 'postgres'
    ? openPgSink(db, companyId, fileId)
    : openSqliteSink(db, companyId, fileId);
}

async function openSqliteSink(db: Knex, companyId: number, fileId: number): Promise<RowSink> {
  const conn = (await db.client.acquireConnection()) as SqliteDb;
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((res, rej) => conn.run(sql, params, (err: Error | null) => (err ? rej(err) : res())));
  // The batch travels as one JSON parameter (an array of cell arrays) and SQLite unpacks it: binding
  // parameters per row costs more in the driver than the insert itself. Rows are consecutive, so the
  // row number is the first one plus the element's index.
  const insert = `INSERT INTO source_rows (file_id, row_number, company_id, cells)
    SELECT ?, ? + key, ?, value FROM json_each(?)`;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await db.client.releaseConnection(conn);
  };
  await run('BEGIN');
  return {
    async write(firstRow, rows) {
      await run(insert, [fileId, firstRow, companyId, JSON.stringify(rows)]);
    },
    async commit() {
      try {
        await run('COMMIT');
      } finally {
        await release();
      }
    },
    async rollback() {
      try {
        await run('ROLLBACK');
      } finally {
        await release();
      }
    },
  };
}

async function openPgSink(db: Knex, companyId: number, fileId: number): Promise<RowSink> {
  const conn = (await db.client.acquireConnection()) as PgClient;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await db.client.releaseConnection(conn);
  };
  let copy: Writable | undefined;
  let failure: Error | undefined;
  let finished: Promise<void> | undefined;
  try {
    await conn.query('BEGIN');
    copy = conn.query(copyFrom('COPY source_rows (file_id, row_number, company_id, cells) FROM STDIN'));
    const stream = copy;
    finished = new Promise<void>((res, rej) => {
      stream.on('finish', () => res());
      stream.on('error', (err: Error) => {
        failure = err;
        rej(err);
      });
    });
    finished.catch(() => undefined);
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    await release();
    throw err;
  }
  const prefix = `${fileId}\t`;
  const suffix = `\t${companyId}\t`;
  return {
    async write(firstRow, rows) {
      if (failure) throw failure;
      let text = '';
      for (let i = 0; i < rows.length; i++) {
        text += `${prefix}${firstRow + i}${suffix}${copyText(JSON.stringify(rows[i]))}\n`;
      }
      if (!copy!.write(text)) {
        await new Promise<void>((res, rej) => {
          const onDrain = () => {
            copy!.off('error', onError);
            res();
          };
          const onError = (err: Error) => {
            copy!.off('drain', onDrain);
            rej(err);
          };
          copy!.once('drain', onDrain);
          copy!.once('error', onError);
        });
      }
    },
    async commit() {
      try {
        copy!.end();
        await finished;
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        await release();
      }
    },
    async rollback() {
      try {
        if (!failure) {
          // Aborting the COPY makes the server discard it; the error that follows is expected.
          copy!.destroy(new Error('staging aborted'));
          await finished!.catch(() => undefined);
        }
        await conn.query('ROLLBACK').catch(() => undefined);
      } finally {
        await release();
      }
    },
  };
}

/**
 * A file's rows in row order, `pageSize` at a time; the next page is already being read while the caller
 * works on this one. On PostgreSQL this is one query through a cursor (inside the caller's transaction):
 * keyset pages there were planned from a freshly COPYed table without statistics, as a bitmap scan of
 * every remaining row plus a sort per page, which is quadratic in the file's size. On SQLite keyset pages
 * are primary-key range scans.
 */
export async function* readRows(
  db: Knex,
  companyId: number,
  fileId: number,
  pageSize: number,
): AsyncGenerator<Array<{ row: number; cells: string[] }>> {
  if (engineOf(db) === 'postgres' && db.isTransaction) {
    const cursor = `source_rows_${fileId}`;
    await db.raw(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT row_number, cells FROM source_rows
        WHERE file_id = ? AND company_id = ? ORDER BY row_number`,
      [fileId, companyId],
    );
    try {
      const fetch = async () => {
        const res: { rows: RawRow[] } = await db.raw(`FETCH ${pageSize} FROM ${cursor}`);
        return res.rows.map(toRow);
      };
      let next = fetch();
      for (;;) {
        const page = await next;
        if (page.length === 0) break;
        next = fetch();
        next.catch(() => undefined);
        yield page;
      }
    } finally {
      // After a failed statement the transaction is aborted and CLOSE fails too; that error is not news.
      await db.raw(`CLOSE ${cursor}`).catch(() => undefined);
    }
    return;
  }
  let next = readRowsPage(db, companyId, fileId, 0, pageSize);
  for (;;) {
    const page = await next;
    if (page.length === 0) return;
    next = readRowsPage(db, companyId, fileId, page[page.length - 1]!.row, pageSize);
    next.catch(() => undefined);
    yield page;
  }
}

interface RawRow {
  row_number: number | string;
  cells: string;
}

function toRow(r: RawRow): { row: number; cells: string[] } {
  return { row: Number(r.row_number), cells: JSON.parse(r.cells) as string[] };
}

/** One page of a file's rows in row order (keyset paging, so every page is an index range scan). */
export async function readRowsPage(
  db: Knex,
  companyId: number,
  fileId: number,
  afterRow: number,
  limit: number,
): Promise<Array<{ row: number; cells: string[] }>> {
  const rows: RawRow[] = await db('source_rows')
    .select('row_number', 'cells')
    .where({ file_id: fileId, company_id: companyId })
    .andWhere('row_number', '>', afterRow)
    .orderBy('row_number')
    .limit(limit);
  return rows.map(toRow);
}

export async function deleteRowsOfFile(db: Knex, companyId: number, fileId: number): Promise<void> {
  await db('source_rows').where({ file_id: fileId, company_id: companyId }).delete();
}
