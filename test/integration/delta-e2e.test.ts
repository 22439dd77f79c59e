// The whole Marketplace life of a migration against the sandbox, over HTTP as the panel drives it:
// install through the sandbox's OAuth server, stage and migrate, go live (webhooks registered), receive
// webhooks for an edit and a deletion a person makes in Pipedrive, run a delta from a changed export, and
// uninstall. Each step is asserted on our database and on the sandbox's state.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../sandbox/index.ts';
import { findInstallation } from '../../server/tenants/installation.repository.ts';
import { countCompanyRows } from '../../server/tenants/purge.repository.ts';
import { writeSettings } from '../../server/tenants/settings.repository.ts';
import { DEFAULT_SETTINGS } from '../../server/tenants/settings.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const CLIENT_ID = 'actimo-delta-e2e';
const CLIENT_SECRET = 'd'.repeat(40);
const JWT_SECRET = 'e2e-jwt-secret';

async function until<T>(f: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(ENGINES)('install, migrate, webhooks, delta and uninstall on %s', (engine) => {
  let sb: RunningSandbox;
  let t: TestApp;
  let companyId: number;
  let adminId: number;
  let migrationId: number;
  let exportDir: string;
  let data: string;
  const auth = () =>
    `Bearer ${jwt.sign({ userId: adminId, companyId }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 300 })}`;
  const get = (url: string) => t.http.get(`/api${url}`).set('Authorization', auth());
  const post = (url: string) => t.http.post(`/api${url}`).set('Authorization', auth());
  const db = () => t.testDb.db;
  const person = (id: number) => sb.sandbox.state(companyId).persons.records.find((p) => p.id === id)!;
  const runToEnd = async (runId: number) => {
    const worker = t.services.migration.worker;
    worker.start();
    try {
      return await until(async () => {
        const { runs } = (await get(`/migrations/${migrationId}/runs`).expect(200)).body as {
          runs: Array<{ id: number; status: string }>;
        };
        const r = runs.find((x) => x.id === runId);
        return r && !['queued', 'running'].includes(r.status) ? r : undefined;
      }, `run ${runId}`);
    } finally {
      await worker.stop();
    }
  };

  beforeAll(async () => {
    sb = await startSandbox({ mode: 'test', seed: 'delta-e2e' });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    sb.sandbox.oauth.registerApp({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${appUrl}/auth/pipedrive/callback`,
    });
    const company = sb.sandbox.addCompany({ name: 'Fjord Care A/S', plan: 'premium', seats: 5 });
    companyId = company.companyId;
    adminId = company.users[0]!.id;
    data = mkdtempSync(path.join(os.tmpdir(), 'delta-e2e-'));
    t = await startTestApp(engine, {
      port,
      env: {
        PIPEDRIVE_CLIENT_ID: CLIENT_ID,
        PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        PIPEDRIVE_JWT_SECRET: JWT_SECRET,
        PIPEDRIVE_OAUTH_URL: sb.url,
        TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32),
        PUBLIC_URL: appUrl,
        DATA_DIR: data,
      },
    });
    exportDir = path.join(data, 'export');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sb?.close();
    if (data) rmSync(data, { recursive: true, force: true });
  });

  it('installs through the sandbox’s OAuth server', async () => {
    const start = await t.http.get('/auth/pipedrive');
    const state = new URL(start.headers.location!).searchParams.get('state')!;
    const code = sb.sandbox.oauth.issueCode({
      clientId: CLIENT_ID,
      companyId,
      userId: adminId,
      redirectUri: `${t.config.publicUrl}/auth/pipedrive/callback`,
    });
    expect((await t.http.get('/auth/pipedrive/callback').query({ code, state })).status).toBe(302);
    expect(await findInstallation(db(), companyId)).toMatchObject({ companyId, status: 'active' });
    await writeSettings(db(), companyId, { ...DEFAULT_SETTINGS, pipedrivePlan: 'premium', seats: 5 });
  });

  it('migrates, goes live and registers its webhooks', async () => {
    migrationId = (await post('/migrations').send({}).expect(201)).body.id;
    const set = await generateExportSet({ dir: exportDir, users: 10, language: 'en', seed: 21 });
    let req = post(`/migrations/${migrationId}/files`);
    for (const f of set.files) req = req.attach('file', f);
    await req.expect(201);
    const map = (await get(`/migrations/${migrationId}/map`).expect(200)).body;
    await post(`/migrations/${migrationId}/map/confirm`).send({ version: map.version }).expect(200);
    await post(`/migrations/${migrationId}/map/provision`).expect(200);
    const run = (await post(`/migrations/${migrationId}/run`).expect(202)).body;
    expect((await runToEnd(run.id)).status).toBe('completed');
    expect(sb.sandbox.state(companyId).persons.records.filter((p) => p.deleted_at === null)).toHaveLength(10);

    const health = await until(async () => {
      const b = (await get(`/migrations/${migrationId}/delta/webhooks`).expect(200)).body;
      return b.subscriptions.length === 4 ? b : undefined;
    }, 'webhook registration');
    expect(health.live).toBe(true);
    const hooks = sb.sandbox
      .state(companyId)
      .webhooks.filter(
        (w) => w.is_active && w.subscription_url === `${t.config.publicUrl}/webhooks/pipedrive`,
      );
    expect(hooks.map((w) => `${w.event_action}.${w.event_object}`).sort()).toEqual([
      'change.organization',
      'change.person',
      'delete.organization',
      'delete.person',
    ]);
  }, 120_000);

  it('records an edit and a deletion a person makes in Pipedrive', async () => {
    const recs = await db()('migration_records')
      .where({ company_id: companyId, migration_id: migrationId, entity: 'person' })
      .orderBy('id');
    const [edited, deleted] = [recs[0], recs[1]];
    sb.sandbox.clock.advance(60_000);
    sb.sandbox.human.update(companyId, 'person', Number(edited.pipedrive_id), {
      name: 'Edited In Pipedrive',
    });
    sb.sandbox.human.delete(companyId, 'person', Number(deleted.pipedrive_id));
    await sb.sandbox.webhooks.settled();
    await t.services.webhooks.drain();
    expect(person(Number(deleted.pipedrive_id)).deleted_at).not.toBeNull();
    const changes = (await get(`/migrations/${migrationId}/delta/changes`).expect(200)).body.changes;
    expect(
      changes.map(
        (c: { kind: string; actimoKey: string; fields: Array<{ key: string; value: unknown }> }) => [
          c.kind,
          c.actimoKey,
          c.fields.map((f) => [f.key, f.value]),
        ],
      ),
    ).toEqual([
      ['edit', edited.actimo_key, [['name', 'Edited In Pipedrive']]],
      ['delete', deleted.actimo_key, []],
    ]);
    const after = await db()('migration_records').whereIn('id', [edited.id, deleted.id]).orderBy('id');
    expect([JSON.parse(after[0].human_fields), after[1].deleted_in_pipedrive_at !== null]).toEqual([
      ['name'],
      true,
    ]);
  });

  it('runs a delta from a changed export: the human’s edit and deletion are respected', async () => {
    const recs = await db()('migration_records')
      .where({ company_id: companyId, migration_id: migrationId, entity: 'person' })
      .orderBy('id');
    const text = readFileSync(path.join(exportDir, 'users.csv'), 'utf8').trimEnd();
    const [header, ...rows] = text.split(/\r?\n/);
    const cells = rows.map((r) => r.split(','));
    // Every user gets a new job title, including the one edited and the one deleted in Pipedrive.
    const newer = cells.map((c) => [...c.slice(0, 5), `Title ${c[0]}`, ...c.slice(6)]);
    const file = path.join(data, 'users-newer.csv');
    writeFileSync(file, `${header}\r\n${newer.map((c) => c.join(',')).join('\r\n')}\r\n`);
    await post(`/migrations/${migrationId}/files`).attach('file', file, 'users.csv').expect(201);

    const preview = (await post(`/migrations/${migrationId}/delta/preview`).send({}).expect(200)).body;
    expect(preview.counts).toEqual({ created: 0, updated: 9, heldBack: 0, gone: 0, deletedInPipedrive: 1 });
    const { run } = (await post(`/migrations/${migrationId}/delta/apply`).send({}).expect(202)).body;
    expect((await runToEnd(run.id)).status).toBe('completed');

    const [edited, deleted] = [recs[0], recs[1]];
    expect([person(Number(edited.pipedrive_id)).name, person(Number(edited.pipedrive_id)).job_title]).toEqual(
      ['Edited In Pipedrive', `Title ${edited.actimo_key}`],
    );
    expect(person(Number(deleted.pipedrive_id)).deleted_at).not.toBeNull();
    for (const r of recs.slice(2))
      expect(person(Number(r.pipedrive_id)).job_title).toBe(`Title ${r.actimo_key}`);
    const sent = await db()('ledger').where({ company_id: companyId, run_id: run.id });
    expect(sent.map((l) => l.op)).toEqual(Array(9).fill('update'));
    await sb.sandbox.webhooks.settled();
    await t.services.webhooks.drain();
    const changes = (await get(`/migrations/${migrationId}/delta/changes`).expect(200)).body.changes;
    expect(changes).toHaveLength(2);
  }, 120_000);

  it('uninstalls: every row of the company is purged and its webhooks are gone from Pipedrive', async () => {
    const result = await sb.sandbox.oauth.uninstall({ clientId: CLIENT_ID, companyId, userId: adminId });
    expect(result).toMatchObject({ callbackStatus: 200 });
    const rows = await countCompanyRows(db(), companyId);
    expect(rows.record_changes).toBe(0);
    expect(Object.entries(rows).filter(([, n]) => n > 0)).toEqual([]);
    expect(await findInstallation(db(), companyId)).toBeUndefined();
    expect(
      sb.sandbox
        .state(companyId)
        .webhooks.filter((w) => w.is_active && w.subscription_url.startsWith(t.config.publicUrl)),
    ).toEqual([]);
  });
});
