// The activities phase against the sandbox through the official SDK: each staged call or meeting of a
// migrated person becomes a v2 activity with its type, subject, original date and time in UTC, duration,
// done, the person as primary participant, the owner matched by e-mail (else the default owner,
// reported), and a note with the original note and the marker; the estimate equals the spend; a second
// run writes nothing; creates applied and then answered by a dropped connection are not duplicated.
import { beforeAll, describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { harnessFor, liveRecords, writesOfAnotherRun } from '../helpers/migration.ts';

// 200 users → the activities export has 10 rows (n = 0…9): user 100000+n, Call when n is odd, else
// Meeting, "Follow-up n", 2024-01-01 + n days at 08+n:00 or :30 (Europe/Copenhagen), owner
// nobody@elsewhere.example for n = 0, else admin@example.dk; a note for n = 0 and 7.
const HARNESS = { users: 200, seed: 12 };

describe.each(ENGINES)('the activities phase on %s', (engine) => {
  const h = harnessFor(engine, HARNESS);
  let admin: number;
  beforeAll(() => {
    admin = h().sb.sandbox.addUser(h().sb.companyId, { name: 'Admin Example', email: 'admin@example.dk' }).id;
  });

  it('creates every call and meeting with its fields and links, and spends exactly the estimate', async () => {
    const plan = await h().service.plan(1, h().migrationId);
    expect(plan.entities.activity).toEqual({ create: 10, merge: 0, skip: 0, done: 0, reasons: {} });
    expect(plan.activityOwners).toEqual({ matched: 9, defaulted: 1 });
    const run = await h().service.startFull(1, h().migrationId);
    expect(await h().engine().execute(1, run.id)).toBe('completed');
    const spent = await h().service.run(1, run.id);
    expect([spent.requests, spent.tokens]).toEqual([plan.estimate.requests, plan.estimate.tokens]);

    const db = h().app.testDb.db;
    const records = await listRecords(db, 1, h().migrationId, { entity: 'activity' });
    expect(records.map((r) => [r.state, r.verified, r.mismatchCount])).toEqual(
      Array(10).fill(['done', true, 0]),
    );
    const persons = new Map(
      (await listRecords(db, 1, h().migrationId, { entity: 'person' })).map((p) => [
        p.actimoKey,
        p.pipedriveId,
      ]),
    );
    const byId = new Map(liveRecords(h(), 'activities').map((a) => [a.id, a]));
    expect(byId.size).toBe(10);
    const defaultOwner = h().sb.adminId;
    const first = byId.get(records.find((r) => r.personKey === '100000')!.pipedriveId!)!;
    expect({
      type: first.type,
      subject: first.subject,
      due_date: first.due_date,
      due_time: first.due_time,
      duration: first.duration,
      done: first.done,
      owner_id: first.owner_id,
      participants: first.participants,
    }).toEqual({
      type: 'meeting',
      subject: 'Follow-up 0',
      due_date: '2024-01-01',
      due_time: '07:00',
      duration: '01:00',
      done: true,
      owner_id: defaultOwner,
      participants: [{ person_id: persons.get('100000'), primary: true }],
    });
    expect(first.note).toBe(
      `<p>Talked about &quot;plans&quot;;<br>next step: call back</p><p>Actimo migration ref: activity:${records.find((r) => r.personKey === '100000')!.actimoKey}</p>`,
    );
    const second = byId.get(records.find((r) => r.personKey === '100001')!.pipedriveId!)!;
    expect([second.type, second.due_time, second.duration, second.owner_id]).toEqual([
      'call',
      '08:30',
      '00:30',
      admin,
    ]);
  }, 300_000);

  it("stores each record's owner resolution and shows it in the records API", async () => {
    const acts = (
      await h()
        .app.http.get(`/api/migrations/${h().migrationId}/records`)
        .query({ entity: 'activity', limit: 500 })
        .expect(200)
    ).body.records as Array<{ personKey: string; owner: unknown }>;
    expect(
      acts.map((a) => [a.personKey, a.owner]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual(
      Array.from({ length: 10 }, (_, n) => [
        String(100000 + n),
        n === 0
          ? { email: 'nobody@elsewhere.example', userId: h().sb.adminId, defaulted: true }
          : { email: 'admin@example.dk', userId: admin, defaulted: false },
      ]),
    );
    const persons = (
      await h()
        .app.http.get(`/api/migrations/${h().migrationId}/records`)
        .query({ entity: 'person', limit: 500 })
        .expect(200)
    ).body.records as Array<{ owner: { userId: number; defaulted: boolean } | null }>;
    expect(persons.length).toBe(200);
    // The export's users name no owner: every person goes to the default owner, and says so.
    expect(new Set(persons.map((p) => JSON.stringify(p.owner)))).toEqual(
      new Set([JSON.stringify({ email: null, userId: h().sb.adminId, defaulted: true })]),
    );
  });

  it('makes no write when run again', async () => {
    expect(await writesOfAnotherRun(h())).toEqual([]);
    expect(liveRecords(h(), 'activities').length).toBe(10);
  }, 120_000);
});

describe('activity creates applied and then answered by a dropped connection', () => {
  const h = harnessFor('sqlite', HARNESS);

  it('finds them by the marker in their note and creates each exactly once', async () => {
    h().sb.sandbox.faults.inject({ kind: 'drop_after_write', match: { operation: 'addActivity' }, times: 4 });
    const run = await h().service.startFull(1, h().migrationId);
    expect(await h().engine().execute(1, run.id)).toBe('completed');
    const db = h().app.testDb.db;
    const records = await listRecords(db, 1, h().migrationId, { entity: 'activity' });
    expect(records.filter((r) => r.state !== 'done')).toEqual([]);
    const acts = liveRecords(h(), 'activities');
    expect(acts.length).toBe(10);
    expect(new Set(acts.map((a) => a.id))).toEqual(new Set(records.map((r) => r.pipedriveId)));
    const resolved = await db('ledger')
      .join('migration_records', 'migration_records.id', 'ledger.record_id')
      .where({ 'migration_records.entity': 'activity', 'ledger.error_code': 'resolved_found' })
      .count({ n: '*' })
      .first();
    expect(Number(resolved?.n)).toBe(4);
  }, 300_000);
});
