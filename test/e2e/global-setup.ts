// Builds the panel and starts, in this process, the app over a test database plus the host harness
// on a second origin (Pipedrive frames the panel from another origin too). Tests get both URLs via
// inject(). The app is the production createApp; only a request recorder sits in front of it. The
// migration worker runs in this process too, as in server/index.ts, so samples, runs and rollbacks progress.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { TestProject } from 'vitest/node';
import { createApp } from '../../server/app.ts';
import { builtClient } from '../../server/http/client.ts';
import { createLogger } from '../../server/logger.ts';
import { buildServices } from '../../server/services.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { LOCAL_COMPANY } from '../../server/tenants/tenant-context.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDb } from '../helpers/db.ts';
import { startTestSandbox, T0 } from '../helpers/sandbox.ts';
import { ROOT, run } from '../helpers/spawn.ts';
import { hostHarness, type PanelRequest, recordApiRequests } from './harness/host-server.ts';
import { CHROMIUM } from './helpers/browser.ts';

const VITE_BIN = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The panel's server (built panel + API), e.g. http://127.0.0.1:41234. */
    panelUrl: string;
    /** The Pipedrive host harness, on another origin. */
    hostUrl: string;
    /** The Pipedrive sandbox the app writes to (local mode), and its company's API token. */
    sandboxUrl: string;
    sandboxToken: string;
  }
}

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
    server.once('error', reject);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The e2e suite needs Chromium at ${CHROMIUM}: install it with apt-get install -y chromium`,
    );
  }
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-panel-'));
  // In a child process: Vitest's NODE_ENV=test would otherwise give React's development build.
  const built = await run(
    [
      VITE_BIN,
      'build',
      '--config',
      'client/vite.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { NODE_ENV: 'production' },
    120_000,
  );
  if (built.code !== 0) throw new Error(`building the panel failed:\n${built.stderr}${built.stdout}`);

  const testDb = await createTestDb('sqlite');
  await upsertCompany(testDb.db, { id: LOCAL_COMPANY.id, name: LOCAL_COMPANY.name, mode: 'local' });
  const requests: PanelRequest[] = [];
  let panelUrl = '';
  const host = await listen(hostHarness({ panelOrigin: () => panelUrl, requests }));

  const outer = express();
  outer.use(recordApiRequests(requests));
  // Uploads land in a folder of their own, not in the working tree's ./data.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-e2e-data-'));
  const config = { ...testConfig({ DATA_DIR: dataDir }), database: testDb.config };
  const logger = createLogger('silent');
  // The local company's Pipedrive: the sandbox, with a ticking clock so rate windows pass.
  const sandbox = await startTestSandbox({ clock: { start: T0 } });
  const services = buildServices(
    { config, db: testDb.db, logger },
    { localPipedrive: { apiUrl: sandbox.url, apiToken: sandbox.apiToken, target: 'sandbox' } },
  );
  outer.use(
    createApp({
      config,
      db: testDb.db,
      logger,
      services,
      client: builtClient(outDir),
      frameAncestors: [host.url],
    }),
  );
  // As server/index.ts does: the in-process worker executes queued samples, full runs and rollbacks.
  services.migration.worker.start();
  const panel = await listen(outer);
  panelUrl = panel.url;

  project.provide('panelUrl', panel.url);
  project.provide('hostUrl', host.url);
  project.provide('sandboxUrl', sandbox.url);
  project.provide('sandboxToken', sandbox.apiToken);

  return async () => {
    await close(panel.server);
    await services.migration.worker.stop({ drain: true });
    await close(host.server);
    await sandbox.close();
    await testDb.destroy();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
}
