// `actimo-pipedrive stage` as an admin runs it: a child process on a real database, on both engines.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { run } from '../helpers/spawn.ts';
import { QUIRKS } from '../helpers/staging.ts';

const CLI = ['bin/actimo-pipedrive.js'];

describe.each(ENGINES)('actimo-pipedrive stage on %s', (engine) => {
  let t: TestDb;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDb(engine, { migrate: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-stage-'));
    mkdirSync(path.join(dir, 'export'));
    for (const f of ['users-semicolon-decimal-comma.csv', 'companies-with-a-company-without-users.csv']) {
      cpSync(path.join(QUIRKS, f), path.join(dir, 'export', f));
    }
    env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
  });
  afterAll(async () => {
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stages a folder into a new migration and prints its id, files and issues as JSON', async () => {
    const r = await run([...CLI, 'stage', path.join(dir, 'export'), '--json'], env, 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.migrationId).toBe(1);
    expect(out.files).toEqual([
      {
        name: 'export/companies-with-a-company-without-users.csv',
        kind: 'companies',
        rows: 3,
        encoding: 'utf-8',
        delimiter: ',',
        status: 'staged',
      },
      {
        name: 'export/users-semicolon-decimal-comma.csv',
        kind: 'users',
        rows: 2,
        encoding: 'utf-8',
        delimiter: ';',
        status: 'staged',
      },
    ]);
    expect(out.issues).toEqual([
      { entity: 'organization', code: 'company_without_users', severity: 'info', count: 1 },
    ]);
  });

  it('changes nothing when the same files are staged into the migration again', async () => {
    const r = await run(
      [...CLI, '--json', 'stage', path.join(dir, 'export'), '--migration', '1'],
      env,
      60_000,
    );
    const out = JSON.parse(r.stdout);
    expect(out.migrationId).toBe(1);
    expect(out.files.map((f: { alreadyStaged?: boolean }) => f.alreadyStaged)).toEqual([true, true]);
    expect(out.counts).toEqual({
      person: 2,
      organization: 3,
      membership: 2,
      metrics: 0,
      activity: 0,
      file: 0,
    });
  });

  it('prints a human summary without --json', async () => {
    const r = await run([...CLI, 'stage', path.join(QUIRKS, 'users-phone-formats.csv')], env, 60_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Migration 2\n  users-phone-formats.csv: users, 6 rows, utf-8, ","\nStaged 6 people, 0 companies, 0 links, 0 metric sets, 0 activities, 0 files.\n  1 × invalid_phone (person, warning)\n',
    );
  });

  it('exits 2 with the reason when every file fails', async () => {
    const r = await run([...CLI, 'stage', path.join(QUIRKS, 'users-header-only.csv'), '--json'], env, 60_000);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).files).toEqual([
      {
        name: 'users-header-only.csv',
        kind: 'unknown',
        rows: 0,
        encoding: null,
        delimiter: null,
        status: 'failed',
        error: {
          code: 'header_only',
          message: 'users-header-only.csv has a header row but no data rows: there is nothing to stage.',
        },
      },
    ]);
  });

  it('refuses a path that does not exist', async () => {
    const r = await run([...CLI, 'stage', path.join(dir, 'nope.csv')], env, 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${path.join(dir, 'nope.csv')} does not exist.\n`);
  });
});
