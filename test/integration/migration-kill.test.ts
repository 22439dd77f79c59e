// kill -9 of the CLI running a 2,000-person migration at 20 random moments (each after the run made
// progress), resumed by running the same command again each time: no duplicates, nothing lost, and the
// same Pipedrive as a run that was never interrupted. The kill moments come from a printed seed.
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
import { killAtRandomMoments, run } from '../helpers/spawn.ts';

const PERSONS = 2000;
const KILLS = 20;
const SEED = Number(process.env.KILL_SEED ?? 20261125);

describe(`kill -9 at ${KILLS} random moments of a ${PERSONS}-person run (seed ${SEED})`, () => {
  let killed: MigrationHarness;
  let reference: MigrationHarness;
  beforeAll(async () => {
    console.log(`kill moments seed: ${SEED} (KILL_SEED to replay)`);
    // One after the other: provisioning refuses to run twice at once for the same (local) company.
    killed = await migrationHarness('sqlite', { users: PERSONS, seed: 11, plan: 'premium', limits: false });
    reference = await migrationHarness('sqlite', {
      users: PERSONS,
      seed: 11,
      plan: 'premium',
      limits: false,
    });
  }, 600_000);
  afterAll(async () => {
    await killed?.close();
    await reference?.close();
  });

  const env = cliEnv;
  const args = (h: MigrationHarness) => cliArgs(h, 'migrate');

  it('resumes after every kill with 0 duplicates, 0 lost, and the state of an uninterrupted run', async () => {
    const random = rng(SEED);
    const kills = await killAtRandomMoments({
      args: args(killed),
      env: env(killed),
      progress: () => ledgerRows(killed),
      kills: KILLS,
      random,
      windowMs: 400,
      pollMs: 20,
    });
    console.log(`killed ${kills} times`);
    expect(kills).toBe(KILLS);
    const last = await run(args(killed), env(killed), 300_000);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ status: 'completed' });

    const status = await reference
      .engine()
      .execute(1, (await reference.service.startFull(1, reference.migrationId)).id);
    expect(status).toBe('completed');

    const records = await listRecords(killed.app.testDb.db, 1, killed.migrationId);
    expect(records.filter((r) => r.state !== 'done' && r.state !== 'skipped')).toEqual([]);
    const got = pipedriveSnapshot(killed.sb) as { persons: Array<{ actimoId: string }> };
    const want = pipedriveSnapshot(reference.sb);
    expect(got.persons.length).toBe(PERSONS);
    expect(new Set(got.persons.map((p) => p.actimoId)).size).toBe(PERSONS);
    expect(got).toEqual(want);
  }, 900_000);
});
