// The HTTP app in-process on port 0 over a private test database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { type AppDeps, createApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import type { Engine } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { buildServices, type ServiceOptions, type Services } from '../../server/services.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { LOCAL_COMPANY } from '../../server/tenants/tenant-context.ts';
import { createTestDb, type TestDb } from './db.ts';

export interface TestApp {
  services: Services;
  http: supertest.Agent;
  baseUrl: string;
  testDb: TestDb;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', ...env });
}

export async function startTestApp(
  engine: Engine,
  overrides: Partial<Omit<AppDeps, 'db' | 'config' | 'services'>> & {
    env?: Record<string, string>;
    services?: ServiceOptions;
    /** Listen on this port instead of any free one (when PUBLIC_URL must be known before start). */
    port?: number;
  } = {},
): Promise<TestApp> {
  const testDb = await createTestDb(engine);
  const config = { ...testConfig(overrides.env), database: testDb.config };
  await upsertCompany(testDb.db, { id: LOCAL_COMPANY.id, name: LOCAL_COMPANY.name, mode: 'local' });
  const logger = overrides.logger ?? createLogger('silent');
  const services = buildServices({ config, db: testDb.db, logger }, overrides.services);
  const { services: _s, env: _e, port: _p, ...rest } = overrides;
  const app = createApp({ ...rest, logger, config, db: testDb.db, services });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(overrides.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    http: supertest.agent(server),
    baseUrl: `http://127.0.0.1:${port}`,
    testDb,
    config,
    services,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testDb.destroy();
    },
  };
}

/** A port that was free a moment ago (for a PUBLIC_URL that must be known before the app starts). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
