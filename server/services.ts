// The composition root: builds the long-lived services once, from config, for the server, the CLI and
// tests. Nothing here holds request state.
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Knex } from './db.ts';
import { ActimoDeltaService } from './delta/actimo-delta.service.ts';
import { DeltaSync } from './delta/sync.service.ts';
import { deltaWebhookHandlers } from './delta/webhook-handlers.ts';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';
import { loadManifest } from './manifest.ts';
import { buildMapping, type Mapping } from './mapping/index.ts';
import { MigrationService } from './migration/service.ts';
import { MigrationWorker } from './migration/worker.ts';
import { LimiterRegistry } from './pipedrive/client.ts';
import {
  type ConnectionResolver,
  type LocalPipedrive,
  localConnections,
  type PipedriveServices,
} from './pipedrive/connections.ts';
import type { OAuthApp, PipedriveTokens } from './pipedrive/oauth.ts';
import { RollbackService } from './rollback/service.ts';
import { InstallationService } from './tenants/installation.service.ts';
import { LOCAL_COMPANY } from './tenants/tenant-context.ts';
import { type EventHandler, WebhookProcessor } from './webhooks/processor.ts';
import { parseEvents } from './webhooks/registration.ts';

export interface Services {
  /** Rollback of a migration or run, and the audit log (runs are executed by the migration worker). */
  rollback: RollbackService;
  clock: Clock;
  /** Works through received webhook events; handlers are added by the parts that own the records. */
  webhooks: WebhookProcessor;
  pipedrive: PipedriveServices;
  /** Marketplace mode only. */
  installs: InstallationService | undefined;
  oauthApp: OAuthApp | undefined;
  /** The migration engine: its use cases and the in-process worker that executes runs (started by the server). */
  migration: {
    service: MigrationService;
    worker: MigrationWorker;
    mapping: Mapping;
    /** Delta from a newer Actimo export (preview, apply as a run of kind delta). */
    delta: ActimoDeltaService;
  };
  /** After go-live: webhook registration and repair, the reconciliation sweep, webhook health. */
  delta: DeltaSync;
}

export interface ServiceOptions {
  clock?: Clock;
  /** Local mode: where the local company's Pipedrive is (the sandbox's URL and token in demo mode). */
  localPipedrive?: LocalPipedrive;
  /** Tests swap Pipedrive's token endpoint. */
  refreshTokens?: (app: OAuthApp, refreshToken: string) => Promise<PipedriveTokens>;
  /** Replace the default handlers (delta sync's person and organization handlers) per entity. */
  webhookHandlers?: Partial<Record<string, EventHandler>>;
}

function migrationModule(
  rt: { config: Config; db: Knex; logger: Logger },
  clock: Clock,
  pipedrive: PipedriveServices,
  delta: DeltaSync,
) {
  const mapping = buildMapping({ db: rt.db, dataDir: rt.config.dataDir, pipedrive });
  let worker: MigrationWorker | undefined;
  const service = new MigrationService({ db: rt.db, clock, pipedrive, mapping, kick: () => worker?.kick() });
  worker = new MigrationWorker({
    db: rt.db,
    clock,
    pipedrive,
    mapping,
    logger: rt.logger,
    onProgress: (p) => {
      service.events.publish(p);
      // A completed full run makes its migration live: our webhooks are registered then.
      if (p.status === 'completed')
        delta
          .onRunCompleted(p.companyId, p.runId)
          .catch((err: Error) =>
            rt.logger.warn(
              { err: err.message, companyId: p.companyId, migrationId: p.migrationId },
              'could not register webhooks after the full run',
            ),
          );
    },
  });
  const actimoDelta = new ActimoDeltaService({
    db: rt.db,
    clock,
    dataDir: rt.config.dataDir,
    pipedrive,
    mapping,
    migrations: service,
    sync: delta,
    kick: () => worker?.kick(),
  });
  return { service, worker, mapping, delta: actimoDelta };
}

function rollbackModule(
  rt: { db: Knex },
  clock: Clock,
  pipedrive: PipedriveServices,
  worker: MigrationWorker,
): RollbackService {
  return new RollbackService({ db: rt.db, clock, pipedrive, kick: () => worker.kick() });
}

export function buildServices(
  rt: { config: Config; db: Knex; logger: Logger },
  o: ServiceOptions = {},
): Services {
  const clock = o.clock ?? systemClock;
  const limiters = new LimiterRegistry(clock);
  const webhooks = new WebhookProcessor({
    db: rt.db,
    clock,
    logger: rt.logger,
    handlers: { ...deltaWebhookHandlers(rt.db, clock), ...o.webhookHandlers },
  });
  const manifest = loadManifest();
  const deltaSync = (pipedrive: PipedriveServices) =>
    new DeltaSync({
      db: rt.db,
      clock,
      pipedrive,
      logger: rt.logger,
      subscriptionUrl: `${rt.config.publicUrl}${manifest.webhooks.path}`,
      wanted: parseEvents(manifest.webhooks.events),
      intervalMs: rt.config.deltaSyncIntervalMs,
    });
  const p = rt.config.pipedrive;
  if (p.mode === 'marketplace') {
    const oauthApp: OAuthApp = {
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      oauthUrl: p.oauthUrl,
      callbackUrl: `${rt.config.publicUrl}/auth/pipedrive/callback`,
    };
    const installs = new InstallationService({
      db: rt.db,
      clock,
      keyring: {
        current: { id: p.tokenEncryptionKeyId, key: p.tokenEncryptionKey },
        previous: p.previousTokenEncryptionKeys,
      },
      oauth: oauthApp,
      limiters,
      logger: rt.logger,
      dataDir: rt.config.dataDir,
      ...(o.refreshTokens ? { refresh: o.refreshTokens } : {}),
    });
    const pipedrive: PipedriveServices = {
      db: rt.db,
      clock,
      limiters,
      connections: (companyId) => installs.connection(companyId),
    };
    const delta = deltaSync(pipedrive);
    const migration = migrationModule(rt, clock, pipedrive, delta);
    return {
      rollback: rollbackModule(rt, clock, pipedrive, migration.worker),
      clock,
      webhooks,
      installs,
      oauthApp,
      pipedrive,
      migration,
      delta,
    };
  }
  const local =
    o.localPipedrive ??
    (p.target === 'pipedrive' && p.apiUrl && p.apiToken
      ? { apiUrl: p.apiUrl, apiToken: p.apiToken, target: 'pipedrive' as const }
      : undefined);
  const connections: ConnectionResolver = local
    ? localConnections(LOCAL_COMPANY.id, local)
    : async () => {
        throw new AppError(
          'unavailable',
          'pipedrive_not_configured',
          'No Pipedrive is configured: the local sandbox is not running',
        );
      };
  const pipedrive: PipedriveServices = { db: rt.db, clock, limiters, connections };
  const delta = deltaSync(pipedrive);
  const migration = migrationModule(rt, clock, pipedrive, delta);
  return {
    rollback: rollbackModule(rt, clock, pipedrive, migration.worker),
    clock,
    webhooks,
    installs: undefined,
    oauthApp: undefined,
    pipedrive,
    migration,
    delta,
  };
}
