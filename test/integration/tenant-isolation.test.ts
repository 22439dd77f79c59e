// Multi-tenant isolation: company B, with a valid iframe JWT of its own, can read or change nothing of
// company A's, through any route of the API. Every route the API serves must be in the table below (a
// guard test walks the router), so a new route cannot ship without its isolation check. For each route:
// B's request on A's resources is refused (403/404) and changes none of A's rows; the same request made by
// A is not refused that way, which proves B's refusal is the tenant check and not a malformed request.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Router } from 'express';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../server/app.ts';
import type { Knex } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { buildServices } from '../../server/services.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { saveInstallation } from '../../server/tenants/installation.repository.ts';
import { encryptToken } from '../../server/tenants/token-crypto.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const KEY_HEX = '12'.repeat(32);
const KEYS = { current: { id: 'k1', key: Buffer.from(KEY_HEX, 'hex') } };
const A = 51;
const B = 52;
const FIXTURE = path.resolve('test/fixtures/quirks/users-semicolon-decimal-comma.csv');
const bearer = (companyId: number) =>
  `Bearer ${jwt.sign({ userId: 9, companyId }, 'jwt', { algorithm: 'HS256', expiresIn: 300 })}`;

interface Ids {
  id: number;
  fileId: number;
  profileId: number;
  version: number;
}

interface Probe {
  /** A's resources in the path: B must be refused. Collections: B gets only its own. */
  scoped: boolean;
  body?: (ids: Ids) => object;
  attach?: true;
}

