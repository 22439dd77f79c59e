// Marketplace mode end to end over HTTP: install through OAuth, calls signed by the iframe JWT, token
// refresh, uninstall. "Pipedrive" here is a scripted OAuth server + /users/me, so each test can choose
// what it answers (invalid grants, for one); the sandbox-backed journey lives in its own test.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { findInstallation } from '../../server/tenants/installation.repository.ts';
import { countCompanyRows } from '../../server/tenants/purge.repository.ts';
import { writeSettings } from '../../server/tenants/settings.repository.ts';
import { DEFAULT_SETTINGS } from '../../server/tenants/settings.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const CLIENT_ID = 'cid-123';
const CLIENT_SECRET = 'csecret-456';
const JWT_SECRET = 'jwt-secret-789';

interface FakePipedrive {
  url: string;
  tokenCalls: Array<{ grant: string; basic: string | undefined }>;
  issued: string[];
  refuseRefresh: boolean;
  companyFor: Map<string, number>;
  close(): Promise<void>;
}

async function fakePipedrive(): Promise<FakePipedrive> {
  const state: Omit<FakePipedrive, 'url' | 'close'> = {
    tokenCalls: [],
    issued: [],
    refuseRefresh: false,
    companyFor: new Map(),
  };
  let n = 0;
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  let url = '';
  const issue = (companyId: number, apiDomain = url) => {
    n++;
    const access = `${companyId}:access-${n}-SECRETVALUE`;
    const refresh = `${companyId}:refresh-${n}-SECRETVALUE`;
    state.issued.push(access, refresh);
    state.companyFor.set(access, companyId);
    state.companyFor.set(refresh, companyId);
    // expires_in 60 s: inside our 5-minute refresh-ahead margin, so the next use refreshes.
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'base,contacts:full',
      api_domain: apiDomain,
    };
  };
  app.post('/oauth/token', (req, res) => {
    state.tokenCalls.push({ grant: req.body.grant_type, basic: req.header('authorization') });
    if (
      req.header('authorization') !==
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
    ) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if (req.body.grant_type === 'authorization_code') {
      const companyId = Number(String(req.body.code).replace('code-for-', ''));
      res.json(issue(companyId));
      return;
    }
    if (state.refuseRefresh || !state.companyFor.has(req.body.refresh_token)) {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    // Pipedrive may move a company to another API domain; every refresh answer says where it is now.
    res.json(issue(state.companyFor.get(req.body.refresh_token)!, url.replace('127.0.0.1', 'localhost')));
  });
  app.get('/api/v1/users/me', (req, res) => {
    const token = req.header('authorization')?.replace('Bearer ', '') ?? '';
    const companyId = state.companyFor.get(token);
    if (!companyId) {
      res.status(401).json({ success: false, error: 'unauthorized access', errorCode: 401 });
      return;
    }
    res.json({
      success: true,
      data: {
        id: 500 + companyId,
        company_id: companyId,
        company_name: `Company ${companyId}`,
        email: 'admin@example.com',
      },
    });
  });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, close: () => new Promise<void>((r) => server.close(() => r())) });
}

const iframeToken = (companyId: number, userId = 1, secret = JWT_SECRET) =>
  jwt.sign({ userId, companyId }, secret, { algorithm: 'HS256', expiresIn: 300 });

