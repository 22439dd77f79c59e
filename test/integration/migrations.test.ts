import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Knex, migrateLatest, migrateRollback, migrationStatus } from '../../server/db.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';

async function tables(db: Knex, engine: string): Promise<string[]> {
  if (engine === 'sqlite') {
    const rows: Array<{ name: string }> = await db.raw(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    );
    return rows.map((r) => r.name);
  }
  const res: { rows: Array<{ table_name: string }> } = await db.raw(
    'select table_name from information_schema.tables where table_schema = current_schema() order by table_name',
  );
  return res.rows.map((r) => r.table_name);
}

describe.each(ENGINES)('migrations on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine, { migrate: false });
  });
  afterAll(async () => t.destroy());

  it('migrates up, down to nothing, and up again', async () => {
    const up = await migrateLatest(t.db);
    expect(up.applied.length).toBeGreaterThan(0);
    expect(await tables(t.db, engine)).toContain('companies');
    expect((await migrationStatus(t.db)).pending).toEqual([]);

    await migrateRollback(t.db, true);
    expect(await tables(t.db, engine)).toEqual(['knex_migrations', 'knex_migrations_lock']);

    const again = await migrateLatest(t.db);
    expect(again.applied).toEqual(up.applied);
  });

  it('steps each migration down and up one at a time', async () => {
    const { applied } = await migrationStatus(t.db);
    for (let i = applied.length - 1; i >= 0; i--) {
      await t.db.migrate.down();
      expect((await migrationStatus(t.db)).applied).toEqual(applied.slice(0, i));
    }
    for (let i = 0; i < applied.length; i++) {
      await t.db.migrate.up();
      expect((await migrationStatus(t.db)).applied).toEqual(applied.slice(0, i + 1));
    }
  });
});