/** Every route of the API, with how to call it. Keep in step with the routers (the guard test checks). */
const ROUTES: Record<string, Probe> = {
  'GET /session': { scoped: false },
  'POST /migrations': { scoped: false, body: () => ({ name: 'B’s own' }) },
  'GET /migrations': { scoped: false },
  'GET /migrations/:id': { scoped: true },
  'POST /migrations/:id/files': { scoped: true, attach: true },
  'GET /migrations/:id/files': { scoped: true },
  'PATCH /migrations/:id/files/:fileId': { scoped: true, body: () => ({ kind: 'users' }) },
  'GET /migrations/:id/memberships': { scoped: true },
  'GET /migrations/:id/staged/:entity': { scoped: true },
  'GET /migrations/:id/map': { scoped: true },
  'GET /migrations/:id/map/versions': { scoped: true },
  'PATCH /migrations/:id/map/source': {
    scoped: true,
    body: (i) => ({ version: i.version, changes: [{ fileId: i.fileId, column: 0, accept: true }] }),
  },
  'PATCH /migrations/:id/map/destinations': {
    scoped: true,
    body: (i) => ({
      version: i.version,
      changes: [{ entity: 'person', field: 'department', destination: { kind: 'note' } }],
    }),
  },
  'POST /migrations/:id/map/confirm': { scoped: true, body: (i) => ({ version: i.version }) },
  'GET /migrations/:id/map/preview/:entity': { scoped: true },
  'GET /migrations/:id/map/account-fields': { scoped: true },
  'GET /migrations/:id/map/provisioning': { scoped: true },
  'POST /migrations/:id/map/provision': { scoped: true },
  'POST /migrations/:id/map/profiles': { scoped: true, body: () => ({ name: 'profile from B' }) },
  'POST /migrations/:id/map/apply-profile': {
    scoped: true,
    body: (i) => ({ version: i.version, profileId: i.profileId }),
  },
  'GET /migrations/:id/map/schema.json': { scoped: true },
  'GET /migrations/:id/map/spec.json': { scoped: true },
  'GET /migrations/:id/map/schema.md': { scoped: true },
  'GET /migrations/:id/map/spec.md': { scoped: true },
  'POST /migrations/:id/plan': { scoped: true },
  'POST /migrations/:id/sample': { scoped: true, body: () => ({ size: 10 }) },
  'GET /migrations/:id/sample/diff': { scoped: true },
  'POST /migrations/:id/sample/accept': { scoped: true },
  'POST /migrations/:id/run': { scoped: true },
  'GET /migrations/:id/run': { scoped: true },
  'GET /migrations/:id/runs': { scoped: true },
  'POST /migrations/:id/run/pause': { scoped: true },
  'POST /migrations/:id/run/resume': { scoped: true },
  'POST /migrations/:id/run/cancel': { scoped: true },
  'GET /migrations/:id/run/events': { scoped: true },
  'GET /migrations/:id/records': { scoped: true },
  'GET /migrations/:id/artifacts': { scoped: true },
  'GET /migrations/:id/artifacts/workflows.json': { scoped: true },
  'GET /migrations/:id/artifacts/workflows.md': { scoped: true },
  'GET /migrations/:id/artifacts/integrations.json': { scoped: true },
  'GET /migrations/:id/artifacts/integrations.md': { scoped: true },
  'GET /migrations/:id/report': { scoped: true },
  'GET /migrations/:id/report.html': { scoped: true },
  'GET /migrations/:id/report/skipped': { scoped: true },
  'GET /migrations/:id/report/skipped/:fileId': { scoped: true },
  'GET /migrations/:id/delta/webhooks': { scoped: true },
  'POST /migrations/:id/delta/webhooks': { scoped: true },
  'POST /migrations/:id/delta/sweep': { scoped: true },
  'GET /migrations/:id/delta/changes': { scoped: true },
  'GET /migrations/:id/delta/events': { scoped: true },
  'POST /migrations/:id/delta/preview': { scoped: true, body: () => ({ policy: 'keep_pipedrive' }) },
  'POST /migrations/:id/delta/apply': { scoped: true, body: () => ({ policy: 'overwrite' }) },
  'POST /migrations/:id/rollback/dry-run': { scoped: true, body: () => ({}) },
  'POST /migrations/:id/rollback': { scoped: true, body: () => ({ token: 'from-the-dry-run' }) },
  'GET /migrations/:id/rollback': { scoped: true },
  'GET /migrations/:id/rollback/conflicts': { scoped: true },
  'GET /migrations/:id/audit': { scoped: true },
  'GET /mapping-profiles': { scoped: false },
  'GET /mapping-profiles/:profileId': { scoped: true },
  'POST /mapping-profiles': { scoped: false, body: () => ({ version: 1, name: 'imported by B', map: {} }) },
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

function routesOf(router: { stack: RouterLayer[] }): string[] {
  const out: string[] = [];
  for (const layer of router.stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path}`);
    } else if (layer.handle?.stack) {
      out.push(...routesOf(layer.handle as { stack: RouterLayer[] }));
    }
  }
  return out;
}

/** A fingerprint of every row company A has in every company-scoped table. */
async function snapshotOf(db: Knex, companyId: number): Promise<Record<string, string>> {
  const tables: string[] =
    db.client.config.client === 'pg'
      ? (
          await db.raw(
            "select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'company_id'",
          )
        ).rows.map((r: { table_name: string }) => r.table_name)
      : (
          await db.raw(
            "select m.name from sqlite_master m, pragma_table_info(m.name) c where m.type = 'table' and c.name = 'company_id'",
          )
        ).map((r: { name: string }) => r.name);
  const out: Record<string, string> = {};
  for (const t of tables.sort()) {
    const rows = await db(t).where({ company_id: companyId }).orderBy(1);
    out[t] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  return out;
}

const fill = (route: string, ids: Ids) =>
  route
    .replace(':fileId', String(ids.fileId))
    .replace(':profileId', String(ids.profileId))
    .replace(':entity', 'person')
    .replace(':id', String(ids.id));

describe('the API route table', () => {
  it('lists every route the API serves, so none escapes the isolation check', async () => {
    const t = await startTestApp('sqlite');
    try {
      const logger = createLogger('silent');
      const router = createApiRouter({
        config: t.config,
        db: t.testDb.db,
        logger,
        services: buildServices({ config: t.config, db: t.testDb.db, logger }),
      }) as unknown as Router & { stack: RouterLayer[] };
      expect(routesOf(router).sort()).toEqual(Object.keys(ROUTES).sort());
    } finally {
      await t.close();
    }
  });
});

describe.each(ENGINES)('tenant isolation on %s', (engine) => {
  let t: TestApp;
  let ids: Ids;
  let before: Record<string, string>;
  const asCompany = (companyId: number, route: string) => {
    const [method, template] = route.split(' ') as [string, string];
    const probe = ROUTES[route]!;
    const url = `/api${fill(template, ids)}`;
    const req = t.http[method.toLowerCase() as 'get' | 'post' | 'patch'](url).set(
      'Authorization',
      bearer(companyId),
    );
    if (probe.attach) return req.attach('file', FIXTURE, 'users.csv');
    return probe.body ? req.send(probe.body(ids)) : req;
  };

  beforeAll(async () => {
    t = await startTestApp(engine, {
      env: {
        PIPEDRIVE_CLIENT_ID: 'cid',
        PIPEDRIVE_CLIENT_SECRET: 'secret',
        PIPEDRIVE_JWT_SECRET: 'jwt',
        TOKEN_ENCRYPTION_KEY: KEY_HEX,
      },
    });
    for (const id of [A, B]) {
      await upsertCompany(t.testDb.db, { id, name: `Company ${id}`, mode: 'marketplace' });
      // A Pipedrive nobody answers at: calls that reach it fail as upstream errors, never as refusals.
      await saveInstallation(t.testDb.db, id, {
        userId: 9,
        apiDomain: 'http://127.0.0.1:9',
        accessTokenEnc: encryptToken(KEYS, id, `${id}:access`),
        refreshTokenEnc: encryptToken(KEYS, id, `${id}:refresh`),
        expiresAt: new Date(Date.now() + 3_600_000),
        scope: 'base',
      });
    }
    // Company A's migration, with a staged file, a map and a saved profile.
    const m = await t.http
      .post('/api/migrations')
      .set('Authorization', bearer(A))
      .send({ name: 'A’s migration' });
    // With the workflows and integrations exports, so A's rebuild artifacts exist.
    const up = await t.http
      .post(`/api/migrations/${m.body.id}/files`)
      .set('Authorization', bearer(A))
      .attach('file', FIXTURE, 'users.csv')
      .attach('file', path.resolve('test/fixtures/documents/workflows-onboarding.json'), 'workflows.json')
      .attach('file', path.resolve('test/fixtures/documents/integrations-hris.json'), 'integrations.json');
    const map = await t.http.get(`/api/migrations/${m.body.id}/map`).set('Authorization', bearer(A));
    const profile = await t.http
      .post(`/api/migrations/${m.body.id}/map/profiles`)
      .set('Authorization', bearer(A))
      .send({ name: 'A’s profile' });
    ids = {
      id: m.body.id,
      fileId: up.body.files[0].fileId,
      profileId: profile.body.id,
      version: map.body.version,
    };
    expect([m.status, up.status, map.status, profile.status]).toEqual([201, 201, 200, 201]);
    before = await snapshotOf(t.testDb.db, A);
  });
  afterAll(async () => t.close());

  it.each(Object.keys(ROUTES).filter((r) => ROUTES[r]!.scoped))(
    'refuses B on A’s resources: %s',
    async (route) => {
      // An upload refused before its body is read may see the connection close before the 404 arrives
      // (the server never reads the file): that is a refusal too. A's rows are checked unchanged below.
      const res = await asCompany(B, route).catch((err: NodeJS.ErrnoException) => {
        if (ROUTES[route]!.attach && (err.code === 'EPIPE' || err.code === 'ECONNRESET'))
          return { status: 404, body: err.code };
        throw err;
      });
      expect([403, 404], JSON.stringify(res.body)).toContain(res.status);
    },
  );

  it.each(Object.keys(ROUTES).filter((r) => !ROUTES[r]!.scoped))(
    'shows B nothing of A’s: %s',
    async (route) => {
      const res = await asCompany(B, route);
      expect(res.status).toBeLessThan(500);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('A’s migration');
      expect(text).not.toContain('A’s profile');
      if (route === 'GET /session') expect(res.body.companyId).toBe(B);
    },
  );

  it('left every row of company A as it was', async () => {
    expect(await snapshotOf(t.testDb.db, A)).toEqual(before);
  });

  it.each(Object.keys(ROUTES).filter((r) => ROUTES[r]!.scoped))(
    'does not refuse A the same request (so B’s refusal is the tenant check): %s',
    async (route) => {
      const res = await asCompany(A, route);
      // Success, a conflict about A's own map, or Pipedrive being unreachable: all mean A's resource was found.
      expect([403, 404], JSON.stringify(res.body)).not.toContain(res.status);
      expect(res.status === 400 ? res.body.error.code : 'not a malformed request').toBe(
        'not a malformed request',
      );
    },
  );
});
