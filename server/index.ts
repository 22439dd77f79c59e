// `npm start`: config → database (migrated) → HTTP server, with graceful shutdown on SIGTERM/SIGINT.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import { createApp } from './app.ts';
import { boot } from './boot.ts';
import { ConfigError } from './config.ts';
import { buildServices } from './services.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function viteMiddleware(): Promise<RequestHandler> {
  const { createServer } = await import('vite');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'client');
  const vite = await createServer({
    configFile: path.join(root, 'vite.config.ts'),
    server: { middlewareMode: true },
    appType: 'spa',
  });
  return vite.middlewares;
}

async function main(): Promise<void> {
  const runtime = await boot();
  const { config, logger, db, localPipedrive } = runtime;
  const client = config.clientMode === 'vite' ? await viteMiddleware() : undefined;
  const services = buildServices({ config, db, logger }, localPipedrive ? { localPipedrive } : {});
  const app = createApp({
    config,
    db,
    logger,
    services,
    ...(client ? { client } : {}),
    ...(localPipedrive ? { localPipedrive } : {}),
  });
  services.webhooks.start();
  // Picks up queued runs, and resumes runs a restart interrupted or the daily budget paused.
  services.migration.worker.start();
  // Live migrations: webhooks checked and re-created, changes whose webhooks never came swept up.
  services.delta.start();

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const target =
    config.pipedrive.mode === 'marketplace'
      ? 'Pipedrive (Marketplace app)'
      : localPipedrive?.target === 'sandbox'
        ? `a local Pipedrive sandbox at ${localPipedrive.apiUrl} (demo data; nothing is written to Pipedrive)`
        : `Pipedrive at ${config.pipedrive.apiUrl} (API token)`;
  logger.info(
    { port, database: config.database.client, mode: config.pipedrive.mode },
    `listening on http://localhost:${port}, writing to ${target}`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await services.webhooks.stop();
      await services.delta.stop();
      // A run in progress stops between batches; its lease lapses and the next start resumes it.
      await services.migration.worker.stop({ drain: false });
      await runtime.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${err.message}\n`);
  } else if (isListenError(err)) {
    const why =
      err.code === 'EADDRINUSE'
        ? 'is already in use'
        : err.code === 'EACCES'
          ? 'needs privileges'
          : `failed (${err.code})`;
    process.stderr.write(`Configuration error: PORT ${err.port ?? '?'} ${why}\n`);
  } else {
    process.stderr.write(`Start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});

function isListenError(e: unknown): e is { code: string; port?: number } {
  return (
    typeof e === 'object' &&
    e !== null &&
    'code' in e &&
    'syscall' in e &&
    (e as { syscall: unknown }).syscall === 'listen'
  );
}
