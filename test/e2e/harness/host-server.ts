// The host harness: a page on its own origin that frames the panel the way Pipedrive does and answers
// the SDK's messages (public/host.js). This server also hands out the signed tokens (real HS256 JWTs)
// and shows the tests which API requests reached the panel's server, with their Authorization header.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import {
  HARNESS_COMPANY_ID,
  HARNESS_JWT_SECRET,
  HARNESS_TOKEN_SECONDS,
  HARNESS_USER_ID,
} from './constants.ts';

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export interface PanelRequest {
  method: string;
  path: string;
  authorization: string | null;
}

/** Records every /api request the panel's server receives; mounted in front of the app in tests only. */
export function recordApiRequests(into: PanelRequest[]): RequestHandler {
  return (req, _res, next) => {
    if (req.path.startsWith('/api/')) {
      into.push({ method: req.method, path: req.path, authorization: req.headers.authorization ?? null });
    }
    next();
  };
}

export function signHarnessToken(): string {
  return jwt.sign({ userId: HARNESS_USER_ID, companyId: HARNESS_COMPANY_ID }, HARNESS_JWT_SECRET, {
    algorithm: 'HS256',
    expiresIn: HARNESS_TOKEN_SECONDS,
  });
}

export function hostHarness(options: { panelOrigin: () => string; requests: PanelRequest[] }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/config.json', (_req, res) => {
    res.json({ panelOrigin: options.panelOrigin(), companyId: HARNESS_COMPANY_ID, userId: HARNESS_USER_ID });
  });
  app.post('/signed-token', (_req, res) => {
    res.json({ token: signHarnessToken() });
  });
  app.get('/panel-requests', (_req, res) => {
    res.json(options.requests);
  });
  app.delete('/panel-requests', (_req, res) => {
    options.requests.length = 0;
    res.status(204).end();
  });
  app.use(express.static(PUBLIC, { index: 'host.html' }));
  return app;
}
