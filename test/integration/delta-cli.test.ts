// `actimo-pipedrive delta` as an admin runs it, in a child process on the migration's database against the
// sandbox (local mode with an API token): without --yes it stages the newer export and prints the preview,
// writing nothing to Pipedrive; with --yes it runs the delta and prints the completed run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { run } from '../helpers/spawn.ts';

describe.each(ENGINES)('actimo-pipedrive delta on %s', (engine) => {
  let h: MigrationHarness;
  let env: Record<string, string>;
  let newerDir: string;
  let first: string[];
  const cli = (...args: string[]) => run(['bin/actimo-pipedrive.js', 'delta', ...args], env, 90_000);

  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 8, seed: 7 });
    const r = await h.service.startFull(1, h.migrationId);
    expect(await h.engine().execute(1, r.id)).toBe('completed');
    await h.app.services.delta.goLive(1, h.migrationId);
    const text = readFileSync(path.join(h.app.config.dataDir, 'export', 'users.csv'), 'utf8').trimEnd();
    const [header, ...rows] = text.split(/\r?\n/);
    const cells = rows.map((l) => l.split(','));
    first = cells[0]!;
    cells[0] = [...first.slice(0, 5), 'Chief Delta Officer', ...first.slice(6)];
    newerDir = path.join(h.app.config.dataDir, 'newer');
    mkdirSync(newerDir);
    writeFileSync(
      path.join(newerDir, 'users.csv'),
      `${header}\r\n${cells.map((c) => c.join(',')).join('\r\n')}\r\n`,
    );
    env = {
      DATABASE_URL: h.app.testDb.url,
      DATA_DIR: h.app.config.dataDir,
      PIPEDRIVE_API_URL: h.sb.url,
      PIPEDRIVE_API_TOKEN: h.sb.apiToken,
    };
  }, 120_000);
  afterAll(async () => h?.close());

  const sandboxTitle = async () => {
    const rec = await h.app.testDb
      .db('migration_records')
      .where({ migration_id: h.migrationId, entity: 'person', actimo_key: first[0] })
      .first();
    return h.sb.sandbox.state(h.sb.companyId).persons.records.find((p) => p.id === Number(rec.pipedrive_id))
      ?.job_title;
  };

  it('prints the preview and writes nothing without --yes', async () => {
    const before = await sandboxTitle();
    const r = await cli(String(h.migrationId), newerDir, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.run).toBeNull();
    expect(out.preview.counts).toEqual({
      created: 0,
      updated: 1,
      heldBack: 0,
      gone: 0,
      deletedInPipedrive: 0,
    });
    expect(out.preview.persons.updated[0].fields).toEqual([
      { key: 'job_title', target: 'jobTitle', from: first[5], to: 'Chief Delta Officer' },
    ]);
    expect(await sandboxTitle()).toBe(before);
  }, 120_000);

  it('runs the delta with --yes and prints the completed run', async () => {
    const r = await cli(String(h.migrationId), newerDir, '--yes', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.run.kind, out.run.status, out.run.writes]).toEqual(['delta', 'completed', 1]);
    expect(await sandboxTitle()).toBe('Chief Delta Officer');
  }, 120_000);

  it('refuses a migration that is not live', async () => {
    const r = await cli('999', newerDir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('migration_not_found');
  }, 120_000);
});
