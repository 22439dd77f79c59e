// Pipedrive delivers webhooks here. The answer must come within Pipedrive's 10 s (we aim for well
// under 1 s): authenticate, validate, store, answer; the work happens in the background.
import express, { Router } from 'express';
import type { Knex } from '../../db.ts';
import { acceptDelivery, credentialOfDelivery } from '../../webhooks/intake.ts';

export function webhookRoutes(db: Knex, path: string, onStored: () => void): Router {
  const router = Router();
  router.post(path, express.json({ limit: '1mb' }), async (req, res, next) => {
    try {
      const cred = await credentialOfDelivery(db, req.header('authorization'));
      if (cred === undefined) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Basic realm="webhooks"')
          .json({ error: { code: 'unauthorized', message: 'Bad credentials' } });
        return;
      }
      const stored = await acceptDelivery(db, cred.companyId, req.body, cred.pipedriveCompanyId);
      if (stored === 'new') onStored();
      res.status(200).json({ success: true, stored });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
