// The reconciliation report on both engines, over a generated export set: the staging half adds up
// (every source row merged or staged, asserted by the invariant), coverage and the source's engagement
// distribution come from the staged data, the engine sections say "no run yet"; and the skip files,
// given the engine's facts, hold the original rows under the original header with their reason codes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMapping } from '../../server/mapping/index.ts';
import { ArtifactsService } from '../../server/report/artifacts.service.ts';
import { neutralise } from '../../server/report/csv.ts';
import { checkInvariant, type EngineFacts, type ReconciliationReport } from '../../server/report/model.ts';
import {
  type EngineFactsSource,
  ReportService,
  type SkippedRecord,
} from '../../server/report/report.service.ts';
import { LOCAL_COMPANY } from '../../server/tenants/tenant-context.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

describe.each(ENGINES)('reconciliation report on %s', (engine) => {
  let app: TestApp;
  let dir: string;
  let migrationId: number;
  let usersCsv: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'report-'));
    app = await startTestApp(engine, { env: { DATA_DIR: path.join(dir, 'data') } });
    const set = await generateExportSet({ dir: path.join(dir, 'set'), users: 300, seed: 8, documents: true });
    usersCsv = set.files.find((f) => f.endsWith('users.csv'))!;
    migrationId = (await app.http.post('/api/migrations').send({ name: 'Report' }).expect(201)).body.id;
    let req = app.http.post(`/api/migrations/${migrationId}/files`);
    for (const f of set.files) req = req.attach('file', f);
    await req.expect(201);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const service = (source?: EngineFactsSource) => {
    const mapping = buildMapping({
      db: app.testDb.db,
      dataDir: app.config.dataDir,
      pipedrive: app.services.pipedrive,
    });
    return new ReportService({
      db: app.testDb.db,
      clock: app.services.clock,
      maps: mapping.maps,
      artifacts: new ArtifactsService(app.testDb.db, app.services.clock),
      ...(source ? { engine: source } : {}),
    });
  };

  it('counts source rows, merged duplicates and staged records per object, and they add up', async () => {
    const r: ReconciliationReport = (await app.http.get(`/api/migrations/${migrationId}/report`).expect(200))
      .body;
    expect(r.objects.map((o) => [o.entity, o.sourceRows, o.mergedRows, o.staged, o.states])).toEqual([
      ['organization', 3, 0, 3, null],
      // 300 users and 3 repeated rows of existing ids (newest wins).
      ['person', 303, 3, 300, null],
      // One note per person with secondary companies: every 10th user lists two companies (30), and user
      // 100011's listed company (99999) is secondary to the primary one the memberships export names.
      ['note', null, null, 31, null],
      // The proposed map sends no column to a note.
      ['mapped_note', 0, 0, 0, null],
      ['file', 1, 0, 1, null],
      ['activity', 15, 0, 15, null],
    ]);
    expect(checkInvariant(r)).toEqual([]);
    expect([r.runs, r.totals, r.owners, r.mismatches, r.engagement.migrated]).toEqual([
      [],
      null,
      null,
      null,
      null,
    ]);
  });

  it('measures each column’s % populated against its rows, with its destination', async () => {
    const r: ReconciliationReport = (await app.http.get(`/api/migrations/${migrationId}/report`).expect(200))
      .body;
    const email = r.coverage.find((c) => c.fileName === 'users.csv' && c.header === 'Email')!;
    // Rows 3, 53, 103, 153, 203 and 253 have no email: 297 of 303.
    expect([email.rows, email.populated, email.populatedPct, email.verifiedPct, email.target]).toEqual([
      303,
      297,
      98,
      null,
      'person.email',
    ]);
    expect(email.destination).toContain('Email');
    expect(r.coverage.length).toBe(9 + 5 + 3 + 3 + 5 + 5 + 5 + 8 + 4);
  });

  it('draws the source’s engagement distribution from the staged scores', async () => {
    const r: ReconciliationReport = (await app.http.get(`/api/migrations/${migrationId}/report`).expect(200))
      .body;
    expect(r.engagement.source.total).toBe(150);
    expect(r.engagement.source.bins.reduce((n, b) => n + b.count, 0) + r.engagement.source.outside).toBe(150);
    expect(r.downloads.map((d) => [d.name, d.available])).toEqual([
      ['workflows.json', true],
      ['workflows.md', true],
      ['integrations.json', true],
      ['integrations.md', true],
      ['custom-fields.json', true],
      ['custom-fields.md', true],
    ]);
  });

  it('serves a self-contained HTML report that says "no run yet" for the engine sections', async () => {
    const res = await app.http.get(`/api/migrations/${migrationId}/report.html`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<h1>Reconciliation report: Report</h1>');
    expect(res.text.match(/No run yet/g)?.length).toBe(5);
    expect(res.text).not.toMatch(/<script|src=/);
  });

  it('has no skip files before a run', async () => {
    const res = await app.http.get(`/api/migrations/${migrationId}/report/skipped`).expect(409);
    expect(res.body.error).toMatchObject({
      code: 'no_run_yet',
      message: `Migration ${migrationId} has not run yet: no row was skipped.`,
    });
  });

  it('writes the skipped rows, as uploaded, under the original header with their reason codes', async () => {
    const skipped: SkippedRecord[] = [
      {
        entity: 'person',
        actimoId: '100004',
        reason: 'invalid_email',
        detail: 'Pipedrive refused the email',
      },
      { entity: 'person', actimoId: '100001', reason: 'no_owner', detail: null },
    ];
    const facts: EngineFacts = {
      runs: [
        {
          id: 1,
          kind: 'full',
          status: 'completed',
          startedAt: null,
          finishedAt: null,
          requests: 0,
          tokens: 0,
        },
      ],
      objects: {},
      owners: { matched: [], defaulted: [] },
      verified: {},
      mismatches: [],
      migratedEngagement: [],
    };
    const files = await service({ facts: async () => facts, skipped: async () => skipped }).skipFiles(
      LOCAL_COMPANY.id,
      migrationId,
    );
    expect(files.map((f) => [f.fileName, f.rows])).toEqual([['skipped-users.csv', 2]]);
    const original = parse(readFileSync(usersCsv, 'utf8')) as string[][];
    const back = parse(files[0]!.csv, { bom: true }) as string[][];
    expect(back).toEqual([
      [...original[0]!, 'Skip reason', 'Skip detail'],
      [...original[2]!.map(neutralise), 'no_owner', ''],
      [...original[5]!.map(neutralise), 'invalid_email', 'Pipedrive refused the email'],
    ]);
  });
});
