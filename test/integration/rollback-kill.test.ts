// kill -9 of the CLI rolling back a 300-person migration at random moments (each after the rollback made
// progress), resumed by running the same command again each time: every record deleted or restored
// exactly once, the same Pipedrive and the same outcomes as a rollback that was never interrupted, and a
// second rollback writes nothing. The kill moments come from a printed seed (ROLLBACK_KILL_SEED replays).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { rng } from '../fixtures/generate.ts';
import {
  cliArgs,
  cliEnv,
  ledgerRows,
  type MigrationHarness,
  migrationHarness,
  pipedriveSnapshot,
} from '../helpers/migration.ts';
import { live, migrateAll } from '../helpers/rollback.ts';
import { killAtRandomMoments, run } from '../helpers/spawn.ts';

const PERSONS = 300;
const KILLS = 5;
const SEED = Number(process.env.ROLLBACK_KILL_SEED ?? 20261125);

/**
 * A migrated harness with the same history on both sides: two persons that were in Pipedrive before
 * (merged by e-mail, so rollback restores them) and, after the migration, three created persons renamed
 * by a person in Pipedrive (kept as conflicts). Returns the sandbox's last request before the rollback.
 */
async function prepare(h: MigrationHarness): Promise<number> {
  const db = h.app.testDb.db;
  const staged = await db('staged_persons').where({ migration_id: h.migrationId }).orderBy('id').limit(2);
  const human = h.sb.sandbox.human;
  staged.forEach((s, i) => {
    human.create(h.sb.companyId, 'person', {
      name: `Already There ${i}`,
      job_title: 'Old title',
      emails: [{ value: JSON.parse(s.data).email as string, primary: true, label: 'work' }],
    });
  });
  await migrateAll(h);
  h.sb.sandbox.clock.advance(60_000);
  const created = (await listRecords(db, 1, h.migrationId, { entity: 'person' })).filter(
    (p) => !p.existedBefore,
  );
  for (const i of [7, 120, 250])
    human.update(h.sb.companyId, 'person', created[i]!.pipedriveId!, { name: `Renamed ${i}` });
  return h.sb.sandbox.requests.lastSeq;
}

const WRITES = new Set(['DELETE', 'PATCH', 'PUT', 'POST']);

describe(`kill -9 at ${KILLS} random moments of a rollback of ${PERSONS} persons (seed ${SEED})`, () => {
  let killed: MigrationHarness;
  let reference: MigrationHarness;
  const since = { killed: 0, reference: 0 };
  beforeAll(async () => {
    console.log(`rollback kill moments seed: ${SEED} (ROLLBACK_KILL_SEED to replay)`);
    // One after the other: provisioning refuses to run twice at once for the same (local) company.
    killed = await migrationHarness('sqlite', { users: PERSONS, seed: 12, limits: false });
    since.killed = await prepare(killed);
    reference = await migrationHarness('sqlite', { users: PERSONS, seed: 12, limits: false });
    since.reference = await prepare(reference);
  }, 600_000);
  afterAll(async () => {
    await killed?.close();
    await reference?.close();
  });

  const env = cliEnv;
  const args = (h: MigrationHarness) => cliArgs(h, 'rollback');
  /** The rollback's writes to the sandbox since `seq`: method and path (which holds the record's id). */
  const writes = (h: MigrationHarness, seq: number) =>
    h.sb.sandbox.requests
      .list({ companyId: h.sb.companyId, sinceSeq: seq })
      .filter((r) => WRITES.has(r.method))
      .map((r) => `${r.method} ${r.path}`);
  const outcomes = async (h: MigrationHarness) => {
    const rows = (await h.app.testDb
      .db('migration_records')
      .where({ migration_id: h.migrationId })
      .select('entity', 'rollback_state', 'rollback_reason')
      .count({ n: '*' })
      .groupBy('entity', 'rollback_state', 'rollback_reason')) as Array<Record<string, unknown>>;
    return Object.fromEntries(
      rows.map((r) => [`${r.entity}:${r.rollback_state}:${r.rollback_reason}`, Number(r.n)]),
    );
  };

  it('resumes after every kill, deletes or restores each record once, and ends as an uninterrupted rollback', async () => {
    const random = rng(SEED);
    const kills = await killAtRandomMoments({
      args: args(killed),
      env: env(killed),
      progress: () => ledgerRows(killed),
      kills: KILLS,
      random,
      windowMs: 150,
      pollMs: 10,
    });
    console.log(`killed ${kills} times`);
    expect(kills).toBe(KILLS);
    const last = await run(args(killed), env(killed), 300_000);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).run).toMatchObject({ kind: 'rollback', status: 'completed' });
    // Every attempt resumed the same run: one rollback run.
    const runs = await killed.app.testDb.db('runs').where({ kind: 'rollback' }).select('id');
    expect(runs.length).toBe(1);

    const uninterrupted = await run(args(reference), env(reference), 300_000);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    expect(JSON.parse(uninterrupted.stdout).run).toMatchObject({ kind: 'rollback', status: 'completed' });

    // Each record deleted or restored exactly once, and as many writes of each kind as without kills.
    const got = writes(killed, since.killed);
    const want = writes(reference, since.reference);
    expect(new Set(got).size).toBe(got.length);
    const kinds = (w: string[]) =>
      w.reduce<Record<string, number>>((acc, x) => {
        const k = x.replace(/\/\d+$/, '/:id');
        acc[k] = (acc[k] ?? 0) + 1;
        return acc;
      }, {});
    expect(kinds(got)).toEqual(kinds(want));
    const records = (await listRecords(reference.app.testDb.db, 1, reference.migrationId)).filter(
      (r) => r.entity === 'person',
    );
    expect(kinds(got)).toMatchObject({
      'DELETE /api/v2/persons/:id': records.length - 2 - 3,
      'PATCH /api/v2/persons/:id': 2,
    });

    // The same Pipedrive and the same outcome per record as the uninterrupted rollback.
    expect(pipedriveSnapshot(killed.sb)).toEqual(pipedriveSnapshot(reference.sb));
    const after = live(killed);
    expect(after.persons.size).toBe(5);
    expect(after.organizations.size).toBe(live(reference).organizations.size);
    expect(await outcomes(killed)).toEqual(await outcomes(reference));
    const ledgerStates = async (h: MigrationHarness) => {
      const rows = (await h.app.testDb
        .db('ledger')
        .whereIn('run_id', h.app.testDb.db('runs').where({ kind: 'rollback' }).select('id'))
        .select('state', 'error_code')
        .count({ n: '*' })
        .groupBy('state', 'error_code')) as Array<Record<string, unknown>>;
      return Object.fromEntries(rows.map((l) => [`${l.state}:${l.error_code ?? ''}`, Number(l.n)]));
    };
    // One done ledger row per write: sent and answered, or found done after a kill (resolved_found);
    // intents killed before they were sent are closed as resolved_resend and sent again. None left open.
    const states = await ledgerStates(killed);
    const done = (states['done:'] ?? 0) + (states['done:resolved_found'] ?? 0);
    expect(done).toBe((await ledgerStates(reference))['done:']);
    expect(done).toBe(want.length);
    expect(
      Object.keys(states).filter((k) => !k.startsWith('done:') && k !== 'failed:resolved_resend'),
    ).toEqual([]);

    // A second rollback changes nothing.
    const seq = killed.sb.sandbox.requests.lastSeq;
    const again = await run(args(killed), env(killed), 300_000);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).run).toMatchObject({ status: 'completed', writes: 0 });
    expect(writes(killed, seq)).toEqual([]);
  }, 900_000);
});
