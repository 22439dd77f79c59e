import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.ts';
import type { Knex } from './db.ts';
import { builtClient } from './http/client.ts';
import { errorHandler, notFound } from './http/middleware/error-handler.ts';
import { iframeJwtTenant } from './http/middleware/iframe-jwt.ts';
import { securityHeaders } from './http/middleware/security-headers.ts';
import { requireTenant, type TenantResolver } from './http/middleware/tenant.ts';
import { artifactRoutes } from './http/routes/artifacts.routes.ts';
import { deltaRoutes } from './http/routes/delta.routes.ts';
import { healthRoutes } from './http/routes/health.routes.ts';
import { mappingRoutes } from './http/routes/mapping.routes.ts';
import { migrationRoutes } from './http/routes/migration.routes.ts';
import { oauthRoutes } from './http/routes/oauth.routes.ts';
import { reportRoutes } from './http/routes/report.routes.ts';
import { rollbackRoutes } from './http/routes/rollback.routes.ts';
import { sessionRoutes } from './http/routes/session.routes.ts';
import { stagingRoutes } from './http/routes/staging.routes.ts';
import { webhookRoutes } from './http/routes/webhooks.routes.ts';
import { type Logger, redactUrl } from './logger.ts';
import { loadManifest } from './manifest.ts';
import { buildMapping } from './mapping/index.ts';
import type { LocalPipedrive } from './pipedrive/connections.ts';
import { ArtifactsService } from './report/artifacts.service.ts';
import { EngineFactsRepository } from './report/engine-facts.repository.ts';
import { ReportService } from './report/report.service.ts';
import type { Services } from './services.ts';
import { StagingService } from './staging/staging.service.ts';
import { localTenant } from './tenants/tenant-context.ts';

export interface AppDeps {
  config: Config;
  db: Knex;
  logger: Logger;
  services: Services;
  /** Who the caller is; local mode's single company unless given. */
  resolveTenant?: TenantResolver;
  /** Serves the panel; the built files unless given (npm run dev passes Vite's middleware). */
  client?: RequestHandler;
  /** Local mode's Pipedrive: the demo sandbox or a real company (from boot()). */
  localPipedrive?: LocalPipedrive;
  /** Origins besides Pipedrive's that may frame the panel (the e2e host harness). */
  frameAncestors?: string[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(
    securityHeaders({
      ...(deps.frameAncestors ? { frameAncestors: deps.frameAncestors } : {}),
      inlineScripts: config.clientMode === 'vite',
    }),
  );

  app.use(healthRoutes(db));
  const manifest = loadManifest();
  if (deps.services.installs && deps.services.oauthApp) {
    app.use(oauthRoutes(deps.services.oauthApp, manifest, deps.services.installs));
  }
  app.use(webhookRoutes(db, manifest.webhooks.path, () => deps.services.webhooks.nudge()));

  app.use('/api', createApiRouter(deps));

  app.use(deps.client ?? builtClient());
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/**
 * The panel's JSON API, mounted on /api: every route behind the caller's verified company. Its own
 * function so the tenant-isolation test can list every route it serves.
 */
export function createApiRouter(deps: AppDeps): express.Router {
  const { config, db } = deps;
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireTenant(deps.resolveTenant ?? defaultTenantResolver(deps)));
  api.use(sessionRoutes(config, deps.localPipedrive));
  api.use(stagingRoutes(config, new StagingService(db, stagingSettings(config))));
  const mapping = buildMapping({ db, dataDir: config.dataDir, pipedrive: deps.services.pipedrive });
  api.use(mappingRoutes({ db, clock: deps.services.clock, ...mapping }));
  api.use(migrationRoutes(deps.services.migration.service));
  const artifacts = new ArtifactsService(db, deps.services.clock);
  api.use(artifactRoutes(artifacts));
  api.use(
    reportRoutes(
      new ReportService({
        db,
        clock: deps.services.clock,
        maps: mapping.maps,
        artifacts,
        engine: new EngineFactsRepository(db),
      }),
    ),
  );
  api.use(deltaRoutes(db, deps.services.delta, deps.services.migration.delta));
  api.use(rollbackRoutes(deps.services.rollback));
  api.use(notFound);
  return api;
}

/** Local mode: the one local company. Marketplace mode: the verified iframe JWT of an installed company. */
function defaultTenantResolver(deps: AppDeps): TenantResolver {
  const p = deps.config.pipedrive;
  const installs = deps.services.installs;
  if (p.mode === 'local') return localTenant;
  if (!installs) throw new Error('Marketplace mode needs the installation service');
  return iframeJwtTenant({
    secret: p.jwtSecret,
    requireInstalled: (companyId) => installs.requireActive(companyId),
  });
}

export function stagingSettings(config: Config) {
  return { dataDir: config.dataDir, maxFileBytes: config.uploadMaxBytes, zip: config.zip };
}
