// `actimo-pipedrive rollback` as an admin runs it: a child process on the migration's database, writing to
// the sandbox. --dry-run writes nothing; without --yes and without a terminal it refuses; --yes rolls back.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { live, migrateAll } from '../helpers/rollback.ts';
import { run } from '../helpers/spawn.ts';

const CLI = ['bin/actimo-pipedrive.js'];

describe('actimo-pipedrive rollback', () => {
  let h: MigrationHarness;
  let env: Record<string, string>;
  const cli = (...args: string[]) => run([...CLI, ...args], env, 90_000);
  beforeAll(async () => {
    h = await migrationHarness('sqlite', { users: 6, seed: 5 });
    env = {
      DATABASE_URL: h.app.testDb.url,
      DATA_DIR: path.join(h.app.config.dataDir),
      PIPEDRIVE_API_URL: h.sb.url,
      PIPEDRIVE_API_TOKEN: h.sb.apiToken,
    };
  }, 180_000);
  afterAll(async () => h?.close());

  it('shows the plan, refuses without --yes, and rolls back with it', async () => {
    await migrateAll(h);
    const db = h.app.testDb.db;
    const records = (await listRecords(db, 1, h.migrationId)).filter((r) => r.pipedriveId !== null);
    const counts = (e: string) => records.filter((r) => r.entity === e).length;

    const dry = await cli('rollback', String(h.migrationId), '--dry-run', '--json');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).summary).toEqual({
      activity: { delete: counts('activity') },
      note: { delete: counts('note') },
      person: { delete: counts('person') },
      organization: { delete: counts('organization') },
    });
    const text = await cli('rollback', String(h.migrationId), '--dry-run');
    expect(text.stdout).toContain(`Persons        delete ${counts('person')}`);

    const refused = await cli('rollback', String(h.migrationId));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Nothing was written: pass --yes');
    expect(live(h).persons.size).toBe(counts('person'));

    const done = await cli('rollback', String(h.migrationId), '--yes', '--json');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const out = JSON.parse(done.stdout);
    expect(out.run).toMatchObject({ kind: 'rollback', status: 'completed', startedBy: 'cli' });
    expect(out.run.writes).toBe(records.length);
    const after = live(h);
    expect(after.persons.size + after.organizations.size + after.notes.size).toBe(0);

    const again = await cli('rollback', String(h.migrationId), '--yes', '--json');
    expect(JSON.parse(again.stdout).run.writes).toBe(0);
  }, 180_000);
});
