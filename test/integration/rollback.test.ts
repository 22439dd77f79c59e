// Rollback against the sandbox through the official SDK, on SQLite and PostgreSQL: the dry run says what
// will be deleted, restored and kept (and why), the real run does exactly that, a second rollback changes
// nothing, and a rollback killed between its writes and their answers resumes to the same final state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictError } from '../../server/errors.ts';
import { listRecords } from '../../server/migration/records.repository.ts';
import { getRun } from '../../server/migration/runs.repository.ts';
import { SimulatedCrash } from '../../server/rollback/engine.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { live, migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';

const writeOps = new Set([
  'deletePerson',
  'deleteOrganization',
  'deleteNote',
  'deleteActivity',
  'updatePerson',
  'updateOrganization',
  'deletePersonField',
  'deleteOrganizationField',
]);

describe.each(ENGINES)('rollback of a migration (%s)', (engine) => {
  let h: MigrationHarness;
  const ids = { existingA: 0, existingB: 0, existingOrg: 0 };
  let orgBefore = '';
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 30 });
    const db = h.app.testDb.db;
    const staged = await db('staged_persons').where({ migration_id: h.migrationId }).orderBy('id').limit(2);
    const emails = staged.map((s) => JSON.parse(s.data).email as string);
    const org = await db('staged_organizations')
      .where({ migration_id: h.migrationId })
      .orderBy('id')
      .first('data');
    orgBefore = (JSON.parse(org.data).name as string).toUpperCase();
    const human = h.sb.sandbox.human;
    ids.existingA = human.create(h.sb.companyId, 'person', {
      name: 'Already There A',
      emails: [{ value: emails[0], primary: true, label: 'work' }],
    }).id;
    ids.existingB = human.create(h.sb.companyId, 'person', {
      name: 'Already There B',
      job_title: 'Old title',
      emails: [{ value: emails[1], primary: true, label: 'work' }],
    }).id;
    // Found by name (case-insensitively); we write the name as Actimo has it, rollback puts this one back.
    ids.existingOrg = human.create(h.sb.companyId, 'organization', { name: orgBefore }).id;
  }, 180_000);
  afterAll(async () => h?.close());

  it('deletes what it created, restores what it changed, keeps what a person edited since, and reports why', async () => {
    const db = h.app.testDb.db;
    await migrateAll(h);
    const persons = await listRecords(db, 1, h.migrationId, { entity: 'person' });
    const orgs = await listRecords(db, 1, h.migrationId, { entity: 'organization' });
    const notes = await listRecords(db, 1, h.migrationId, { entity: 'note' });
    const activities = await listRecords(db, 1, h.migrationId, { entity: 'activity' });
    // Records the migration never wrote (skipped) are not part of a rollback: no rollback_state.
    const unwritten = (await listRecords(db, 1, h.migrationId)).filter((r) => r.pipedriveId === null).length;
    const created = persons.filter((p) => !p.existedBefore);
    expect(
      persons
        .filter((p) => p.existedBefore)
        .map((p) => p.pipedriveId)
        .sort(),
    ).toEqual([ids.existingA, ids.existingB].sort());
    expect(orgs.filter((o) => o.existedBefore).map((o) => o.pipedriveId)).toEqual([ids.existingOrg]);
    expect(notes.length).toBeGreaterThan(0);

    // A minute later, a person edits in Pipedrive.
    h.sb.sandbox.clock.advance(60_000);
    const human = h.sb.sandbox.human;
    const editedPerson = created[3]!;
    const deletedPerson = created[4]!;
    const editedNote = notes[0]!;
    human.update(h.sb.companyId, 'person', editedPerson.pipedriveId!, { name: 'Renamed By A Person' });
    human.delete(h.sb.companyId, 'person', deletedPerson.pipedriveId!);
    human.update(h.sb.companyId, 'note', editedNote.pipedriveId!, { content: 'A person rewrote this note' });
    human.update(h.sb.companyId, 'person', ids.existingA, { name: 'Human Name A' });

    const svc = rollbackService(h);
    const dry = await svc.dryRun(1, h.migrationId);
    const createdOrgs = orgs.filter((o) => !o.existedBefore).length;
    expect(dry.summary).toEqual({
      activity: { delete: activities.length },
      note: { delete: notes.length - 1, keep: 1 },
      person: { delete: created.length - 2, keep: 1, none: 1, restore: 2 },
      organization: { delete: createdOrgs, restore: 1 },
    });
    const byRecord = new Map(dry.items.map((i) => [i.recordId, i]));
    expect(byRecord.get(editedPerson.id)).toMatchObject({
      action: 'keep',
      reason: 'value_changed',
      detail: { conflicts: [{ key: 'name', now: 'Renamed By A Person' }] },
    });
    expect(byRecord.get(deletedPerson.id)).toMatchObject({ action: 'none', reason: 'already_deleted' });
    expect(byRecord.get(editedNote.id)).toMatchObject({ action: 'keep', reason: 'value_changed' });
    const a = persons.find((p) => p.pipedriveId === ids.existingA)!;
    expect(byRecord.get(a.id)).toMatchObject({
      action: 'restore',
      reason: 'restore_partial',
      detail: { conflicts: [{ key: 'name', now: 'Human Name A', before: 'Already There A' }] },
    });
    // Nothing was written by the dry run.
    expect(live(h).persons.size).toBe(persons.length - 1);

    const err = await svc
      .start(1, h.migrationId, { token: 'not-the-token', startedBy: 'user:1' })
      .catch((e: ConflictError) => e);
    expect((err as ConflictError).code).toBe('plan_changed');

    const run = await svc.start(1, h.migrationId, { token: dry.token, startedBy: 'user:7' });
    expect(await rollbackEngine(h, { chunkSize: 7 }).execute(1, run.id)).toBe('completed');

    const after = live(h);
    expect([...after.persons.keys()].sort((x, y) => x - y)).toEqual(
      [ids.existingA, ids.existingB, editedPerson.pipedriveId!].sort((x, y) => x - y),
    );
    expect([...after.organizations.keys()]).toEqual([ids.existingOrg]);
    expect([...after.notes.keys()]).toEqual([editedNote.pipedriveId]);
    const pa = after.persons.get(ids.existingA)!;
    expect(pa.name).toBe('Human Name A');
    expect(pa.custom_fields).toEqual({});
    expect(pa.org_id).toBeNull();
    const pb = after.persons.get(ids.existingB)!;
    expect(pb.name).toBe('Already There B');
    expect(pb.job_title).toBe('Old title');
    expect(pb.custom_fields).toEqual({});
    expect(after.organizations.get(ids.existingOrg)!.custom_fields).toEqual({});

    const status = await svc.status(1, h.migrationId);
    expect(status.run?.status).toBe('completed');
    expect(status.run?.startedBy).toBe('user:7');
    expect(status.summary).toEqual({
      activity: { delete: activities.length },
      note: { delete: notes.length - 1, keep: 1 },
      person: { delete: created.length - 2, keep: 1, none: 1, restore: 2 },
      organization: { delete: createdOrgs, restore: 1 },
    });
    const conflicts = await svc.conflicts(1, h.migrationId);
    expect(conflicts.items.map((c) => [c.recordId, c.reason]).sort()).toEqual(
      [
        [editedNote.id, 'value_changed'],
        [editedPerson.id, 'value_changed'],
        [a.id, 'restore_partial'],
      ].sort(),
    );
    const outcomes = await db('migration_records')
      .where({ migration_id: h.migrationId })
      .select('rollback_state')
      .count({ n: '*' })
      .groupBy('rollback_state');
    const rows = outcomes as Array<Record<string, unknown>>;
    expect(Object.fromEntries(rows.map((o) => [o.rollback_state, Number(o.n)]))).toEqual({
      deleted: created.length - 2 + notes.length - 1 + createdOrgs + activities.length,
      restored: 3,
      kept: 2,
      gone: 1,
      ...(unwritten > 0 ? { null: unwritten } : {}),
    });
    expect(after.organizations.get(ids.existingOrg)!.name).toBe(orgBefore);

    // Running it again changes nothing.
    const before = h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).length;
    const dry2 = await svc.dryRun(1, h.migrationId);
    expect(dry2.summary).toEqual({
      activity: { none: activities.length },
      note: { none: notes.length - 1, keep: 1 },
      person: { none: created.length + 1, keep: 1 },
      organization: { none: createdOrgs + 1 },
    });
    const run2 = await svc.start(1, h.migrationId, { token: dry2.token, startedBy: 'user:7' });
    expect(await rollbackEngine(h).execute(1, run2.id)).toBe('completed');
    expect((await getRun(db, 1, run2.id))!.writes).toBe(0);
    const writes = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .slice(before)
      .filter((r) => writeOps.has(r.operation ?? ''));
    expect(writes).toEqual([]);
  }, 180_000);
});

