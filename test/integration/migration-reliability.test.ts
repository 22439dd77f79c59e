// The engine when things go wrong, against the sandbox: writes applied and then answered by a dropped
// connection, and 5xx answers (0 duplicates, 0 lost), and a daily budget share that runs out mid-run
// (paused until the reset, then resumed with nothing lost). Fault draws come from the sandbox's seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWrites } from '../../server/migration/ledger.repository.ts';
import { listRecords } from '../../server/migration/records.repository.ts';
import { runnableRuns } from '../../server/migration/runs.repository.ts';
import { ShiftedClock } from '../helpers/clock.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';

function noDuplicates(h: MigrationHarness, expectedPersons: number) {
  const state = h.sb.sandbox.state(h.sb.companyId);
  const persons = state.persons.records.filter((p) => p.deleted_at === null);
  const names = persons.map((p) => JSON.stringify([p.name, p.emails]));
  expect(persons.length).toBe(expectedPersons);
  expect(new Set(names).size).toBe(persons.length);
  const orgs = state.organizations.records.filter((o) => o.deleted_at === null);
  expect(new Set(orgs.map((o) => o.name)).size).toBe(orgs.length);
  const notes = state.notes.records.filter((n) => n.deleted_at === null);
  expect(new Set(notes.map((n) => n.person_id)).size).toBe(notes.length);
  return { persons, orgs, notes };
}

describe('writes that were applied but answered by a dropped connection, and 5xx answers', () => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness('sqlite', { users: 300, seed: 5 });
  }, 180_000);
  afterAll(async () => h?.close());

  it("creates every record exactly once (sandbox seed 'test', export seed 5)", async () => {
    console.log("fault draws: sandbox seed 'test', export set seed 5");
    h.sb.sandbox.updateSettings({ faults: { dropAfterWriteRate: 0.1, errorRate: 0.05 } });
    const run = await h.service.startFull(1, h.migrationId);
    const status = await h.engine().execute(1, run.id);
    h.sb.sandbox.updateSettings({ faults: { dropAfterWriteRate: 0, errorRate: 0 } });
    expect(status).toBe('completed');
    const db = h.app.testDb.db;
    const records = await listRecords(db, 1, h.migrationId);
    // The files export's one row has no attachment in the upload: skipped, nothing else left undone.
    expect(records.filter((r) => r.state !== 'done').map((r) => [r.entity, r.actimoKey, r.state])).toEqual([
      ['file', '100000:files/contract-0.pdf', 'skipped'],
    ]);
    const { persons, notes } = noDuplicates(h, 300);
    expect(new Set(records.filter((r) => r.entity === 'person').map((r) => r.pipedriveId))).toEqual(
      new Set(persons.map((p) => p.id)),
    );
    expect(notes.length).toBe(records.filter((r) => r.entity === 'note').length);
    const resolved = await db('ledger').where({ error_code: 'resolved_found' }).count({ n: '*' }).first();
    expect(Number(resolved?.n)).toBeGreaterThan(0);
  }, 300_000);
});

describe('a daily budget share that runs out mid-run', () => {
  let h: MigrationHarness;
  const clock = new ShiftedClock();
  beforeAll(async () => {
    h = await migrationHarness('postgres', {
      users: 120,
      seed: 6,
      clock,
      settings: { pipedrivePlan: 'lite', seats: 1, budgetShare: 0.02 },
    });
  }, 180_000);
  afterAll(async () => h?.close());

  it('pauses with the reset time, resumes after it by itself, and loses nothing', async () => {
    const run = await h.service.startFull(1, h.migrationId);
    expect(await h.engine().execute(1, run.id)).toBe('paused');
    const paused = await h.service.run(1, run.id);
    expect(paused.status).toBe('paused');
    const midnight = new Date(clock.now());
    midnight.setUTCHours(24, 0, 0, 0);
    // The next budget day in UTC (to the second: the reset is found by bisection).
    expect(paused.resumeAt! - midnight.getTime()).toBeGreaterThanOrEqual(0);
    expect(paused.resumeAt! - midnight.getTime()).toBeLessThan(1000);
    const written = h.sb.sandbox.state(h.sb.companyId).persons.records.length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(120);
    expect(await runnableRuns(h.app.testDb.db, clock.now())).toEqual([]);
    // Every intent is closed (sent, or refused before it was sent): none is left for a lookup.
    expect(await openWrites(h.app.testDb.db, 1, h.migrationId)).toEqual([]);
    // Nothing happens before the reset.
    expect(await h.engine().execute(1, run.id)).toBe('paused');

    clock.advance(paused.resumeAt! - clock.now() + 1000);
    expect(await runnableRuns(h.app.testDb.db, clock.now())).toEqual([
      { companyId: 1, runId: run.id, kind: 'full' },
    ]);
    expect(await h.engine().execute(1, run.id)).toBe('completed');
    noDuplicates(h, 120);
    const records = await listRecords(h.app.testDb.db, 1, h.migrationId, { entity: 'person' });
    expect(records.every((r) => r.state === 'done')).toBe(true);
  }, 300_000);
});
