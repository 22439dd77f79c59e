// A fresh, private database per test suite on either engine: a temp SQLite file, or a new
// PostgreSQL schema (TEST_DATABASE_URL or the local server's `test` database), dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DbConfig } from '../../server/config.ts';
import { type Engine, type Knex, migrateLatest, openDb } from '../../server/db.ts';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  engine: Engine;
  db: Knex;
  config: DbConfig;
  /** DATABASE_URL that opens the same database (for child processes). */
  url: string;
  destroy(): Promise<void>;
}

export async function createTestDb(engine: Engine, options: { migrate?: boolean } = {}): Promise<TestDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'actimo-test-'));
    const filename = path.join(dir, 'test.sqlite');
    const config: DbConfig = { client: 'sqlite3', filename };
    const db = await openDb(config);
    if (options.migrate !== false) await migrateLatest(db);
    return {
      engine,
      db,
      config,
      url: `sqlite:${filename}`,
      destroy: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const config: DbConfig = { client: 'pg', connectionString: TEST_PG_URL, schema };
  let db: Knex;
  try {
    db = await openDb(config);
  } catch (err) {
    throw new Error(
      `PostgreSQL is needed for the postgres suites and is not reachable at ${TEST_PG_URL.replace(/:[^:@/]*@/, ':***@')} ` +
        `(start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${String(err)}`,
    );
  }
  if (options.migrate !== false) await migrateLatest(db);
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('schema', schema);
  return {
    engine,
    db,
    config,
    url: url.toString(),
    destroy: async () => {
      await dropSchema(db, schema);
      await db.destroy();
    },
  };
}

/**
 * Drops a test schema. A worker stopped without draining may still hold locks in it for a moment, and
 * PostgreSQL may then pick the DROP as a deadlock victim (40P01); it is tried again after a short wait.
 */
async function dropSchema(db: Knex, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      return;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== '40P01' || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
