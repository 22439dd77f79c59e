import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, Router } from 'express';

export const CLIENT_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'client',
);

/** Serves the built panel, with index.html for the panel's own routes (deep links). */
export function builtClient(dist: string = CLIENT_DIST): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  router.use(express.static(dist, { index: false, maxAge: '1h' }));
  const spa: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || !req.accepts('html')) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The panel is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  router.use(spa);
  return router;
}