describe.each(ENGINES)('Marketplace app on %s', (engine) => {
  let pd: FakePipedrive;
  let t: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    pd = await fakePipedrive();
    t = await startTestApp(engine, {
      logger: createLogger(
        'debug',
        new Writable({
          write(chunk, _e, cb) {
            logLines.push(String(chunk));
            cb();
          },
        }),
      ),
      env: {
        PIPEDRIVE_CLIENT_ID: CLIENT_ID,
        PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
        PIPEDRIVE_JWT_SECRET: JWT_SECRET,
        PIPEDRIVE_OAUTH_URL: pd.url,
        TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
        PUBLIC_URL: 'https://app.example.com',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await pd.close();
  });

  const install = (companyId: number, state?: string) =>
    t.http
      .get('/auth/pipedrive/callback')
      .query({ code: `code-for-${companyId}`, ...(state === undefined ? {} : { state }) });

  it('starts an install with a signed state and our callback URL', async () => {
    const res = await t.http.get('/auth/pipedrive');
    expect(res.status).toBe(302);
    const to = new URL(res.headers.location!);
    expect(`${to.origin}${to.pathname}`).toBe(`${pd.url}/oauth/authorize`);
    expect(to.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(to.searchParams.get('redirect_uri')).toBe('https://app.example.com/auth/pipedrive/callback');
    expect(to.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
  });

  it('installs from our own link, storing tokens encrypted, and sends the admin to the app settings', async () => {
    const start = await t.http.get('/auth/pipedrive');
    const state = new URL(start.headers.location!).searchParams.get('state')!;
    const res = await install(1001, state);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${pd.url}/settings/marketplace/app/${CLIENT_ID}/app-settings`);
    const inst = await findInstallation(t.testDb.db, 1001);
    expect(inst).toMatchObject({
      companyId: 1001,
      userId: 1501,
      apiDomain: pd.url,
      status: 'active',
      scope: 'base,contacts:full',
    });
    expect(inst?.accessTokenEnc).toMatch(/^v1\.k1\./);
    expect(inst?.accessTokenEnc).not.toContain('SECRETVALUE');
    expect(pd.tokenCalls.at(-1)?.basic).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
  });

  it('installs from the Marketplace, which sends no state', async () => {
    expect((await install(1002)).status).toBe(302);
    expect((await findInstallation(t.testDb.db, 1002))?.status).toBe('active');
  });

  it('refuses a callback with a forged state and installs nothing', async () => {
    const res = await install(1003, 'forged.state');
    expect(res.status).toBe(400);
    expect(await findInstallation(t.testDb.db, 1003)).toBeUndefined();
  });

  it('serves the company named by a valid iframe JWT, never one from the request', async () => {
    const res = await t.http
      .get('/api/session?companyId=1002')
      .set('Authorization', `Bearer ${iframeToken(1001, 77)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      companyId: 1001,
      userId: 77,
      mode: 'marketplace',
      pipedriveTarget: 'pipedrive',
      pipedriveNotice: null,
    });
  });

  it.each([
    ['no token', undefined, 401, 'invalid_token'],
    ['a token signed with another secret', iframeToken(1001, 1, 'not-the-secret'), 401, 'invalid_token'],
    [
      'an expired token',
      jwt.sign({ userId: 1, companyId: 1001, exp: 1_600_000_000 }, JWT_SECRET),
      401,
      'invalid_token',
    ],
    ['a token of a company that has not installed', iframeToken(4242), 403, 'app_not_installed'],
  ])('rejects %s', async (_what, token, status, code) => {
    const req = t.http.get('/api/session');
    const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('refreshes an expiring token once however many callers ask at once, and keeps the new api_domain', async () => {
    const installs = t.services.installs!;
    const before = pd.tokenCalls.filter((c) => c.grant === 'refresh_token').length;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => installs.accessToken(1001)));
    expect(new Set(tokens).size).toBe(1);
    expect(pd.tokenCalls.filter((c) => c.grant === 'refresh_token').length).toBe(before + 1);
    expect(tokens[0]).toBe(pd.issued.at(-2));
    expect((await findInstallation(t.testDb.db, 1001))?.apiDomain).toBe(
      pd.url.replace('127.0.0.1', 'localhost'),
    );
    expect((await installs.connection(1001)).apiUrl).toBe(pd.url.replace('127.0.0.1', 'localhost'));
  });

  it('marks the installation uninstalled when Pipedrive refuses the refresh token', async () => {
    pd.refuseRefresh = true;
    try {
      // A fresh install's 60-second token is inside the refresh-ahead margin, so it is refreshed at once.
      await install(1004);
      await expect(t.services.installs!.accessToken(1004)).rejects.toThrow(
        'The app is not installed for Pipedrive company 1004',
      );
      expect((await findInstallation(t.testDb.db, 1004))?.status).toBe('uninstalled');
      const res = await t.http.get('/api/session').set('Authorization', `Bearer ${iframeToken(1004)}`);
      expect(res.status).toBe(403);
    } finally {
      pd.refuseRefresh = false;
    }
  });

  it('refuses an uninstall call with wrong Basic credentials and purges nothing', async () => {
    const before = await countCompanyRows(t.testDb.db, 1001);
    const res = await t.http
      .delete('/auth/pipedrive/callback')
      .auth(CLIENT_ID, 'wrong')
      .send({ client_id: CLIENT_ID, company_id: 1001, user_id: 1501, timestamp: 1 });
    expect(res.status).toBe(401);
    expect(await countCompanyRows(t.testDb.db, 1001)).toEqual(before);
    expect(before.installations).toBe(1);
  });

  it('purges every row of the uninstalled company in every table, and nothing of another', async () => {
    await writeSettings(t.testDb.db, 1001, DEFAULT_SETTINGS);
    const other = await countCompanyRows(t.testDb.db, 1002);
    const res = await t.http
      .delete('/auth/pipedrive/callback')
      .auth(CLIENT_ID, CLIENT_SECRET)
      .send({ client_id: CLIENT_ID, company_id: 1001, user_id: 1501, timestamp: 1_764_000_000 });
    expect(res.status).toBe(200);
    const after = await countCompanyRows(t.testDb.db, 1001);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(Object.keys(after)).toEqual(
      expect.arrayContaining(['companies', 'company_settings', 'installations', 'pipedrive_token_usage']),
    );
    expect(await countCompanyRows(t.testDb.db, 1002)).toEqual(other);
    const call = await t.http.get('/api/session').set('Authorization', `Bearer ${iframeToken(1001)}`);
    expect(call.status).toBe(403);
  });

  it('never wrote a token to the log', () => {
    expect(logLines.length).toBeGreaterThan(5);
    const all = logLines.join('');
    for (const token of pd.issued) expect(all).not.toContain(token);
    expect(all).not.toContain('SECRETVALUE');
    expect(all).not.toContain(CLIENT_SECRET);
  });
});
