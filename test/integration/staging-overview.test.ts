// The totals the panel's migrations list and upload screen show, over real HTTP on both engines: files,
// staged records and issues per migration, and the issues found in each file's rows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingSettings } from '../../server/app.ts';
import { StagingService } from '../../server/staging/staging.service.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { QUIRKS } from '../helpers/staging.ts';

const fixture = (name: string) => readFileSync(path.join(QUIRKS, name));

describe.each(ENGINES)('migration and file totals on %s', (engine) => {
  let app: TestApp;
  let dataDir: string;
  let staged: number;
  let empty: number;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-overview-'));
    app = await startTestApp(engine, { env: { DATA_DIR: dataDir } });
    staged = (await app.http.post('/api/migrations').send({ name: 'With files' }).expect(201)).body.id;
    empty = (await app.http.post('/api/migrations').send({ name: 'Empty' }).expect(201)).body.id;
    await app.http
      .post(`/api/migrations/${staged}/files`)
      .attach('file', fixture('users-phone-formats.csv'), 'users-phone-formats.csv')
      .attach(
        'file',
        fixture('users-in-two-companies-and-unknown-company.csv'),
        'users-in-two-companies-and-unknown-company.csv',
      )
      .attach('file', fixture('companies-with-a-company-without-users.csv'), 'companies.csv')
      .attach('file', Buffer.from('%PDF-1.4 contract'), 'contract.pdf')
      .expect(201);
    // A file that fails after its bytes are known is recorded as failed.
    await app.http
      .post(`/api/migrations/${staged}/files`)
      .attach('file', fixture('users-header-only.csv'), 'users-header-only.csv')
      .expect(400);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every migration with its file, staged-record and issue totals, newest first', async () => {
    const res = await app.http.get('/api/migrations').expect(200);
    expect(
      res.body.migrations.map((m: Record<string, unknown>) => [
        m.id,
        m.name,
        m.status,
        m.fileCounts,
        m.stagedCounts,
        m.issueCounts,
      ]),
    ).toEqual([
      [
        empty,
        'Empty',
        'draft',
        { total: 0, staged: 0, kept: 0, failed: 0 },
        { person: 0, organization: 0, membership: 0, metrics: 0, activity: 0, file: 0 },
        { error: 0, warning: 0, info: 0 },
      ],
      [
        staged,
        'With files',
        'staged',
        { total: 5, staged: 3, kept: 1, failed: 1 },
        { person: 9, organization: 3, membership: 4, metrics: 0, activity: 0, file: 0 },
        { error: 1, warning: 1, info: 2 },
      ],
    ]);
    expect(typeof res.body.migrations[0].createdAt).toBe('string');
  });

  it('gives each file the issues found in its rows, and none to files whose rows have none', async () => {
    const res = await app.http.get(`/api/migrations/${staged}/files`).expect(200);
    expect(
      res.body.files.map((f: { name: string; status: string; issues: unknown[] }) => [
        f.name,
        f.status,
        f.issues,
      ]),
    ).toEqual([
      [
        'users-phone-formats.csv',
        'staged',
        [{ entity: 'person', code: 'invalid_phone', severity: 'warning', count: 1 }],
      ],
      [
        'users-in-two-companies-and-unknown-company.csv',
        'staged',
        [{ entity: 'person', code: 'company_not_found', severity: 'error', count: 1 }],
      ],
      ['companies.csv', 'staged', []],
      ['contract.pdf', 'kept', []],
      ['users-header-only.csv', 'failed', []],
    ]);
  });

  it("counts one company's files and records only in its own totals", async () => {
    await upsertCompany(app.testDb.db, { id: 2, name: 'Other', mode: 'marketplace' });
    const service = new StagingService(app.testDb.db, stagingSettings(app.config));
    const theirs = await service.createMigration(2, 'Theirs');
    await service.stage(2, theirs.id, [
      { name: 'users.csv', path: path.join(QUIRKS, 'users-duplicate-ids.csv') },
    ]);
    const [overview] = await service.overviews(2);
    expect([overview?.id, overview?.fileCounts, overview?.stagedCounts.person]).toEqual([
      theirs.id,
      { total: 1, staged: 1, kept: 0, failed: 0 },
      2,
    ]);
    const mine = await app.http.get('/api/migrations').expect(200);
    expect(mine.body.migrations.map((m: { id: number }) => m.id)).toEqual([empty, staged]);
    expect(mine.body.migrations[1].stagedCounts.person).toBe(9);
  });
});
