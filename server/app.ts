import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.ts';
import type { Knex } from './db.ts';
import { builtClient } from './http/client.ts';
import { errorHandler, notFound } from './http/middleware/error-handler.ts';
import { securityHeaders } from './http/middleware/security-headers.ts';
import { requireTenant, type TenantResolver } from './http/middleware/tenant.ts';
import { healthRoutes } from './http/routes/health.routes.ts';
import { sessionRoutes } from './http/routes/session.routes.ts';
import { type Logger, redactUrl } from './logger.ts';
import { localTenant } from './tenants/tenant-context.ts';

export interface AppDeps {
  config: Config;
  db: Knex;
  logger: Logger;
  /** Who the caller is; local mode's single company unless given. */
  resolveTenant?: TenantResolver;
  /** Serves the panel; the built files unless given (npm run dev passes Vite's middleware). */
  client?: RequestHandler;
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

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireTenant(deps.resolveTenant ?? localTenant));
  api.use(sessionRoutes(config));
  api.use(notFound);
  app.use('/api', api);

  app.use(deps.client ?? builtClient());
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
