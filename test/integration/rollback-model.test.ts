// Model-based rollback test (fast-check; the seed is printed, FC_SEED replays it): migrate a generated set
// into the sandbox (with persons and an organization that were there before), let "a person" make random
// edits and deletions in Pipedrive, roll back, and compare the sandbox with the model: every record we
// created is gone except those a person edited (reported as kept), every field we changed on a record
// that existed before is back to its before-image except those a person changed (reported), and a second
// rollback changes nothing. On SQLite and PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords, type MigrationRecord } from '../../server/migration/records.repository.ts';
import { getRun } from '../../server/migration/runs.repository.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { live, migrateAll, rollbackEngine, rollbackService } from '../helpers/rollback.ts';

type Edit = 'rename' | 'delete';
interface Target {
  record: MigrationRecord;
  entity: 'person' | 'organization' | 'note';
  created: boolean;
  edits: readonly Edit[];
}

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;

describe.each(ENGINES)('rollback against a model of random edits in Pipedrive (%s)', (engine) => {
  let h: MigrationHarness;
  const existing = { persons: [] as number[], org: 0, orgName: '' };
  beforeAll(async () => {
    h = await migrationHarness(engine, { users: 20, seed: 11 });
    const db = h.app.testDb.db;
    const staged = await db('staged_persons').where({ migration_id: h.migrationId }).orderBy('id').limit(3);
    const human = h.sb.sandbox.human;
    existing.persons = staged.map(
      (s, i) =>
        human.create(h.sb.companyId, 'person', {
          name: `Before ${i}`,
          emails: [{ value: JSON.parse(s.data).email, primary: true, label: 'work' }],
        }).id,
    );
    const org = await db('staged_organizations')
      .where({ migration_id: h.migrationId })
      .orderBy('id')
      .first('data');
    existing.orgName = (JSON.parse(org.data).name as string).toUpperCase();
    existing.org = human.create(h.sb.companyId, 'organization', { name: existing.orgName }).id;
  }, 180_000);
  afterAll(async () => h?.close());

  it('ends as the model says, reports what it kept, and a second rollback changes nothing', async () => {
    console.log(`rollback model (${engine}): fast-check seed ${SEED} (replay with FC_SEED=${SEED})`);
    const db = h.app.testDb.db;
    await migrateAll(h);
    const records = (await listRecords(db, 1, h.migrationId)).filter((r) => r.pipedriveId !== null);
    const targets: Target[] = records.map((r) => ({
      record: r,
      entity: r.entity as Target['entity'],
      created: !r.existedBefore,
      edits: r.existedBefore
        ? r.entity === 'organization'
          ? ['rename']
          : ['rename', 'delete']
        : ['rename', 'delete'],
    }));
    const editArb = fc.uniqueArray(
      fc.record({ target: fc.nat({ max: targets.length - 1 }), pick: fc.nat({ max: 1 }) }),
      { maxLength: 10, selector: (e) => e.target },
    );

    await fc.assert(
      fc.asyncProperty(editArb, async (picked) => {
        const human = h.sb.sandbox.human;
        h.sb.sandbox.clock.advance(60_000);
        const edits = new Map<number, Edit>();
        for (const p of picked) {
          const t = targets[p.target]!;
          edits.set(t.record.id, t.edits[p.pick % t.edits.length]!);
        }
        // "A person" edits: the model notes which records end up changed by a human.
        const touched = new Set<number>();
        const deleted = new Set<number>();
        const byPipedrive = (entity: string, id: number) =>
          targets.find((t) => t.entity === entity && t.record.pipedriveId === id);
        for (const [recordId, edit] of edits) {
          const t = targets.find((x) => x.record.id === recordId)!;
          const id = t.record.pipedriveId!;
          if (edit === 'delete') {
            if (deleted.has(recordId)) continue;
            human.delete(h.sb.companyId, t.entity, id);
            deleted.add(recordId);
            // Deleting an organization unlinks its persons: their org_id changed by a human hand.
            if (t.entity === 'organization')
              for (const p of targets)
                if (
                  p.entity === 'person' &&
                  (p.record.written as { body?: { org_id?: number } })?.body?.org_id === id
                )
                  touched.add(p.record.id);
          } else {
            human.update(
              h.sb.companyId,
              t.entity,
              id,
              t.entity === 'note' ? { content: `Rewritten ${recordId}` } : { name: `Renamed ${recordId}` },
            );
            touched.add(recordId);
          }
        }
        void byPipedrive;

        const svc = rollbackService(h);
        const dry = await svc.dryRun(1, h.migrationId);
        const run = await svc.start(1, h.migrationId, { token: dry.token, startedBy: 'model' });
        expect(await rollbackEngine(h, { chunkSize: 5 }).execute(1, run.id)).toBe('completed');

        // The model.
        const want = {
          persons: new Set<number>(),
          organizations: new Set<number>(),
          notes: new Set<number>(),
        };
        const reported = new Set<number>();
        for (const t of targets) {
          const id = t.record.pipedriveId!;
          const set =
            t.entity === 'person'
              ? want.persons
              : t.entity === 'organization'
                ? want.organizations
                : want.notes;
          if (deleted.has(t.record.id)) continue;
          if (!t.created) {
            set.add(id);
            if (touched.has(t.record.id) && edits.get(t.record.id) === 'rename') reported.add(t.record.id);
          } else if (touched.has(t.record.id)) {
            set.add(id);
            reported.add(t.record.id);
          }
        }
        const now = live(h);
        expect(new Set(now.persons.keys())).toEqual(want.persons);
        expect(new Set(now.organizations.keys())).toEqual(want.organizations);
        expect(new Set(now.notes.keys())).toEqual(want.notes);
        for (const [i, pid] of existing.persons.entries()) {
          const p = now.persons.get(pid);
          if (!p) continue;
          const rec = targets.find((t) => t.entity === 'person' && t.record.pipedriveId === pid)!;
          expect(p.name).toBe(
            edits.get(rec.record.id) === 'rename' ? `Renamed ${rec.record.id}` : `Before ${i}`,
          );
          expect(p.custom_fields).toEqual({});
          expect(p.org_id).toBeNull();
        }
        const org = now.organizations.get(existing.org)!;
        const orgRec = targets.find(
          (t) => t.entity === 'organization' && t.record.pipedriveId === existing.org,
        )!;
        expect(org.name).toBe(
          edits.get(orgRec.record.id) === 'rename' ? `Renamed ${orgRec.record.id}` : existing.orgName,
        );
        expect(org.custom_fields).toEqual({});
        const conflicts = await svc.conflicts(1, h.migrationId, { limit: 500 });
        expect(new Set(conflicts.items.map((c) => c.recordId))).toEqual(reported);

        // A second rollback: nothing to delete or restore, no write.
        const before = h.sb.sandbox.requests.list({ companyId: h.sb.companyId }).length;
        const dry2 = await svc.dryRun(1, h.migrationId);
        expect(dry2.items.filter((i) => i.action === 'delete' || i.action === 'restore')).toEqual([]);
        const run2 = await svc.start(1, h.migrationId, { token: dry2.token, startedBy: 'model' });
        expect(await rollbackEngine(h).execute(1, run2.id)).toBe('completed');
        expect((await getRun(db, 1, run2.id))!.writes).toBe(0);
        const writes = h.sb.sandbox.requests
          .list({ companyId: h.sb.companyId })
          .slice(before)
          .filter((r) => /^(delete|update)/.test(r.operation ?? ''));
        expect(writes).toEqual([]);
      }),
      // One run per suite: the migration and the sandbox are state, so a failing case is replayed by its
      // seed rather than shrunk.
      { seed: SEED, numRuns: 1, endOnFailure: true },
    );
  }, 240_000);
});
