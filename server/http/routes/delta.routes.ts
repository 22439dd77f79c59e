// /api/migrations/:id/delta/…: delta sync after go-live, scoped to the caller's company. Webhook health
// (subscriptions, last event, counts, the delta window), the latest events received and the failed ones,
// a re-check of the webhooks, the reconciliation sweep on demand, the changes people made in Pipedrive to
// migrated records, and the delta from a newer Actimo export: its preview and its run.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Knex } from '../../db.ts';
import type { ActimoDeltaService } from '../../delta/actimo-delta.service.ts';
import { listChanges } from '../../delta/changes.repository.ts';
import { DELTA_POLICIES } from '../../delta/diff.ts';
import type { DeltaSync } from '../../delta/sync.service.ts';
import { recentEvents } from '../../webhooks/webhook.repository.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam, parse } from '../params.ts';

const changesQuery = z
  .object({
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

const eventsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    status: z.enum(['failed']).optional(),
  })
  .strict();

const policyBody = z.object({ policy: z.enum(DELTA_POLICIES).optional() }).strict();

export function deltaRoutes(db: Knex, delta: DeltaSync, actimo: ActimoDeltaService): Router {
  const router = Router();
  const ctx = (req: Request, res: Response) => ({
    companyId: tenantOf(res).companyId,
    migrationId: idParam(req.params.id, 'migration id'),
  });

  router.get('/migrations/:id/delta/webhooks', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    res.json(await delta.health(companyId, migrationId));
  });

  router.post('/migrations/:id/delta/webhooks', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    await delta.requireLive(companyId, migrationId);
    res.json(await delta.ensure(companyId));
  });

  router.post('/migrations/:id/delta/sweep', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    await delta.requireLive(companyId, migrationId);
    res.json(await delta.sweep(companyId, migrationId));
  });

  router.get('/migrations/:id/delta/changes', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(changesQuery, req.query);
    await delta.health(companyId, migrationId); // 404 for another company's migration
    res.json({
      changes: await listChanges(db, companyId, migrationId, {
        ...(q.afterId !== undefined ? { afterId: q.afterId } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      }),
    });
  });

  // The company's latest webhook events (or the failed ones), newest first: what the webhook health lists.
  router.get('/migrations/:id/delta/events', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(eventsQuery, req.query);
    await delta.health(companyId, migrationId); // 404 for another company's migration
    res.json({
      events: await recentEvents(db, companyId, { limit: q.limit ?? 20, failed: q.status === 'failed' }),
    });
  });

  // A newer Actimo export uploaded into the migration (POST /migrations/:id/files), diffed against what we wrote.
  router.post('/migrations/:id/delta/preview', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const body = parse(policyBody, req.body ?? {});
    res.json(await actimo.preview(companyId, migrationId, body.policy));
  });

  router.post('/migrations/:id/delta/apply', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const body = parse(policyBody, req.body ?? {});
    res.status(202).json(await actimo.apply(companyId, migrationId, body.policy));
  });

  return router;
}
