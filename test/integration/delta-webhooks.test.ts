// Delta sync against the sandbox: a completed full run makes the migration live and registers our
// webhooks; edits and deletions people make in Pipedrive reach us through them and are recorded against
// the migrated records (who, when, which fields); the echo of our own writes and records we did not
// migrate are ignored; each event delivered 1–4 times in any order is applied once; and the sweep finds
// an edit whose webhook never came, while the periodic check re-creates the missing webhooks.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClient } from '../../server/pipedrive/connections.ts';
import { freePort } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { type MigrationHarness, migrationHarness } from '../helpers/migration.ts';

async function until<T>(f: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(ENGINES)('delta sync through webhooks on %s', (engine) => {
  let h: MigrationHarness;
  let url: string;
  const db = () => h.app.testDb.db;
  const base = () => `/api/migrations/${h.migrationId}/delta`;
  const person = async (i = 0) => {
    const rows = await db()('migration_records')
      .where({ migration_id: h.migrationId, entity: 'person', state: 'done' })
      .orderBy('id');
    const r = rows[i];
    return { recordId: Number(r.id), pipedriveId: Number(r.pipedrive_id), actimoKey: String(r.actimo_key) };
  };
  const settle = async () => {
    await h.sb.sandbox.webhooks.settled();
    await h.app.services.webhooks.drain();
  };
  const changesOf = (recordId: number) => db()('record_changes').where({ record_id: recordId }).orderBy('id');

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    h = await migrationHarness(engine, { users: 20, seed: 5, port, env: { PUBLIC_URL: url } });
  }, 120_000);
  afterAll(async () => h?.close());

  it('is not live before its full run, then registers its four webhooks when the full run completes', async () => {
    const before = (await h.app.http.get(`${base()}/webhooks`).expect(200)).body;
    expect(before).toMatchObject({ live: false, liveAt: null, subscriptions: [] });
    expect(before.deltaWindow).toEqual({ hours: 48, endsAt: null, open: false });
    expect((await h.app.http.post(`${base()}/sweep`).expect(409)).body.error.code).toBe('migration_not_live');

    const worker = h.app.services.migration.worker;
    worker.start();
    try {
      await h.app.http.post(`/api/migrations/${h.migrationId}/run`).expect(202);
      await until(async () => {
        const { run } = (await h.app.http.get(`/api/migrations/${h.migrationId}/run`)).body;
        return run && !['queued', 'running'].includes(run.status) ? run : undefined;
      }, 'the full run');
    } finally {
      await worker.stop();
    }
    const health = await until(async () => {
      const b = (await h.app.http.get(`${base()}/webhooks`).expect(200)).body;
      return b.subscriptions.length === 4 ? b : undefined;
    }, 'webhook registration');
    expect(health.live).toBe(true);
    expect(health.subscriptions.map((s: { event: string }) => s.event).sort()).toEqual([
      'change.organization',
      'change.person',
      'delete.organization',
      'delete.person',
    ]);
    expect(Date.parse(health.deltaWindow.endsAt) - Date.parse(health.liveAt)).toBe(48 * 3_600_000);
    expect(health.deltaWindow.open).toBe(true);
    const inSandbox = h.sb.sandbox
      .state(h.sb.companyId)
      .webhooks.filter((w) => w.is_active && w.subscription_url === `${url}/webhooks/pipedrive`);
    expect(inSandbox).toHaveLength(4);
  }, 120_000);

  it('records a person’s edit with the fields changed, their old and new values, and who changed them', async () => {
    const p = await person(0);
    h.sb.sandbox.clock.advance(60_000);
    h.sb.sandbox.human.update(h.sb.companyId, 'person', p.pipedriveId, { name: 'Renamed By Hand' });
    await settle();
    const changes = await changesOf(p.recordId);
    expect(changes).toHaveLength(1);
    const c = changes[0];
    expect([c.kind, c.source, c.change_source, String(c.pipedrive_user_id)]).toEqual([
      'edit',
      'webhook',
      'app',
      String(h.sb.adminId),
    ]);
    const fields = JSON.parse(c.fields);
    expect(
      fields.map((f: { key: string; value: unknown; ours: boolean }) => [f.key, f.value, f.ours]),
    ).toEqual([['name', 'Renamed By Hand', true]]);
    const rec = await db()('migration_records').where({ id: p.recordId }).first();
    expect(JSON.parse(rec.human_fields)).toEqual(['name']);
    const event = await db()('webhook_events')
      .where({ entity_id: String(p.pipedriveId) })
      .first();
    expect(event.status).toBe('applied');
  });

  it('ignores the echo of a write that puts back what we wrote', async () => {
    const p = await person(0);
    const rec = await db()('migration_records').where({ id: p.recordId }).first();
    const ours = JSON.parse(rec.written).body.name as string;
    const { client } = await openClient(h.app.services.pipedrive, 1);
    h.sb.sandbox.clock.advance(60_000);
    await client.persons.updatePerson({ id: p.pipedriveId, UpdatePersonRequest: { name: ours } });
    await settle();
    expect(await changesOf(p.recordId)).toHaveLength(1);
    const events = await db()('webhook_events')
      .where({ entity_id: String(p.pipedriveId) })
      .orderBy('id')
      .select('change_source', 'status');
    expect(events.map((e) => [e.change_source, e.status])).toEqual([
      ['app', 'applied'],
      ['api', 'ignored'],
    ]);
  });

  it('records a deletion, and ignores records it did not migrate', async () => {
    const p = await person(1);
    h.sb.sandbox.clock.advance(60_000);
    h.sb.sandbox.human.delete(h.sb.companyId, 'person', p.pipedriveId);
    const stranger = h.sb.sandbox.human.create(h.sb.companyId, 'person', { name: 'Not From Actimo' });
    h.sb.sandbox.human.update(h.sb.companyId, 'person', stranger.id, { name: 'Still Not From Actimo' });
    await settle();
    const changes = await changesOf(p.recordId);
    expect(changes.map((c) => [c.kind, c.change_key, c.source])).toEqual([['delete', 'delete', 'webhook']]);
    const rec = await db()('migration_records').where({ id: p.recordId }).first();
    const deleted = h.sb.sandbox.webhooks
      .deliveries(h.sb.companyId)
      .find((d) => d.action === 'delete' && d.entityId === p.pipedriveId);
    expect(Number(rec.deleted_in_pipedrive_at)).toBe(Date.parse(String(deleted?.payload.meta.timestamp)));
    const strangerEvent = await db()('webhook_events')
      .where({ entity_id: String(stranger.id) })
      .first();
    expect(strangerEvent.status).toBe('ignored');
    const listed = (await h.app.http.get(`${base()}/changes`).expect(200)).body.changes;
    expect(listed.map((c: { kind: string; actimoKey: string }) => [c.kind, c.actimoKey])).toEqual([
      ['edit', (await person(0)).actimoKey],
      ['delete', p.actimoKey],
    ]);
  });

  it('applies each event exactly once when Pipedrive delivers it 1–4 times in any order', async () => {
    const targets = [await person(2), await person(3), await person(4)];
    const cred = await db()('webhook_credentials').where({ company_id: 1 }).first();
    h.sb.sandbox.clock.advance(60_000);
    for (const [i, t] of targets.entries())
      h.sb.sandbox.human.update(h.sb.companyId, 'person', t.pipedriveId, { name: `Edited ${i}` });
    await h.sb.sandbox.webhooks.settled();
    const payloads = h.sb.sandbox.webhooks
      .deliveries(h.sb.companyId)
      .filter((d) => targets.some((t) => t.pipedriveId === d.entityId) && d.action === 'change')
      .map((d) => d.payload);
    expect(payloads).toHaveLength(3);
    // The webhook user's password is only kept as a hash: redeliver with the sandbox's copy.
    const hook = h.sb.sandbox
      .state(h.sb.companyId)
      .webhooks.find((w) => w.http_auth_user === cred.http_auth_user);
    const password = String(hook?.http_auth_password);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        async (times, randoms) => {
          const ids = targets.map((t) => t.recordId);
          await db()('record_changes').whereIn('record_id', ids).delete();
          await db()('migration_records')
            .whereIn('id', ids)
            .update({ human_fields: null, human_changed_at: null });
          await db()('webhook_events').delete();
          const sends = payloads.flatMap((p, i) => Array.from({ length: times[i]! }, () => p));
          const order = sends.map((s) => ({ s, k: randoms.next().value })).sort((a, b) => a.k - b.k);
          await Promise.all(
            order.map(({ s }) =>
              h.app.http.post('/webhooks/pipedrive').auth(cred.http_auth_user, password).send(s).expect(200),
            ),
          );
          await h.app.services.webhooks.drain();
          const rows = await db()('record_changes').whereIn('record_id', ids).orderBy('record_id');
          expect(
            rows.map((r) => [Number(r.record_id), JSON.parse(r.fields).map((f: { key: string }) => f.key)]),
          ).toEqual(ids.map((id) => [id, ['name']]));
          const statuses = await db()('webhook_events').select('status', 'deliveries');
          expect(statuses.map((s) => s.status)).toEqual(['applied', 'applied', 'applied']);
          expect(statuses.map((s) => Number(s.deliveries)).sort()).toEqual([...times].sort());
        },
      ),
      { numRuns: 8, seed: 20261125 },
    );
  }, 120_000);

  it('sweeps up an edit whose webhook never came, once, and the periodic check re-creates the dropped webhooks', async () => {
    const p = await person(5);
    const { client } = await openClient(h.app.services.pipedrive, 1);
    for (const w of h.sb.sandbox.state(h.sb.companyId).webhooks.filter((x) => x.is_active))
      await client.webhooks.deleteWebhook({ id: w.id });
    h.sb.sandbox.clock.advance(60_000);
    h.sb.sandbox.human.update(h.sb.companyId, 'person', p.pipedriveId, { name: 'Changed While Deaf' });
    await settle();
    expect(await changesOf(p.recordId)).toHaveLength(0);

    const swept = (await h.app.http.post(`${base()}/sweep`).expect(200)).body;
    expect(swept.recorded).toBe(1);
    const changes = await changesOf(p.recordId);
    expect(changes.map((c) => [c.kind, c.source])).toEqual([['edit', 'sweep']]);
    expect(
      JSON.parse(changes[0].fields).map((f: { key: string; value: unknown }) => [f.key, f.value]),
    ).toEqual([['name', 'Changed While Deaf']]);
    expect((await h.app.http.post(`${base()}/sweep`).expect(200)).body.recorded).toBe(0);

    await h.app.services.delta.tick();
    const live = h.sb.sandbox
      .state(h.sb.companyId)
      .webhooks.filter((w) => w.is_active && w.subscription_url === `${url}/webhooks/pipedrive`);
    expect(live).toHaveLength(4);
    const health = (await h.app.http.get(`${base()}/webhooks`).expect(200)).body;
    expect(health.changes).toEqual({ 'delete:webhook': 1, 'edit:sweep': 1, 'edit:webhook': 4 });
    expect(health.sweep.sweptUntil).not.toBeNull();
  }, 120_000);
});
