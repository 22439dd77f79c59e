// /api/migrations/:id/rollback…, /audit: rollback (dry run, start with the dry run's token, status,
// conflicts) and the audit log, scoped to the caller's company. The rollback run's progress streams on
// /api/migrations/:id/run/events and is paused, resumed or cancelled through /run/pause|resume|cancel,
// like any run of the migration.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { RollbackService } from '../../rollback/service.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam, parse } from '../params.ts';

const options = {
  runId: z.number().int().min(1).optional(),
  force: z.boolean().optional(),
  removeFields: z.boolean().optional(),
};
const dryRunBody = z.object(options).strict();
const startBody = z.object({ ...options, token: z.string().min(1).max(64) }).strict();
const statusQuery = z.object({ runId: z.coerce.number().int().min(1).optional() }).strict();
const conflictsQuery = z
  .object({
    runId: z.coerce.number().int().min(1).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const auditQuery = z
  .object({
    record: z.string().trim().min(1).max(255).optional(),
    pipedriveId: z.coerce.number().int().min(1).optional(),
    entity: z.enum(['organization', 'person', 'note', 'file', 'activity']).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };

export function rollbackRoutes(service: RollbackService): Router {
  const router = Router();
  const ctx = (req: Request, res: Response) => {
    const t = tenantOf(res);
    return {
      companyId: t.companyId,
      userId: t.userId,
      migrationId: idParam(req.params.id, 'migration id'),
    };
  };

  router.post('/migrations/:id/rollback/dry-run', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const body = parse(dryRunBody, req.body ?? {});
    res.json(await service.dryRun(companyId, migrationId, defined(body)));
  });

  router.post('/migrations/:id/rollback', async (req, res) => {
    const { companyId, userId, migrationId } = ctx(req, res);
    const body = parse(startBody, req.body ?? {});
    res
      .status(202)
      .json(await service.start(companyId, migrationId, { ...defined(body), startedBy: `user:${userId}` }));
  });

  router.get('/migrations/:id/rollback', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(statusQuery, req.query);
    res.json(await service.status(companyId, migrationId, q.runId));
  });

  router.get('/migrations/:id/rollback/conflicts', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(conflictsQuery, req.query);
    res.json(await service.conflicts(companyId, migrationId, defined(q)));
  });

  router.get('/migrations/:id/audit', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(auditQuery, req.query);
    res.json(await service.audit(companyId, migrationId, defined(q)));
  });

  return router;
}
