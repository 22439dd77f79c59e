// `actimo-pipedrive report` as an admin runs it: child processes on a real database, on both engines.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { run } from '../helpers/spawn.ts';

const CLI = ['bin/actimo-pipedrive.js'];

describe.each(ENGINES)('actimo-pipedrive report on %s', (engine) => {
  let t: TestDb;
  let dir: string;
  let env: Record<string, string>;
  let migrationId: number;
  const cli = (...args: string[]) => run([...CLI, ...args], env, 90_000);

  beforeAll(async () => {
    t = await createTestDb(engine, { migrate: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-report-'));
    await generateExportSet({ dir: path.join(dir, 'export'), users: 50, seed: 2, documents: true });
    env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
    expect((await cli('db', 'migrate')).code).toBe(0);
    const staged = await cli('stage', path.join(dir, 'export'), '--json');
    expect(staged.code).toBe(0);
    migrationId = JSON.parse(staged.stdout).migrationId;
  });
  afterAll(async () => {
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the report as JSON, with the staging figures and no run yet', async () => {
    const r = await cli('report', String(migrationId), '--format', 'json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const report = JSON.parse(r.stdout);
    expect(report.objects.find((o: { entity: string }) => o.entity === 'person')).toMatchObject({
      sourceRows: 50,
      mergedRows: 0,
      staged: 50,
      states: null,
    });
    expect(report.runs).toEqual([]);
  });

  it('writes the HTML report into --out and prints its path', async () => {
    const out = path.join(dir, 'out');
    const r = await cli('report', String(migrationId), '--out', out, '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const file = path.join(out, `reconciliation-migration-${migrationId}.html`);
    expect(JSON.parse(r.stdout)).toEqual({ files: [file] });
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('No run yet');
  });

  it('refuses the skip files before a run, and a format it does not know', async () => {
    const csv = await cli('report', String(migrationId), '--format', 'csv', '--out', path.join(dir, 'csv'));
    expect([csv.code, csv.stderr.trim()]).toEqual([
      1,
      `error: Migration ${migrationId} has not run yet: no row was skipped.`,
    ]);
    const bad = await cli('report', String(migrationId), '--format', 'pdf');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'error: --format must be html, json or csv, not "pdf".',
    ]);
  });
});
