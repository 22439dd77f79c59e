import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClient } from '../../server/http/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

describe.each(ENGINES)('HTTP foundation on %s', (engine) => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(path.join(os.tmpdir(), 'actimo-dist-'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>panel</title>');
    t = await startTestApp(engine, { client: builtClient(dist) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers /healthz', async () => {
    const res = await t.http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports ready on /readyz with the engine and applied migrations', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.database).toBe(engine);
    expect(res.body.migrations).toBeGreaterThanOrEqual(1);
  });

  it('reports not ready while a migration is pending, and ready again after it is applied', async () => {
    await t.testDb.db.migrate.down();
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.reason).toBe('migrations_pending');
    expect(res.body.pending).toHaveLength(1);
    await t.testDb.db.migrate.latest();
    expect((await t.http.get('/readyz')).status).toBe(200);
  });

  it('lets Pipedrive frame the panel and sends no X-Frame-Options', async () => {
    const res = await t.http.get('/');
    expect(res.headers['content-security-policy']).toContain(
      "frame-ancestors 'self' https://*.pipedrive.com",
    );
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the panel for its own deep links', async () => {
    const res = await t.http.get('/migrations/12/map').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toBe('<!doctype html><title>panel</title>');
  });

  it('gives every response a request id, reusing a well-formed incoming one', async () => {
    const fresh = await t.http.get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await t.http.get('/healthz').set('x-request-id', 'req-12345678');
    expect(echoed.headers['x-request-id']).toBe('req-12345678');
  });

  it('answers the local company on /api/session', async () => {
    const res = await t.http.get('/api/session');
    expect(res.body).toEqual({
      companyId: 1,
      userId: 1,
      mode: 'local',
      pipedriveTarget: 'sandbox',
      pipedriveNotice: 'Demo mode: writes go to a local Pipedrive sandbox, not to Pipedrive.',
    });
  });

  it('answers an unknown API route with a JSON 404', async () => {
    const res = await t.http.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
    expect(res.body.error.message).toBe('No route for GET /nope');
  });

  it('answers malformed JSON with a 400 and no stack trace', async () => {
    const res = await t.http.post('/api/session').set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

describe('HTTP error handler', () => {
  it('answers an unexpected error with a generic 500 that leaks neither message nor stack', async () => {
    const t = await startTestApp('sqlite', {
      resolveTenant: () => {
        throw new Error('connection string postgres://admin:hunter2@db');
      },
    });
    try {
      const res = await t.http.get('/api/session');
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal_error');
      expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
    } finally {
      await t.close();
    }
  });
});
