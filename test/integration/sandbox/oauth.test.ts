import { v2 } from 'pipedrive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthApp } from '../../../sandbox/oauth-store.ts';
import { type Receiver, startReceiver } from '../../helpers/receiver.ts';
import { rejection, sdkClients, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox OAuth: approval page, code and refresh grants, scopes, revoke, uninstall callback', () => {
  let t: TestSandbox;
  let callback: Receiver;
  let app: OAuthApp;

  beforeAll(async () => {
    t = await startTestSandbox();
    callback = await startReceiver();
    app = t.sandbox.oauth.registerApp({
      clientId: 'actimo-migrator',
      clientSecret: 'very-secret-client-secret',
      redirectUri: `${callback.url}/auth/callback`,
      name: 'Actimo Migrator',
      scopes: ['contacts:full', 'contact-fields:full', 'activities:full', 'users:read'],
    });
  });
  afterAll(async () => {
    await t.close();
    await callback.close();
  });

  const sdkOAuth = () =>
    new v2.OAuth2Configuration({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: app.redirectUri,
      host: t.url,
    });

  async function approve(state?: string): Promise<URL> {
    const form = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      installer: `${t.companyId}:${t.adminId}`,
      decision: 'allow',
      ...(state ? { state } : {}),
    });
    const res = await fetch(`${t.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  it('shows an approval page that names the app, its scopes and that this is the sandbox', async () => {
    const res = await fetch(`${sdkOAuth().authorizationUrl}&state=xyz`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Allow “Actimo Migrator” to access your Pipedrive account?');
    expect(html).toContain('This is the local Pipedrive sandbox, not Pipedrive.');
    expect(html).toContain('<code>contacts:full</code>');
    expect(html).toContain(`<option value="${t.companyId}:${t.adminId}">Acme HR — Admin`);
    expect(html).toContain('<input type="hidden" name="state" value="xyz">');
    const wrong = await fetch(
      `${t.url}/oauth/authorize?client_id=${app.clientId}&redirect_uri=https://evil.example/cb`,
    );
    expect(wrong.status).toBe(400);
  });

  it('redirects with error=access_denied when the user cancels', async () => {
    const form = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      state: 's1',
      decision: 'deny',
    });
    const res = await fetch(`${t.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const to = new URL(res.headers.get('location')!);
    expect([to.pathname, to.searchParams.get('error'), to.searchParams.get('state')]).toEqual([
      '/auth/callback',
      'access_denied',
      's1',
    ]);
  });

  it('exchanges the code with the SDK (Basic client auth) for tokens with api_domain, and the token works', async () => {
    const to = await approve('st-1');
    expect(to.searchParams.get('state')).toBe('st-1');
    const oauth = sdkOAuth();
    const token = (await oauth.authorize(to.searchParams.get('code')!)) as unknown as Record<string, unknown>;
    expect(token).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3599,
      api_domain: t.url,
      scope: 'base,contacts:full,contact-fields:full,activities:full,users:read',
    });
    expect(token.access_token).toMatch(new RegExp(`^${t.companyId}:${t.adminId}:[0-9a-f]{40}$`));
    expect(oauth.basePath).toBe(`${t.url}/api/v2`);
    const pd = sdkClients(t.url, { accessToken: token.access_token as string });
    const created = await pd.persons.addPerson({ AddPersonRequest: { name: 'Via OAuth' } });
    expect(created.data!.owner_id).toBe(t.adminId);
    expect(t.sandbox.requests.list().at(-1)).toMatchObject({
      authType: 'oauth',
      credential: `oauth ${app.clientId}`,
    });
  });

  it('uses a code once, and only within 5 minutes', async () => {
    const code = (await approve()).searchParams.get('code')!;
    await sdkOAuth().authorize(code);
    expect(await rejection(sdkOAuth().authorize(code))).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid or expired authorization code',
    });
    const late = (await approve()).searchParams.get('code')!;
    t.sandbox.clock.advance(5 * 60_000);
    expect((await rejection(sdkOAuth().authorize(late))).error).toBe('invalid_grant');
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const code = (await approve()).searchParams.get('code')!;
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${app.clientId}:wrong`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: app.redirectUri }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
  });

  it('enforces scopes: an app without "admin" cannot create webhooks', async () => {
    const oauth = sdkOAuth();
    const token = (await oauth.authorize((await approve()).searchParams.get('code')!)) as unknown as {
      access_token: string;
    };
    const pd = sdkClients(t.url, { accessToken: token.access_token });
    const err = await rejection(
      pd.webhooks.addWebhook({
        AddWebhookRequest: {
          name: 'x',
          subscription_url: `${callback.url}/h`,
          event_action: '*',
          event_object: '*',
        },
      }),
    );
    expect(err).toMatchObject({ success: false, error: 'Scope and URL mismatch', errorCode: 403 });
  });

  it('expires access tokens after 3599 s on the sandbox clock; the refresh grant issues a new one', async () => {
    const oauth = sdkOAuth();
    const first = (await oauth.authorize((await approve()).searchParams.get('code')!)) as unknown as Record<
      string,
      string
    >;
    t.sandbox.clock.advance(3_599_000);
    const expired = await t.raw('/api/v2/persons', {
      token: null,
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(expired.status).toBe(401);
    const refreshed = (await oauth.tokenRefresh()) as unknown as Record<string, string>;
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed.refresh_token).toBe(first.refresh_token);
    expect(refreshed.api_domain).toBe(t.url);
    const ok = await t.raw('/api/v2/persons', {
      token: null,
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(ok.status).toBe(200);
  });

  it('revoking the refresh token ends the grant: its access tokens stop working and it cannot be refreshed', async () => {
    const oauth = sdkOAuth();
    const token = (await oauth.authorize((await approve()).searchParams.get('code')!)) as unknown as Record<
      string,
      string
    >;
    await oauth.revokeToken('refresh_token');
    const after = await t.raw('/api/v2/persons', {
      token: null,
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(after.status).toBe(401);
    expect(await rejection(oauth.tokenRefresh())).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });
  });

  it('uninstall: revokes the grants, removes the app’s webhooks and sends the DELETE callback with Basic auth', async () => {
    const full = t.sandbox.oauth.registerApp({
      clientId: 'full-app',
      redirectUri: `${callback.url}/auth/callback`,
      name: 'Full',
    });
    const code = t.sandbox.oauth.issueCode({
      clientId: full.clientId,
      companyId: t.companyId,
      userId: t.adminId,
      redirectUri: full.redirectUri,
    });
    const { accessToken } = t.sandbox.oauth.exchangeCode(full, code, full.redirectUri);
    const pd = sdkClients(t.url, { accessToken });
    await pd.webhooks.addWebhook({
      AddWebhookRequest: {
        name: 'app hook',
        subscription_url: `${callback.url}/h`,
        event_action: '*',
        event_object: 'person',
      },
    });
    expect((await pd.webhooks.getWebhooks()).data!.map((w) => w.type)).toEqual(['application']);
    expect((await t.pd.webhooks.getWebhooks()).data).toEqual([]);
    callback.received.length = 0;
    const result = await t.sandbox.oauth.uninstall({
      clientId: full.clientId,
      companyId: t.companyId,
      userId: t.adminId,
    });
    expect(result).toMatchObject({
      revokedGrants: 1,
      removedWebhooks: 1,
      callbackStatus: 200,
      callbackError: null,
    });
    expect(callback.received).toHaveLength(1);
    const [req] = callback.received;
    expect(req!.method).toBe('DELETE');
    expect(req!.path).toBe('/auth/callback');
    expect(req!.headers.authorization).toBe(
      `Basic ${Buffer.from(`full-app:${full.clientSecret}`).toString('base64')}`,
    );
    expect(req!.body).toEqual({
      client_id: 'full-app',
      company_id: t.companyId,
      user_id: t.adminId,
      timestamp: new Date(t.sandbox.clock.now()).toISOString(),
    });
    expect(
      (await t.raw('/api/v2/persons', { token: null, headers: { authorization: `Bearer ${accessToken}` } }))
        .status,
    ).toBe(401);
  });
});
