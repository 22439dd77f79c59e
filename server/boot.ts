// Shared start-up steps for the server: read config, open and migrate the database, make sure the local
// company exists, and in demo mode (local mode without Pipedrive credentials) start the Pipedrive
// sandbox in-process so there is something to write to.
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Knex, migrateLatest, openDb } from './db.ts';
import { createLogger, type Logger } from './logger.ts';
import type { LocalPipedrive } from './pipedrive/connections.ts';
import { upsertCompany } from './tenants/company.repository.ts';
import { LOCAL_COMPANY } from './tenants/tenant-context.ts';

export type { LocalPipedrive };

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Knex;
  /** Set in local mode; absent in Marketplace mode, where every company brings its own OAuth tokens. */
  localPipedrive?: LocalPipedrive;
  /** Stops the sandbox (if any) and closes the database. */
  close(): Promise<void>;
}

export async function boot(
  options: {
    logLevel?: Config['logLevel'];
    config?: Config;
    /** Start the demo sandbox in local mode without credentials (the server does; CLI commands that never call Pipedrive don't). */
    demoSandbox?: boolean;
  } = {},
): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const logger = createLogger(options.logLevel ?? config.logLevel);
  const db = await openDatabaseOrExplain(config);
  let stopSandbox: (() => Promise<void>) | undefined;
  try {
    const { applied } = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    let localPipedrive: LocalPipedrive | undefined;
    const p = config.pipedrive;
    if (p.mode === 'local') {
      await upsertCompany(db, { id: LOCAL_COMPANY.id, name: LOCAL_COMPANY.name, mode: 'local' });
      if (p.target === 'pipedrive') {
        localPipedrive = { apiUrl: p.apiUrl!, apiToken: p.apiToken!, target: 'pipedrive' };
      } else if (options.demoSandbox !== false) {
        const sandbox = await startDemoSandbox(config);
        stopSandbox = sandbox.close;
        localPipedrive = { apiUrl: sandbox.url, apiToken: sandbox.apiToken, target: 'sandbox' };
        logger.info({ sandbox: sandbox.url }, 'demo mode: the local Pipedrive sandbox is running');
      }
    }
    const close = async () => {
      await stopSandbox?.();
      await db.destroy();
    };
    return { config, logger, db, ...(localPipedrive ? { localPipedrive } : {}), close };
  } catch (err) {
    await stopSandbox?.();
    await db.destroy();
    throw err;
  }
}

/** The sandbox on 127.0.0.1, its demo data kept in DATA_DIR/sandbox.json across restarts. */
async function startDemoSandbox(
  config: Config,
): Promise<{ url: string; apiToken: string; close(): Promise<void> }> {
  // Loaded only here, so a Marketplace deployment never loads the emulator.
  const { startSandbox } = await import('../sandbox/index.ts');
  const { ensureDemoCompany } = await import('../sandbox/seed.ts');
  let running: Awaited<ReturnType<typeof startSandbox>>;
  try {
    running = await startSandbox({
      mode: 'demo',
      host: '127.0.0.1',
      port: config.sandboxPort,
      snapshotFile: path.join(config.dataDir, 'sandbox.json'),
    });
  } catch (err) {
    const e = err as { code?: string; syscall?: string; message?: string };
    if (e.syscall === 'listen') {
      throw new ConfigError(
        `SANDBOX_PORT ${config.sandboxPort} ${e.code === 'EADDRINUSE' ? 'is already in use' : `failed (${e.code})`}`,
      );
    }
    throw new ConfigError(`DATA_DIR: cannot start the Pipedrive sandbox: ${e.message ?? String(err)}`);
  }
  const { apiToken } = ensureDemoCompany(running.sandbox);
  return { url: running.url, apiToken, close: running.close };
}

/** Opens the database and proves it answers; a failure names DATABASE_URL, the variable to fix. */
async function openDatabaseOrExplain(config: Config): Promise<Knex> {
  let db: Knex | undefined;
  try {
    db = await openDb(config.database);
    await db.raw('select 1');
    return db;
  } catch (err) {
    await db?.destroy();
    const where =
      config.database.client === 'sqlite3' ? `SQLite file ${config.database.filename}` : 'PostgreSQL';
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`DATABASE_URL: cannot open ${where}: ${reason}`);
  }
}
