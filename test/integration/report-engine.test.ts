// The reconciliation report wired to the engine's tables, on both database engines: after a real migration
// into the sandbox (two users without a name, so skipped; the "Survey score" field deleted in Pipedrive
// after provisioning, so every person carrying a survey score fails with Pipedrive's validation error),
// every staged record is in exactly one final state with its reason code, the runs' requests and tokens are
// the report's totals, the skip file holds exactly the skipped and failed rows (over HTTP and from the
// `report` command), and after a rollback the
// rolled-back column counts what was undone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineFactsRepository, stagedIdOf } from '../../server/report/engine-facts.repository.ts';
import { checkInvariant, type ReconciliationReport } from '../../server/report/model.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';
import { run } from '../helpers/spawn.ts';

const CLI = ['bin/actimo-pipedrive.js'];

const none = { created: 0, updated: 0, skipped: 0, failed: 0, rolled_back: 0, not_run: 0 };

describe.each(ENGINES)('the reconciliation report of a real migration on %s', (engine) => {
  let h: MigrationHarness;
  let unnamed: string[];
  let failed: string[];
  let admin: number;
  const report = async () =>
    (await h.app.http.get(`/api/migrations/${h.migrationId}/report`).expect(200))
      .body as ReconciliationReport;

  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 60 });
    const db = h.app.testDb.db;
    const first = await db('staged_persons')
      .where({ company_id: 1, migration_id: h.migrationId })
      .orderBy('actimo_id')
      .limit(2)
      .select('id', 'actimo_id', 'data');
    for (const p of first) {
      const { firstName, lastName, fullName, ...rest } = JSON.parse(p.data) as Record<string, unknown>;
      await db('staged_persons')
        .where({ id: p.id })
        .update({ data: JSON.stringify(rest) });
    }
    unnamed = first.map((p) => String(p.actimo_id));
    const fields = (await h.sb.raw('/api/v1/personFields')).body as {
      data: Array<{ id: number; name: string }>;
    };
    const survey = fields.data.find((f) => f.name === 'Survey score')!;
    expect((await h.sb.raw(`/api/v1/personFields/${survey.id}`, { method: 'DELETE' })).status).toBe(200);
    // The activities export's owner for n ≠ 0 (the third activity's); its users name no owner.
    admin = h.sb.sandbox.addUser(h.sb.companyId, { name: 'Admin Example', email: 'admin@example.dk' }).id;
    await migrateAll(h);
    failed = (
      await db('migration_records')
        .where({ company_id: 1, migration_id: h.migrationId, entity: 'person', state: 'failed' })
        .orderBy('actimo_key')
        .select('actimo_key')
    ).map((r) => String(r.actimo_key));
  }, 180_000);
  afterAll(async () => h?.close());

  it('puts every staged record in one final state with its reason code, and the numbers add up', async () => {
    const r = await report();
    expect(checkInvariant(r)).toEqual([]);
    expect(failed.length).toBe(10);
    expect(r.objects.map((o) => [o.entity, o.staged, o.states, o.reasons])).toEqual([
      ['organization', 3, { ...none, created: 3 }, { skipped: {}, failed: {} }],
      [
        'person',
        60,
        { ...none, created: 48, skipped: 2, failed: 10 },
        { skipped: { missing_name: 2 }, failed: { pipedrive_validation: 10 } },
      ],
      // The first unnamed user has other companies: its note is skipped with it; the notes of two failed
      // persons wait for their person.
      [
        'note',
        7,
        { ...none, created: 4, skipped: 1, not_run: 2 },
        { skipped: { person_skipped: 1 }, failed: {} },
      ],
      // The file and two activities belong to the unnamed users, so they are skipped with them; the third
      // activity waits for its failed person.
      // The map sends no column to a note: no note from mapped fields.
      ['mapped_note', 0, none, { skipped: {}, failed: {} }],
      ['file', 1, { ...none, skipped: 1 }, { skipped: { person_skipped: 1 }, failed: {} }],
      ['activity', 3, { ...none, skipped: 2, not_run: 1 }, { skipped: { person_skipped: 2 }, failed: {} }],
    ]);
    const runs = await h.app.testDb.db('runs').where({ migration_id: h.migrationId }).select();
    expect(r.runs).toEqual([
      {
        id: Number(runs[0].id),
        kind: 'full',
        status: 'completed',
        startedAt: new Date(Number(runs[0].started_at)).toISOString(),
        finishedAt: new Date(Number(runs[0].finished_at)).toISOString(),
        requests: Number(runs[0].requests),
        tokens: Number(runs[0].tokens),
      },
    ]);
    expect(r.totals).toEqual({
      requests: Number(runs[0].requests),
      tokens: Number(runs[0].tokens),
      durationMs: Number(runs[0].finished_at) - Number(runs[0].started_at),
    });
    expect(r.totals!.requests).toBeGreaterThan(0);
    // The 58 persons not skipped (the export names no owner) go to the default owner; of the activities
    // only the third is not skipped, and its owner is a user.
    expect(r.owners).toEqual({
      matched: [{ email: 'admin@example.dk', userId: admin, records: 1 }],
      defaulted: [{ email: null, records: 58, fallbackUserId: h.sb.adminId }],
      counts: { matched: 1, defaulted: 58 },
    });
    const html = (await h.app.http.get(`/api/migrations/${h.migrationId}/report.html`).expect(200)).text;
    expect(html).toContain(
      '1 record(s) with an owner matched to a Pipedrive user, 58 given the default owner.',
    );
    expect(html).toContain(
      `<tr><td>admin@example.dk</td><td>matched Pipedrive user ${admin}</td><td class="num">1</td></tr>` +
        `<tr><td>(none in the export)</td><td>no owner named: defaulted to Pipedrive user ${h.sb.adminId}</td><td class="num">58</td></tr>`,
    );
    expect(html).not.toContain('No run yet');
    expect(r.mismatches).toEqual([]);
  }, 60_000);

  it('gives % verified per destination from what was written and read back', async () => {
    const r = await report();
    const verified = (target: string) => [
      ...new Set(r.coverage.filter((c) => c.target === target).map((c) => c.verifiedPct)),
    ];
    expect(verified('person.email')).toEqual([100]);
    expect(verified('organization.name')).toEqual([100]);
    // Nothing carrying a survey score was written.
    expect(verified('person.surveyScore')).toEqual([null]);
    const db = h.app.testDb.db;
    const done = new Set(
      (
        await db('migration_records')
          .where({ migration_id: h.migrationId, entity: 'person', state: 'done' })
          .select('actimo_key')
      ).map((x) => String(x.actimo_key)),
    );
    const metrics = await db('staged_person_metrics')
      .where({ migration_id: h.migrationId })
      .select('person_id', 'data');
    const scores = metrics
      .filter((m) => done.has(String(m.person_id)))
      .map((m) => JSON.parse(m.data).engagementScore)
      .filter((s) => typeof s === 'number');
    expect(r.engagement.migrated!.total).toBe(scores.length);
    expect(r.engagement.migrated!.total).toBeGreaterThan(0);
  }, 60_000);

  it('lists exactly the skipped and failed rows in the skip file, with their reason codes', async () => {
    const list = (await h.app.http.get(`/api/migrations/${h.migrationId}/report/skipped`).expect(200)).body;
    expect(list.files.map((f: { fileName: string; rows: number }) => [f.fileName, f.rows])).toEqual([
      ['skipped-users.csv', 12],
      ['skipped-files.csv', 1],
      ['skipped-activities.csv', 2],
    ]);
    const csv = (await h.app.http.get(list.files[0].url).expect(200)).text;
    const rows = parse(csv, { bom: true }) as string[][];
    const header = rows[0]!;
    const id = header.findIndex((c) => /^(actimo ?id|user ?id|id)$/i.test(c));
    expect(id).toBeGreaterThanOrEqual(0);
    const reasonAt = header.indexOf('Skip reason');
    const got = rows
      .slice(1)
      .map((row) => [row[id], row[reasonAt]])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(got).toEqual(
      [...unnamed.map((u) => [u, 'missing_name']), ...failed.map((u) => [u, 'pipedrive_validation'])].sort(
        (a, b) => String(a[0]).localeCompare(String(b[0])),
      ),
    );
  }, 60_000);

  it('gives the same figures and skip file from the report command line', async () => {
    const env = { DATABASE_URL: h.app.testDb.url, DATA_DIR: h.app.config.dataDir };
    const json = await run([...CLI, 'report', String(h.migrationId), '--format', 'json'], env, 90_000);
    expect([json.code, json.stderr]).toEqual([0, '']);
    const r = JSON.parse(json.stdout) as ReconciliationReport;
    expect(checkInvariant(r)).toEqual([]);
    expect(r.objects.find((o) => o.entity === 'person')!.states).toEqual({
      ...none,
      created: 48,
      skipped: 2,
      failed: 10,
    });
    const out = mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    try {
      const csv = await run(
        [...CLI, 'report', String(h.migrationId), '--format', 'csv', '--out', out, '--json'],
        env,
        90_000,
      );
      expect([csv.code, csv.stderr]).toEqual([0, '']);
      const file = path.join(out, 'skipped-users.csv');
      expect(JSON.parse(csv.stdout)).toEqual({
        files: [file, path.join(out, 'skipped-files.csv'), path.join(out, 'skipped-activities.csv')],
      });
      expect(parse(readFileSync(file, 'utf8'), { bom: true }).length).toBe(13);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('counts what a rollback undid in the rolled-back column, and the numbers still add up', async () => {
    const svc = rollbackService(h);
    const dry = await svc.dryRun(1, h.migrationId);
    const run = await svc.start(1, h.migrationId, { token: dry.token, startedBy: 'user:1' });
    expect(await rollbackEngine(h).execute(1, run.id)).toBe('completed');
    const r = await report();
    expect(checkInvariant(r)).toEqual([]);
    expect(r.objects.map((o) => [o.entity, o.states])).toEqual([
      ['organization', { ...none, rolled_back: 3 }],
      ['person', { ...none, rolled_back: 48, skipped: 2, failed: 10 }],
      ['note', { ...none, rolled_back: 4, skipped: 1, not_run: 2 }],
      ['mapped_note', none],
      ['file', { ...none, skipped: 1 }],
      ['activity', { ...none, skipped: 2, not_run: 1 }],
    ]);
    expect(r.runs.map((x) => [x.kind, x.status])).toEqual([
      ['full', 'completed'],
      ['rollback', 'completed'],
    ]);
    // Nothing written is left in place to verify.
    expect([
      ...new Set(r.coverage.filter((c) => c.target === 'person.email').map((c) => c.verifiedPct)),
    ]).toEqual([null]);
    const skipped = await new EngineFactsRepository(h.app.testDb.db).skipped(1, h.migrationId);
    // The 12 users of the skip file, the file and the two activities skipped with their persons.
    expect(skipped.length).toBe(15);
  }, 120_000);

  it("gives the plan's tally and says why the e-mails are missing for records planned before owners were stored", async () => {
    await h.app.testDb
      .db('migration_records')
      .where({ company_id: 1, migration_id: h.migrationId })
      .update({ owner_email: null, owner_user_id: null, owner_defaulted: null });
    const r = await report();
    expect(r.owners).toEqual({
      matched: [],
      defaulted: [],
      counts: { matched: 0, defaulted: 60 },
      unavailable:
        'The engine records how many owners matched a Pipedrive user and how many went to the default owner, not which e-mails.',
    });
  });

  it('reads a file or activity key with its marker prefix back as the staged Actimo id', () => {
    expect(stagedIdOf('file', 'file:100003:docs/cv.pdf')).toBe('100003:docs/cv.pdf');
    expect(stagedIdOf('file', '100003:docs/cv.pdf')).toBe('100003:docs/cv.pdf');
    expect(stagedIdOf('activity', 'activity:a-17')).toBe('a-17');
    expect(stagedIdOf('person', 'person:1')).toBe('person:1');
  });
});

describe.each(ENGINES)('the reconciliation report when the map sends a column to a note, on %s', (engine) => {
  let h: MigrationHarness;
  let withDepartment: string[];
  let unnamed: string;
  const report = async () =>
    (await h.app.http.get(`/api/migrations/${h.migrationId}/report`).expect(200))
      .body as ReconciliationReport;

  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 30 });
    const db = h.app.testDb.db;
    const scope = { company_id: 1, migration_id: h.migrationId };
    const m = (await h.app.http.get(`/api/migrations/${h.migrationId}/map`).expect(200)).body;
    const edited = await h.app.http
      .patch(`/api/migrations/${h.migrationId}/map/destinations`)
      .send({
        version: m.version,
        changes: [{ entity: 'person', field: 'department', destination: { kind: 'note' } }],
      })
      .expect(200);
    await h.app.http
      .post(`/api/migrations/${h.migrationId}/map/confirm`)
      .send({ version: edited.body.version })
      .expect(200);
    await h.app.http.post(`/api/migrations/${h.migrationId}/map/provision`).expect(200);
    // The persons without other companies that have a department: each gets a note from it alone.
    const secondary = new Set(
      (
        await db('staged_memberships')
          .where({ ...scope, is_primary: false })
          .select('person_id')
      ).map((r) => String(r.person_id)),
    );
    const persons = await db('staged_persons')
      .where(scope)
      .orderBy('actimo_id')
      .select('id', 'actimo_id', 'data');
    const departmentOf = (p: { data: string }) => (JSON.parse(p.data) as Record<string, unknown>).department;
    const mapped = persons.filter(
      (p) =>
        !secondary.has(String(p.actimo_id)) && typeof departmentOf(p) === 'string' && departmentOf(p) !== '',
    );
    withDepartment = mapped.map((p) => String(p.actimo_id));
    // One of them loses its name: skipped, and its note with it.
    const { firstName, lastName, fullName, ...rest } = JSON.parse(mapped[0]!.data) as Record<string, unknown>;
    await db('staged_persons')
      .where({ id: mapped[0]!.id })
      .update({ data: JSON.stringify(rest) });
    unnamed = String(mapped[0]!.actimo_id);
    await migrateAll(h);
  }, 180_000);
  afterAll(async () => h?.close());

  it('counts the notes made from mapped values on their own line, with their source rows, and the numbers add up', async () => {
    const r = await report();
    expect(checkInvariant(r)).toEqual([]);
    const db = h.app.testDb.db;
    const created = (
      await db('migration_records')
        .where({ company_id: 1, migration_id: h.migrationId, entity: 'note', state: 'done' })
        .andWhere('actimo_key', 'like', 'note:%')
        .whereIn('person_key', withDepartment)
        .select('person_key')
    ).length;
    expect([withDepartment.length, created]).toEqual([27, 26]);
    expect(
      r.objects.map((o) => [o.entity, o.sourceRows, o.mergedRows, o.staged, o.states, o.reasons]),
    ).toEqual([
      ['organization', 3, 0, 3, { ...none, created: 3 }, { skipped: {}, failed: {} }],
      [
        'person',
        30,
        0,
        30,
        { ...none, created: 29, skipped: 1 },
        { skipped: { missing_name: 1 }, failed: {} },
      ],
      // The persons with other companies: one note each, their departments in it too.
      ['note', null, null, 3, { ...none, created: 3 }, { skipped: {}, failed: {} }],
      // The 27 persons without other companies that have a department, from their 27 rows of the users
      // export: 26 notes created, the unnamed person's skipped with it.
      [
        'mapped_note',
        27,
        0,
        27,
        { ...none, created: 26, skipped: 1 },
        { skipped: { person_skipped: 1 }, failed: {} },
      ],
      ['file', 1, 0, 1, { ...none, skipped: 1 }, { skipped: { file_missing: 1 }, failed: {} }],
      ['activity', 1, 0, 1, { ...none, created: 1 }, { skipped: {}, failed: {} }],
    ]);
    expect(
      await db('migration_records')
        .where({ company_id: 1, migration_id: h.migrationId, entity: 'person', actimo_key: unnamed })
        .select('action', 'reason_code'),
    ).toEqual([{ action: 'skip', reason_code: 'missing_name' }]);
    const html = (await h.app.http.get(`/api/migrations/${h.migrationId}/report.html`).expect(200)).text;
    expect(html).toContain('<tr><td>mapped_note</td><td class="num">27</td>');
  }, 60_000);
});
