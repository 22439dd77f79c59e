// The migration engine against the sandbox through the official SDK: the plan and its estimate, a full
// run in order (organizations, persons linked to them, notes), a second run that writes nothing, and
// merges into records that were already in Pipedrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerCounts } from '../../server/migration/ledger.repository.ts';
import { listRecords } from '../../server/migration/records.repository.ts';
import { readSettings, writeSettings } from '../../server/tenants/settings.repository.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';

describe('a full migration against the sandbox', () => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness('sqlite', { users: 120 });
  }, 120_000);
  afterAll(async () => h?.close());

  it('plans every staged record, merges into what Pipedrive already has, and estimates the run within 5%', async () => {
    const db = h.app.testDb.db;
    const staged = await db('staged_persons')
      .where({ migration_id: h.migrationId })
      .orderBy('id')
      .first('data');
    const email = JSON.parse(staged.data).email as string;
    const org = await db('staged_organizations')
      .where({ migration_id: h.migrationId })
      .orderBy('id')
      .first('data');
    const orgName = JSON.parse(org.data).name as string;
    const existingPerson = h.sb.sandbox.human.create(h.sb.companyId, 'person', {
      name: 'Already There',
      emails: [{ value: email.toUpperCase(), primary: true, label: 'work' }],
    }).id;
    const existingOrg = h.sb.sandbox.human.create(h.sb.companyId, 'organization', {
      name: ` ${orgName} `,
    }).id;

    const plan = await h.service.plan(1, h.migrationId);
    expect(plan.existing).toEqual({ persons: 1, organizations: 1 });
    expect(plan.entities.organization).toEqual({
      create: 2,
      merge: 1,
      skip: 0,
      done: 0,
      reasons: { matched_name: 1 },
    });
    expect(plan.entities.person).toEqual({
      create: 119,
      merge: 1,
      skip: 0,
      done: 0,
      reasons: { matched_email: 1 },
    });
    expect(plan.entities.note.create).toBe(13);
    const run = await h.service.startFull(1, h.migrationId);
    const status = await h.engine().execute(1, run.id);
    const after = await h.service.run(1, run.id);
    expect(status).toBe('completed');
    const est = after.estimate as { requests: number; tokens: number };
    expect(Math.abs(after.requests - est.requests) / est.requests).toBeLessThanOrEqual(0.05);
    expect(Math.abs(after.tokens - est.tokens) / est.tokens).toBeLessThanOrEqual(0.05);
    const state = h.sb.sandbox.state(h.sb.companyId);
    const persons = await listRecords(h.app.testDb.db, 1, h.migrationId, { entity: 'person' });
    const done = persons.filter((p) => p.state === 'done');
    expect(done.length).toBe(120);
    expect(done.every((p) => p.verified === true && p.mismatchCount === 0)).toBe(true);
    // 2 organizations, 119 persons, 13 notes and 6 activities created; 1 organization and 1 person merged.
    expect(await ledgerCounts(db, 1, h.migrationId)).toEqual({ 'create:done': 140, 'update:done': 2 });
    expect(state.persons.records.length).toBe(120);
    const merged = await db('ledger')
      .where({ op: 'update' })
      .orderBy('id')
      .select('before_image', 'response_id');
    expect(merged.map((m) => Number(m.response_id))).toEqual([existingOrg, existingPerson]);
    expect(JSON.parse(merged[1].before_image)).toMatchObject({ name: 'Already There' });
    const mergedPerson = state.persons.records.find((p) => p.id === existingPerson);
    expect(mergedPerson?.org_id).not.toBeNull();
  }, 120_000);

  it('makes no write when a finished migration runs again', async () => {
    const before = h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).length;
    const run = await h.service.startFull(1, h.migrationId);
    expect(await h.engine().execute(1, run.id)).toBe('completed');
    const reqs = h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).slice(before);
    const writes = reqs.filter((r: { method: string }) => r.method !== 'GET');
    expect(writes).toEqual([]);
    expect((await h.service.run(1, run.id)).writes).toBe(0);
  }, 120_000);

  it('updates records it created when their payload changed, without creating any again', async () => {
    const db = h.app.testDb.db;
    await writeSettings(db, 1, { ...(await readSettings(db, 1)), visibleTo: 3 });
    const before = h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).length;
    const run = await h.service.startFull(1, h.migrationId);
    expect(await h.engine().execute(1, run.id)).toBe('completed');
    const writes = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .slice(before)
      .filter((r) => r.method !== 'GET');
    // 3 organizations and 120 persons get visible_to; notes do not carry it.
    expect(writes.map((r) => r.method).sort()).toEqual(Array(123).fill('PATCH'));
    const state = h.sb.sandbox.state(h.sb.companyId);
    expect(state.persons.records.length).toBe(120);
    expect(state.persons.records.filter((p) => p.visible_to === 3).length).toBe(120);
    // The person and organization that were there before us keep their visibility: it is not sent to them.
    const existing = await db('ledger')
      .join('migration_records', 'migration_records.id', 'ledger.record_id')
      .where({ 'ledger.run_id': run.id, 'migration_records.existed_before': true })
      .select('ledger.request');
    expect(existing.map((l) => 'visible_to' in JSON.parse(l.request).body)).toEqual([false, false]);
    const persons = await listRecords(db, 1, h.migrationId, { entity: 'person' });
    expect(persons.every((p) => p.state === 'done' && p.verified === true)).toBe(true);
  }, 120_000);
});

