// The rollback and audit API over HTTP: dry run, start with its token (the caller recorded as who started
// it), status and conflicts, and the audit log of one record across the migration and its rollback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords } from '../../server/migration/records.repository.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';
import { migrateAll, rollbackEngine } from '../helpers/rollback.ts';

describe('the rollback and audit API', () => {
  let h: MigrationHarness;
  beforeAll(async () => {
    h = await migrationHarness('sqlite', { users: 8, seed: 3 });
  }, 180_000);
  afterAll(async () => h?.close());

  it('dry-runs, starts with the token, reports the run and its conflicts, and audits a record', async () => {
    const api = h.app.http;
    const base = `/api/migrations/${h.migrationId}`;
    expect((await api.get(`${base}/rollback`).expect(200)).body).toEqual({
      run: null,
      settings: null,
      summary: {},
    });
    const migrationRun = await migrateAll(h);
    const db = h.app.testDb.db;
    const persons = await listRecords(db, 1, h.migrationId, { entity: 'person' });
    const kept = persons[0]!;
    h.sb.sandbox.clock.advance(60_000);
    h.sb.sandbox.human.update(h.sb.companyId, 'person', kept.pipedriveId!, { name: 'Changed Here' });

    const dry = (await api.post(`${base}/rollback/dry-run`).send({}).expect(200)).body;
    expect(dry.summary.person).toEqual({ delete: persons.length - 1, keep: 1 });
    await api.post(`${base}/rollback`).send({ token: 'stale' }).expect(409);
    await api.post(`${base}/rollback`).send({ token: dry.token, force: 'yes' }).expect(400);
    const run = (await api.post(`${base}/rollback`).send({ token: dry.token }).expect(202)).body;
    expect(run).toMatchObject({ kind: 'rollback', status: 'queued', startedBy: 'user:1' });
    await api.post(`${base}/rollback`).send({ token: dry.token }).expect(409);
    expect(await rollbackEngine(h).execute(1, run.id)).toBe('completed');

    const status = (await api.get(`${base}/rollback`).expect(200)).body;
    expect(status.run).toMatchObject({ id: run.id, status: 'completed' });
    expect(status.summary.person).toEqual({ delete: persons.length - 1, keep: 1 });
    const conflicts = (await api.get(`${base}/rollback/conflicts`).expect(200)).body;
    expect(conflicts.items).toHaveLength(1);
    expect(conflicts.items[0]).toMatchObject({
      recordId: kept.id,
      action: 'keep',
      reason: 'value_changed',
      detail: { conflicts: [{ key: 'name', now: 'Changed Here' }] },
    });

    const gone = persons[1]!;
    const audit = (await api.get(`${base}/audit`).query({ record: gone.actimoKey }).expect(200)).body;
    const mine = audit.entries.filter((e: { recordId: number }) => e.recordId === gone.id);
    expect(
      mine.map((e: Record<string, unknown>) => [e.runId, e.runKind, e.op, e.result, e.pipedriveId]),
    ).toEqual([
      [migrationRun, 'full', 'create', 'done', gone.pipedriveId],
      [run.id, 'rollback', 'delete', 'done', gone.pipedriveId],
    ]);
    expect(mine[1].startedBy).toBe('user:1');
    const byId = (
      await api.get(`${base}/audit`).query({ pipedriveId: gone.pipedriveId, entity: 'person' }).expect(200)
    ).body;
    expect(byId.entries.map((e: { op: string }) => e.op)).toEqual(['create', 'delete']);
    const page = (await api.get(`${base}/audit`).query({ limit: 2 }).expect(200)).body;
    expect(page.entries).toHaveLength(2);
    const next = (await api.get(`${base}/audit`).query({ limit: 2, afterId: page.nextAfterId }).expect(200))
      .body;
    expect(next.entries[0].id).toBeGreaterThan(page.entries[1].id);
  }, 180_000);
});
