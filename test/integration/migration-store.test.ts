// The migration engine's tables on both engines: the lease on a migration (one holder, renewed by its
// holder, stolen only after it expired), the plan kept per record, the ledger's intents and answers, and
// runs — each scoped to its company.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, leaseHolder, releaseLease, renewLease } from '../../server/migration/lease.ts';
import {
  ledgerCounts,
  ledgerFor,
  openWrites,
  writeIntents,
  writeResults,
} from '../../server/migration/ledger.repository.ts';
import {
  countRecords,
  findRecord,
  listRecords,
  savePlan,
  updateRecords,
} from '../../server/migration/records.repository.ts';
import {
  activeRun,
  createRun,
  getRun,
  runnableRuns,
  updateRun,
} from '../../server/migration/runs.repository.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';

const T = 1_780_000_000_000;

describe.each(ENGINES)('migration engine tables on %s', (engine) => {
  let t: TestDb;
  let m1: number;
  let m2: number;
  beforeAll(async () => {
    t = await createTestDb(engine);
    await t.db('companies').insert([
      { id: 1, name: 'A', mode: 'marketplace' },
      { id: 2, name: 'B', mode: 'marketplace' },
    ]);
    const [a] = await t.db('migrations').insert({ company_id: 1, name: 'one' }).returning('id');
    const [b] = await t.db('migrations').insert({ company_id: 2, name: 'two' }).returning('id');
    m1 = Number(typeof a === 'object' ? a.id : a);
    m2 = Number(typeof b === 'object' ? b.id : b);
  });
  afterAll(async () => t.destroy());

  it('gives the lease to one worker, lets its holder renew it, and lets another take it only after it expired', async () => {
    expect(await acquireLease(t.db, 1, m1, 'w1', T, 30_000)).toBe(true);
    expect(await acquireLease(t.db, 1, m1, 'w2', T + 10_000, 30_000)).toBe(false);
    expect(await renewLease(t.db, 1, m1, 'w1', T + 20_000, 30_000)).toBe(true);
    expect(await acquireLease(t.db, 1, m1, 'w2', T + 40_000, 30_000)).toBe(false);
    expect(await acquireLease(t.db, 1, m1, 'w2', T + 50_001, 30_000)).toBe(true);
    expect(await renewLease(t.db, 1, m1, 'w1', T + 50_002, 30_000)).toBe(false);
    expect(await leaseHolder(t.db, 1, m1)).toEqual({ owner: 'w2', expiresAt: T + 80_001 });
    await releaseLease(t.db, 1, m1, 'w2');
    expect(await leaseHolder(t.db, 1, m1)).toEqual({ owner: null, expiresAt: null });
  });

  it('does not lease another company’s migration', async () => {
    expect(await acquireLease(t.db, 1, m2, 'w1', T, 30_000)).toBe(false);
  });

  it('keeps a written record’s Pipedrive id and state when the plan is saved again', async () => {
    await savePlan(
      t.db,
      1,
      m1,
      [
        {
          entity: 'person',
          actimoKey: 'u1',
          personKey: 'u1',
          label: 'Ann',
          action: 'create',
          reasonCode: null,
          pipedriveId: null,
          existedBefore: false,
          state: 'planned',
        },
        {
          entity: 'person',
          actimoKey: 'u2',
          personKey: 'u2',
          label: null,
          action: 'skip',
          reasonCode: 'missing_name',
          pipedriveId: null,
          existedBefore: false,
          state: 'skipped',
        },
      ],
      T,
    );
    const u1 = await findRecord(t.db, 1, m1, 'person', 'u1');
    await updateRecords(
      t.db,
      1,
      [
        {
          recordId: u1!.id,
          runId: 1,
          state: 'done',
          pipedriveId: 77,
          fingerprint: 'f1',
          written: { body: { name: 'Ann' } },
        },
      ],
      T,
    );
    await savePlan(
      t.db,
      1,
      m1,
      [
        {
          entity: 'person',
          actimoKey: 'u1',
          personKey: 'u1',
          label: 'Ann B',
          action: 'create',
          reasonCode: null,
          pipedriveId: 77,
          existedBefore: false,
          state: 'done',
        },
      ],
      T + 1,
    );
    const again = await findRecord(t.db, 1, m1, 'person', 'u1');
    expect(again).toMatchObject({
      id: u1!.id,
      label: 'Ann B',
      pipedriveId: 77,
      state: 'done',
      fingerprint: 'f1',
      written: { body: { name: 'Ann' } },
    });
    expect((await countRecords(t.db, 1, m1)).person).toEqual({ done: 1, skipped: 1 });
    expect(await listRecords(t.db, 2, m1)).toEqual([]);
  });

  it('writes a batch of intents, then their answers, and lists the writes still open', async () => {
    const run = await createRun(
      t.db,
      1,
      m1,
      { kind: 'full', sampleSize: null, settings: {}, estimate: null, mapVersion: 1 },
      T,
    );
    const rec = await findRecord(t.db, 1, m1, 'person', 'u1');
    await writeIntents(
      t.db,
      1,
      m1,
      run.id,
      [
        {
          recordId: rec!.id,
          seq: 1,
          op: 'update',
          request: { body: { name: 'Ann B' } },
          fingerprint: 'f2',
          beforeImage: { name: 'Ann' },
        },
        { recordId: rec!.id, seq: 2, op: 'update', request: { body: { name: 'Ann C' } }, fingerprint: 'f3' },
      ],
      T,
    );
    expect((await openWrites(t.db, 1, m1)).map((l) => l.seq)).toEqual([1, 2]);
    expect(await openWrites(t.db, 2, m1)).toEqual([]);
    await t.db.transaction((trx) =>
      writeResults(
        trx,
        1,
        run.id,
        [
          { seq: 1, state: 'done', responseId: 77, responseUpdateTime: '2026-03-02T09:00:00Z' },
          { seq: 2, state: 'unknown', errorCode: 'pipedrive_network' },
        ],
        T + 5,
      ),
    );
    expect((await openWrites(t.db, 1, m1)).map((l) => [l.seq, l.state])).toEqual([[2, 'unknown']]);
    const rows = await ledgerFor(t.db, 1, m1, { runId: run.id });
    expect(rows[0]).toMatchObject({
      state: 'done',
      responseId: 77,
      beforeImage: { name: 'Ann' },
      request: { body: { name: 'Ann B' } },
    });
    expect(await ledgerCounts(t.db, 1, m1)).toEqual({ 'update:done': 1, 'update:unknown': 1 });
  });

  it('keeps runs per company and finds the ones a worker should pick up', async () => {
    const run = await createRun(
      t.db,
      2,
      m2,
      { kind: 'sample', sampleSize: 300, settings: { a: 1 }, estimate: { requests: 3 }, mapVersion: 2 },
      T,
    );
    expect(await getRun(t.db, 1, run.id)).toBeUndefined();
    expect(await activeRun(t.db, 2, m2)).toMatchObject({
      id: run.id,
      status: 'queued',
      sampleSize: 300,
      estimate: { requests: 3 },
    });
    await updateRun(t.db, 2, run.id, { status: 'paused', resumeAt: T + 1000 }, T);
    expect((await runnableRuns(t.db, T)).some((r) => r.runId === run.id)).toBe(false);
    expect((await runnableRuns(t.db, T + 1000)).filter((r) => r.runId === run.id)).toEqual([
      { companyId: 2, runId: run.id, kind: 'sample' },
    ]);
    expect(await updateRun(t.db, 2, run.id, { status: 'running' }, T, ['queued'])).toBe(false);
    expect((await getRun(t.db, 2, run.id))?.status).toBe('paused');
  });
});
