// The composition root: builds the long-lived services once, from config, for the server, the CLI and
// tests. Nothing here holds request state.
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Knex } from './db.ts';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';
import { buildMapping } from './mapping/index.ts';
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
  migration: { service: MigrationService; worker: MigrationWorker };
}

export interface ServiceOptions {
  clock?: Clock;
  /** Local mode: where the local company's Pipedrive is (the sandbox's URL and token in demo mode). */
  localPipedrive?: LocalPipedrive;
  /** Tests swap Pipedrive's token endpoint. */
  refreshTokens?: (app: OAuthApp, refreshToken: string) => Promise<PipedriveTokens>;
  webhookHandlers?: Partial<Record<string, EventHandler>>;
}

function migrationModule(
  rt: { config: Config; db: Knex; logger: Logger },
  clock: Clock,
  pipedrive: PipedriveServices,
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
    onProgress: (p) => service.events.publish(p),
  });
  return { service, worker };
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
    handlers: o.webhookHandlers ?? {},
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
    const migration = migrationModule(rt, clock, pipedrive);
    return {
      rollback: rollbackModule(rt, clock, pipedrive, migration.worker),
      clock,
      webhooks,
      installs,
      oauthApp,
      pipedrive,
      migration,
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
  const migration = migrationModule(rt, clock, pipedrive);
  return {
    rollback: rollbackModule(rt, clock, pipedrive, migration.worker),
    clock,
    webhooks,
    installs: undefined,
    oauthApp: undefined,
    pipedrive,
    migration,
  };
}
