// A migration ready to run against the sandbox: a sandbox company, the app pointed at it, a generated
// export set staged, the field map confirmed and its custom fields provisioned; plus the engine's
// service and an engine to execute runs in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../server/clock.ts';
import type { Engine } from '../../server/db.ts';
import { buildMapping, type Mapping } from '../../server/mapping/index.ts';
import { type EngineDeps, MigrationEngine } from '../../server/migration/engine.ts';
import { MigrationService } from '../../server/migration/service.ts';
import { writeSettings } from '../../server/tenants/settings.repository.ts';
import { type CompanySettings, DEFAULT_SETTINGS } from '../../server/tenants/settings.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from './app.ts';
import { startTestSandbox, T0, type TestSandbox } from './sandbox.ts';

export interface MigrationHarness {
  app: TestApp;
  sb: TestSandbox;
  migrationId: number;
  mapping: Mapping;
  service: MigrationService;
  engine(o?: Partial<EngineDeps>): MigrationEngine;
  close(): Promise<void>;
}

export async function migrationHarness(
  engine: Engine,
  o: {
    users: number;
    seed?: number;
    plan?: 'lite' | 'growth' | 'premium' | 'ultimate';
    settings?: Partial<CompanySettings>;
    limits?: boolean;
    clock?: Clock;
    /** Extra environment for the app (e.g. PUBLIC_URL, with `port`, so sandbox webhooks reach it). */
    env?: Record<string, string>;
    port?: number;
  },
): Promise<MigrationHarness> {
  const plan = o.plan ?? 'premium';
  const sb = await startTestSandbox({ clock: { start: T0 }, company: { name: 'Acme HR', plan, seats: 5 } });
  if (o.limits === false)
    sb.sandbox.updateSettings({ limits: { burst: false, search: false, budget: false } });
  const data = mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  const app = await startTestApp(engine, {
    env: { DATA_DIR: data, ...o.env },
    ...(o.port ? { port: o.port } : {}),
    services: {
      localPipedrive: { apiUrl: sb.url, apiToken: sb.apiToken, target: 'sandbox' },
      ...(o.clock ? { clock: o.clock } : {}),
    },
  });
  await writeSettings(app.testDb.db, 1, {
    ...DEFAULT_SETTINGS,
    pipedrivePlan: plan,
    seats: 5,
    ...o.settings,
  });
  const migrationId = (await app.http.post('/api/migrations').send({}).expect(201)).body.id as number;
  let req = app.http.post(`/api/migrations/${migrationId}/files`);
  const set = await generateExportSet({
    dir: path.join(data, 'export'),
    users: o.users,
    language: 'en',
    seed: o.seed ?? 9,
  });
  for (const f of set.files) req = req.attach('file', f);
  await req.expect(201);
  const m = (await app.http.get(`/api/migrations/${migrationId}/map`).expect(200)).body;
  await app.http.post(`/api/migrations/${migrationId}/map/confirm`).send({ version: m.version }).expect(200);
  await app.http.post(`/api/migrations/${migrationId}/map/provision`).expect(200);
  const db = app.testDb.db;
  const mapping = buildMapping({ db, dataDir: data, pipedrive: app.services.pipedrive });
  const service = new MigrationService({
    db,
    clock: app.services.clock,
    pipedrive: app.services.pipedrive,
    mapping,
  });
  let n = 0;
  return {
    app,
    sb,
    migrationId,
    mapping,
    service,
    engine: (e = {}) =>
      new MigrationEngine({
        db,
        clock: app.services.clock,
        pipedrive: app.services.pipedrive,
        mapping,
        workerId: `test-${++n}`,
        onProgress: (p) => service.events.publish(p),
        ...e,
      }),
    close: async () => {
      await app.close();
      await sb.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
