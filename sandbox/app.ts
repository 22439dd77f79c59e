// The sandbox's Express app: every company on one base URL, told apart by the credential.
//   /oauth/*            OAuth server
//   /api/v2/*           API v2
//   /api/v1/*, /v1/*    API v1
//   /__sandbox/*        inspection API (test and demo mode only)
import express, { type Express, type Request, type Response } from 'express';
import { authenticate } from './auth.ts';
import { ApiError, apiErrorHandler } from './http.ts';
import { inspectRoutes } from './inspect.ts';
import { oauthRoutes } from './oauth.ts';
import { v1Routes } from './routes/v1/index.ts';
import { v2Routes } from './routes/v2/index.ts';
import type { Sandbox } from './sandbox.ts';

export function createSandboxApp(sandbox: Sandbox): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(oauthRoutes(sandbox));
  if (sandbox.mode !== 'plain') app.use('/__sandbox', inspectRoutes(sandbox));

  const logRequests = sandbox.requests.middleware(sandbox.clock);
  const auth = authenticate(sandbox);
  const unknownRoute = (v: 'v1' | 'v2') => (_req: Request, _res: Response, next: (e: unknown) => void) =>
    next(new ApiError(404, v === 'v1' ? 'Unknown method .' : 'Not found'));

  app.use('/api/v2', logRequests, auth, v2Routes(sandbox), unknownRoute('v2'));
  app.use(['/api/v1', '/v1'], logRequests, auth, v1Routes(sandbox), unknownRoute('v1'));
  app.use(apiErrorHandler);

  app.use((req: Request, res: Response) => {
    res.status(404).json({ success: false, error: `Not found: ${req.method} ${req.path}` });
  });
  return app;
}