describe('a sample, its field-level diff and its acceptance over the API, run by the worker', () => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness('postgres', { users: 120, seed: 4 });
    h.app.services.migration.worker.start();
  }, 120_000);
  afterAll(async () => {
    await h?.app.services.migration.worker.stop();
    await h?.close();
  });

  const settled = async (runId: number) => {
    for (;;) {
      const { run } = (await h.app.http.get(`/api/migrations/${h.migrationId}/run`).expect(200)).body;
      if (run.id === runId && !['queued', 'running'].includes(run.status)) return run;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const livePersons = () =>
    h.sb.sandbox.state(h.sb.companyId).persons.records.filter((p) => p.deleted_at === null);

  it('writes only the sample, with its organizations, and shows every field sent and read back', async () => {
    const started = (
      await h.app.http.post(`/api/migrations/${h.migrationId}/sample`).send({ size: 30 }).expect(202)
    ).body;
    expect(started).toMatchObject({ kind: 'sample', sampleSize: 30, status: 'queued' });
    const run = await settled(started.id);
    expect(run.status).toBe('completed');
    expect(livePersons().length).toBe(30);

    const diff = (
      await h.app.http.get(`/api/migrations/${h.migrationId}/sample/diff?pageSize=200`).expect(200)
    ).body;
    const persons = diff.records.filter((r: { entity: string }) => r.entity === 'person');
    expect(persons.length).toBe(30);
    expect(diff.total).toBe(diff.records.length);
    for (const r of diff.records) {
      expect(r.state).toBe('done');
      expect(r.verified).toBe(true);
      for (const f of r.fields) expect(f.differs).toBe(false);
    }
    const actimo = persons[0].fields.find((f: { target: string }) => f.target === 'actimoId');
    expect(actimo.sent).toBe(persons[0].actimoId);
    expect(actimo.readBack).toBe(persons[0].actimoId);
    const name = persons[0].fields.find((f: { target: string }) => f.target === 'name');
    expect(name.sources[0].fileName).toMatch(/\.csv$/);
    const mismatchesOnly = (
      await h.app.http.get(`/api/migrations/${h.migrationId}/sample/diff?mismatches=true`).expect(200)
    ).body;
    expect(mismatchesOnly.total).toBe(0);
    const search = (
      await h.app.http
        .get(`/api/migrations/${h.migrationId}/sample/diff?search=${encodeURIComponent(persons[1].actimoId)}`)
        .expect(200)
    ).body;
    expect(search.records.map((r: { actimoId: string }) => r.actimoId)).toEqual([persons[1].actimoId]);
  }, 120_000);

  it('continues from an accepted sample to the full run without sending any sampled record again', async () => {
    const started = (await h.app.http.post(`/api/migrations/${h.migrationId}/sample/accept`).expect(202))
      .body;
    expect(started.kind).toBe('full');
    const run = await settled(started.id);
    expect(run.status).toBe('completed');
    expect(livePersons().length).toBe(120);
    const creates = await h.app.testDb
      .db('ledger')
      .where({ op: 'create' })
      .select('record_id')
      .count({ n: '*' })
      .groupBy('record_id');
    expect(creates.every((c) => Number(c.n) === 1)).toBe(true);
    const counts = (await h.app.http.get(`/api/migrations/${h.migrationId}/run`).expect(200)).body.counts;
    expect(counts.person).toEqual({ done: 120 });
    const first = (
      await h.app.http.get(`/api/migrations/${h.migrationId}/records?entity=person&limit=1`).expect(200)
    ).body.records[0];
    const where = (
      await h.app.http.get(`/api/migrations/${h.migrationId}/records?actimoId=${first.actimoKey}`).expect(200)
    ).body.records;
    const person = where.find((r: { entity: string }) => r.entity === 'person');
    expect(person).toMatchObject({ actimoKey: first.actimoKey, state: 'done', verified: true });
    expect(person.ledger.map((l: { op: string; state: string }) => `${l.op}:${l.state}`)).toEqual([
      'create:done',
    ]);
    await h.app.http.get(`/api/migrations/${h.migrationId}/run/events`).expect(204);
    await h.app.http.post(`/api/migrations/${h.migrationId}/run/pause`).expect(409);
  }, 120_000);
});
