// The Marketplace journey against the sandbox's own OAuth server and API: install, call Pipedrive with
// the installation's token, register webhooks, receive one for a human edit, and uninstall through
// Pipedrive's DELETE callback. Asserted on our database and on the sandbox's state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../sandbox/index.ts';
import { loadManifest } from '../../server/manifest.ts';
import { openClient } from '../../server/pipedrive/connections.ts';
import { findInstallation } from '../../server/tenants/installation.repository.ts';
import { countCompanyRows } from '../../server/tenants/purge.repository.ts';
import { ensureWebhooks, parseEvents } from '../../server/webhooks/registration.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const CLIENT_ID = 'actimo-test-app';
const CLIENT_SECRET = 'a'.repeat(40);

describe.each(ENGINES)('Marketplace journey against the sandbox on %s', (engine) => {
  let sb: RunningSandbox;
  let t: TestApp;
  let companyId: number;
  let adminId: number;

  beforeAll(async () => {
    sb = await startSandbox({ mode: 'test', seed: 'marketplace' });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    sb.sandbox.oauth.registerApp({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${appUrl}/auth/pipedrive/callback`,
    });
    const company = sb.sandbox.addCompany({ name: 'Nordlys ApS', plan: 'growth', seats: 3 });
    companyId = company.companyId;
    adminId = company.users[0]!.id;
    t = await startTestApp(engine, {
      port,
      env: {
        PIPEDRIVE_CLIENT_ID: CLIENT_ID,
        PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        PIPEDRIVE_OAUTH_URL: sb.url,
        TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
        PUBLIC_URL: appUrl,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sb?.close();
  });

  it('installs with a code from the sandbox and learns the company from /users/me', async () => {
    const start = await t.http.get('/auth/pipedrive');
    const state = new URL(start.headers.location!).searchParams.get('state')!;
    const code = sb.sandbox.oauth.issueCode({
      clientId: CLIENT_ID,
      companyId,
      userId: adminId,
      redirectUri: `${t.config.publicUrl}/auth/pipedrive/callback`,
    });
    const res = await t.http.get('/auth/pipedrive/callback').query({ code, state });
    expect(res.status).toBe(302);
    const inst = await findInstallation(t.testDb.db, companyId);
    expect(inst).toMatchObject({ companyId, userId: adminId, apiDomain: sb.url, status: 'active' });
  });

  it('calls the company’s Pipedrive with the installation’s OAuth token', async () => {
    const { client } = await openClient(t.services.pipedrive, companyId);
    const users = (await client.users.getUsers()).data ?? [];
    expect(users.map((u) => u.id)).toContain(adminId);
    expect(sb.sandbox.requests.list({ companyId }).at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v1/users',
    });
  });

  it('registers its webhooks once, and receives a human edit through them', async () => {
    const { client } = await openClient(t.services.pipedrive, companyId);
    const wanted = parseEvents(loadManifest().webhooks.events);
    const url = `${t.config.publicUrl}/webhooks/pipedrive`;
    expect(await ensureWebhooks(t.testDb.db, client, companyId, url, wanted)).toEqual({
      created: 4,
      kept: 0,
      deleted: 0,
      rotatedCredentials: true,
    });
    expect(await ensureWebhooks(t.testDb.db, client, companyId, url, wanted)).toEqual({
      created: 0,
      kept: 4,
      deleted: 0,
      rotatedCredentials: false,
    });
    expect(
      sb.sandbox.state(companyId).webhooks.filter((w) => w.subscription_url === url && w.is_active),
    ).toHaveLength(4);

    const { id } = sb.sandbox.human.create(companyId, 'person', { name: 'Ida Holm' }, { userId: adminId });
    sb.sandbox.human.update(companyId, 'person', id, { name: 'Ida Holm-Berg' }, { userId: adminId });
    await sb.sandbox.webhooks.settled();
    const events = await t.testDb.db('webhook_events').where({ company_id: companyId }).orderBy('id');
    expect(events.map((e) => [e.action, e.entity, e.entity_id, e.change_source])).toEqual([
      ['change', 'person', String(id), 'app'],
    ]);
  });

  it('re-creates webhooks Pipedrive dropped, with new credentials', async () => {
    const { client } = await openClient(t.services.pipedrive, companyId);
    const url = `${t.config.publicUrl}/webhooks/pipedrive`;
    const [first] = sb.sandbox
      .state(companyId)
      .webhooks.filter((w) => w.subscription_url === url && w.is_active);
    await client.webhooks.deleteWebhook({ id: first!.id });
    const before = await t.testDb.db('webhook_credentials').where({ company_id: companyId }).first();
    const result = await ensureWebhooks(
      t.testDb.db,
      client,
      companyId,
      url,
      parseEvents(loadManifest().webhooks.events),
    );
    expect(result).toEqual({ created: 4, kept: 0, deleted: 3, rotatedCredentials: true });
    const after = await t.testDb.db('webhook_credentials').where({ company_id: companyId }).first();
    expect(after.http_auth_user).not.toBe(before.http_auth_user);
  });

  it('purges the company when Pipedrive calls the uninstall callback', async () => {
    const result = await sb.sandbox.oauth.uninstall({ clientId: CLIENT_ID, companyId, userId: adminId });
    expect(result).toMatchObject({ callbackStatus: 200 });
    const rows = await countCompanyRows(t.testDb.db, companyId);
    expect(Object.entries(rows).filter(([, n]) => n > 0)).toEqual([]);
    expect(
      sb.sandbox
        .state(companyId)
        .webhooks.filter((w) => w.subscription_url.startsWith(t.config.publicUrl) && w.is_active),
    ).toEqual([]);
  });
});
