// Knex on SQLite (default, one file) or PostgreSQL (many app servers). The same migrations run on
// both; the helpers at the bottom smooth over the few places where the two drivers return different
// JavaScript values for the same column type.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knex, { type Knex } from 'knex';
import type { DbConfig } from './config.ts';

export type { Knex };

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export type Engine = 'sqlite' | 'postgres';

export function engineOf(db: Knex): Engine {
  return db.client.config.client === 'pg' ? 'postgres' : 'sqlite';
}

/**
 * Lists `migrations/*.ts` by timestamp. The import happens here rather than inside Knex so that it goes
 * through whatever runs our TypeScript (tsx at run time, Vitest in tests).
 */
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string = MIGRATIONS_DIR) {}
  async getMigrations(): Promise<string[]> {
    return readdirSync(this.dir)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
      .sort();
  }
  getMigrationName(migration: string): string {
    return migration;
  }
  async getMigration(migration: string): Promise<Knex.Migration> {
    return (await import(pathToFileURL(path.join(this.dir, migration)).href)) as Knex.Migration;
  }
}

function migrationsConfig(schema?: string): Knex.MigratorConfig {
  return {
    migrationSource: new DirectoryMigrationSource(),
    tableName: 'knex_migrations',
    ...(schema ? { schemaName: schema } : {}),
  };
}

export function knexConfig(cfg: DbConfig): Knex.Config {
  if (cfg.client === 'sqlite3') {
    return {
      client: 'sqlite3',
      connection: { filename: cfg.filename },
      useNullAsDefault: true,
      // One connection: SQLite serialises writers anyway, and a single connection never sees SQLITE_BUSY.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
          conn.exec(
            'PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;',
            (err) => done(err, conn),
          );
        },
      },
      migrations: migrationsConfig(),
    };
  }
  return {
    client: 'pg',
    connection: { connectionString: cfg.connectionString },
    ...(cfg.schema ? { searchPath: [cfg.schema] } : {}),
    pool: { min: 0, max: 10 },
    migrations: migrationsConfig(cfg.schema),
  };
}

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/** Opens the database (creating the SQLite file's folder, and the PostgreSQL schema, when missing). */
export async function openDb(cfg: DbConfig): Promise<Knex> {
  if (cfg.client === 'sqlite3') mkdirSync(path.dirname(cfg.filename), { recursive: true });
  const db = knex(knexConfig(cfg));
  if (cfg.client === 'pg' && cfg.schema) {
    await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [cfg.schema]);
  }
  return db;
}

export async function migrateLatest(db: Knex): Promise<{ batch: number; applied: string[] }> {
  const [batch, applied] = (await db.migrate.latest()) as [number, string[]];
  return { batch, applied };
}

export async function migrateRollback(db: Knex, all = false): Promise<{ batch: number; reverted: string[] }> {
  const [batch, reverted] = (await db.migrate.rollback(undefined, all)) as [number, string[]];
  return { batch, reverted };
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export async function migrationStatus(db: Knex): Promise<MigrationStatus> {
  const [done, pending] = (await db.migrate.list()) as [Array<{ name: string }>, Array<{ file: string }>];
  return { applied: done.map((m) => m.name), pending: pending.map((m) => m.file) };
}

// ---- value helpers: the two drivers disagree on timestamps, booleans and JSON ----

/** A timestamp column value (Date from pg, number or string from sqlite) as an ISO-8601 UTC string. */
export function readTimestamp(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return new Date(v).toISOString();
  if (typeof v === 'string') {
    // SQLite's CURRENT_TIMESTAMP is "YYYY-MM-DD HH:MM:SS" in UTC, without a zone.
    const s = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new Error(`unreadable timestamp from the database: ${v}`);
    return d.toISOString();
  }
  throw new Error(`unreadable timestamp from the database: ${typeof v}`);
}

export function readBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}

export function readJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** JSON for a json column: pg accepts objects, sqlite stores text; a string works on both. */
export function writeJson(v: unknown): string {
  return JSON.stringify(v);
}

/** Numeric ids come back as strings from pg for bigint columns. */
export function readId(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new Error(`unreadable id from the database: ${String(v)}`);
  return n;
}

/** How a column of `updateMany` is cast (every value is bound with a cast so both drivers type it alike). */
export type SqlType = 'bigint' | 'integer' | 'text' | 'boolean';

/**
 * One UPDATE for many rows, each with its own values, matched on key columns:
 * `WITH v(k, c…) AS (VALUES …) UPDATE t SET c = v.c … FROM v WHERE t.k = v.k AND <where>`
 * (SQLite ≥ 3.33 and PostgreSQL). `set` holds values shared by every row (e.g. `updated_at`).
 */
export async function updateMany(
  db: Knex,
  table: string,
  o: {
    where: Record<string, unknown>;
    key: readonly string[];
    columns: Readonly<Record<string, SqlType>>;
    rows: ReadonlyArray<Record<string, unknown>>;
    set?: Record<string, unknown>;
    /** Rows per statement. */
    chunk?: number;
  },
): Promise<void> {
  const cols = Object.keys(o.columns);
  const changed = cols.filter((c) => !o.key.includes(c));
  if (o.rows.length === 0 || changed.length + Object.keys(o.set ?? {}).length === 0) return;
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const tuple = `(${cols.map((c) => `CAST(? AS ${o.columns[c]})`).join(', ')})`;
  const set = [
    ...changed.map((c) => `${q(c)} = v.${q(c)}`),
    ...Object.keys(o.set ?? {}).map((c) => `${q(c)} = ?`),
  ].join(', ');
  const where = [
    ...o.key.map((k) => `${q(table)}.${q(k)} = v.${q(k)}`),
    ...Object.keys(o.where).map((c) => `${q(table)}.${q(c)} = ?`),
  ].join(' AND ');
  const size = o.chunk ?? Math.max(1, Math.floor(5000 / cols.length));
  for (let i = 0; i < o.rows.length; i += size) {
    const batch = o.rows.slice(i, i + size);
    const bindings: unknown[] = [];
    for (const r of batch) for (const c of cols) bindings.push(r[c] ?? null);
    bindings.push(...Object.values(o.set ?? {}), ...Object.values(o.where));
    await db.raw(
      `WITH v(${cols.map(q).join(', ')}) AS (VALUES ${batch.map(() => tuple).join(', ')}) ` +
        `UPDATE ${q(table)} SET ${set} FROM v WHERE ${where}`,
      bindings as Knex.RawBinding[],
    );
  }
}
