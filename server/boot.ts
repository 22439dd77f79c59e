// Shared start-up steps for the server and the CLI: read config, open and migrate the database,
// make sure the local company exists.
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Knex, migrateLatest, openDb } from './db.ts';
import { createLogger, type Logger } from './logger.ts';
import { upsertCompany } from './tenants/company.repository.ts';
import { LOCAL_COMPANY } from './tenants/tenant-context.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Knex;
}

export async function boot(
  options: { logLevel?: Config['logLevel']; config?: Config } = {},
): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const logger = createLogger(options.logLevel ?? config.logLevel);
  const db = await openDatabaseOrExplain(config);
  try {
    const { applied } = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    if (config.pipedrive.mode === 'local') {
      await upsertCompany(db, { id: LOCAL_COMPANY.id, name: LOCAL_COMPANY.name, mode: 'local' });
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { config, logger, db };
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