describe.each(ENGINES)('a rollback killed mid-run (%s)', (engine) => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 25, seed: 4 });
  }, 180_000);
  afterAll(async () => h?.close());

  it('resumes from its open intents by reading the records, and ends as an uninterrupted rollback would', async () => {
    const db = h.app.testDb.db;
    await migrateAll(h);
    const recs = (await listRecords(db, 1, h.migrationId)).filter((r) => r.pipedriveId !== null);
    const svc = rollbackService(h);
    const dry = await svc.dryRun(1, h.migrationId);
    const run = await svc.start(1, h.migrationId, { token: dry.token, startedBy: 'cli' });
    const crashing = rollbackEngine(h, {
      chunkSize: 6,
      beforeRecording: (_run, chunk) => {
        if (chunk === 3) throw new SimulatedCrash();
      },
    });
    await expect(crashing.execute(1, run.id)).rejects.toBeInstanceOf(SimulatedCrash);
    // Killed: the third chunk's deletions happened in Pipedrive, their ledger rows are still intents.
    expect((await getRun(db, 1, run.id))!.status).toBe('running');
    const open = await db('ledger').where({ run_id: run.id, state: 'intent' }).count({ n: '*' }).first();
    expect(Number(open?.n)).toBe(6);
    const deletesBefore = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .filter((r) => r.operation?.startsWith('delete')).length;
    // Chunks hold one entity: the activities, then the notes (each fewer than six here), then six persons.
    const noteCount = recs.filter((r) => r.entity === 'note').length;
    const activityCount = recs.filter((r) => r.entity === 'activity').length;
    expect(noteCount).toBe(3);
    expect(activityCount).toBe(1);
    expect(deletesBefore).toBe(activityCount + noteCount + 6);

    expect(await rollbackEngine(h, { chunkSize: 6 }).execute(1, run.id)).toBe('completed');
    const after = live(h);
    expect(after.persons.size + after.organizations.size + after.notes.size).toBe(0);
    const deletes = h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId })
      .filter((r) => r.operation?.startsWith('delete'));
    // Every record deleted exactly once: the six whose answers were lost were read, not deleted again.
    expect(deletes.length).toBe(recs.length);
    const ledger = (await db('ledger')
      .where({ run_id: run.id })
      .select('state', 'error_code')
      .count({ n: '*' })
      .groupBy('state', 'error_code')) as Array<Record<string, unknown>>;
    expect(Object.fromEntries(ledger.map((l) => [`${l.state}:${l.error_code ?? ''}`, Number(l.n)]))).toEqual({
      'done:': recs.length - 6,
      'done:resolved_found': 6,
    });
  }, 180_000);
});
