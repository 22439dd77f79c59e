// `actimo-pipedrive plan` as an admin runs it: child processes on a real database, on both engines. Each
// command is a fresh process, so whatever a later one sees of an earlier one's map came from the database.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { run } from '../helpers/spawn.ts';

const CLI = ['bin/actimo-pipedrive.js'];

interface Column {
  header: string;
  field: string | null;
  reason: string;
  origin: string;
  confidence: number;
}

describe.each(ENGINES)('actimo-pipedrive plan on %s', (engine) => {
  let t: TestDb;
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => run([...CLI, ...args], env, 90_000);
  const planJson = async (...args: string[]) => {
    const r = await cli('plan', ...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as {
      version: number;
      note: string;
      files: Array<{ name: string; kind: string; columns: Column[] }>;
      destinations: Array<{ field: string; destination: { name?: string } }>;
      blockers: unknown[];
    };
  };
  const column = (m: Awaited<ReturnType<typeof planJson>>, file: string, header: string) =>
    m.files.find((f) => f.name === file)!.columns.find((c) => c.header === header)!;

  beforeAll(async () => {
    t = await createTestDb(engine, { migrate: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-plan-'));
    await generateExportSet({
      dir: path.join(dir, 'export'),
      users: 100,
      language: 'en',
      shuffle: true,
      seed: 2,
    });
    await generateExportSet({
      dir: path.join(dir, 'later'),
      users: 100,
      language: 'en',
      shuffle: true,
      seed: 3,
    });
    mkdirSync(path.join(dir, 'delta'));
    copyFileSync(path.join(dir, 'later', 'users.csv'), path.join(dir, 'delta', 'users-december.csv'));
    env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
    const staged = await cli('stage', path.join(dir, 'export'), '--json');
    expect(staged.code).toBe(0);
  });
  afterAll(async () => {
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the proposed map with confidences and reasons as JSON', async () => {
    const m = await planJson('1');
    expect(m.version).toBe(1);
    expect(m.blockers).toEqual([]);
    expect(m.files).toHaveLength(9);
    expect(column(m, 'export/users.csv', 'Department')).toMatchObject({
      field: 'department',
      confidence: 0.95,
      origin: 'proposal',
      reason:
        'header "Department" is a usual name for department; all 101 rows have a value, read as lists separated by ";"',
    });
    expect((await planJson('1')).version).toBe(1);
  });

  it('prints it for people too', async () => {
    const r = await cli('plan', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('export/users.csv (users)');
    expect(r.stdout).toMatch(
      / {2}Department +95% {2}department → Department → Person · our custom field "Department" \(text\)\n/,
    );
    expect(r.stdout).toContain('why: header "Department" is a usual name for department');
    expect(r.stdout).toContain('Nothing blocks confirmation.');
  });

  it('applies a mapping file, and the next upload with the same headers is mapped the same way', async () => {
    const file = path.join(dir, 'mapping.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'actimo-pipedrive/mapping-profile',
        formatVersion: 1,
        name: 'Our Actimo export',
        files: [
          {
            kind: 'users',
            headers: [
              'User ID',
              'First name',
              'Last name',
              'Email',
              'Mobile',
              'Job title',
              'Department',
              'Company ID',
              'Created',
            ],
            columns: [{ header: 'Job title', field: null, parse: { type: 'text' } }],
          },
        ],
        destinations: [
          {
            entity: 'person',
            field: 'department',
            destination: { kind: 'custom', logicalName: 'department__c', name: 'Team', type: 'varchar' },
          },
        ],
      }),
    );
    const m = await planJson('1', '--mapping', file);
    expect(m.version).toBe(2);
    expect(m.note).toBe(`mapping file ${file} applied to 1 file`);
    expect(column(m, 'export/users.csv', 'Job title')).toMatchObject({
      field: null,
      origin: 'profile',
      reason: 'ignored as in profile "Our Actimo export"',
    });
    expect(m.destinations.find((d) => d.field === 'department')?.destination.name).toBe('Team');

    expect((await cli('stage', path.join(dir, 'delta'), '--migration', '1', '--json')).code).toBe(0);
    const next = await planJson('1');
    expect(next.version).toBe(3);
    expect(column(next, 'delta/users-december.csv', 'Job title')).toMatchObject({
      field: null,
      reason: 'ignored as in "export/users.csv" of this migration',
    });
  });

  it('says what is wrong with a bad migration id or mapping file, with the exit code scripts expect', async () => {
    const missing = await cli('plan', '999', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toEqual({
      code: 'migration_not_found',
      message: 'Migration 999 does not exist.',
    });
    expect((await cli('plan', 'abc')).code).toBe(2);
    const noFile = await cli('plan', '1', '--mapping', path.join(dir, 'nope.json'), '--json');
    expect(noFile.code).toBe(2);
    expect(JSON.parse(noFile.stdout).error.code).toBe('file_not_found');
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ format: 'csv' }));
    const bad = await cli('plan', '1', '--mapping', path.join(dir, 'bad.json'), '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('invalid_profile');
  });
});
