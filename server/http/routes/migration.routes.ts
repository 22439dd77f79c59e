// /api/migrations/:id/plan, /sample…, /run…, /records: the migration engine's API, scoped to the caller's
// company. Thin: the rules are in server/migration/. Runs are executed by the worker, never in a request.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../../errors.ts';
import type { Progress } from '../../migration/engine.ts';
import type { MigrationService } from '../../migration/service.ts';
import { ENTITIES, RECORD_STATES } from '../../migration/types.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam, parse } from '../params.ts';

const sampleBody = z.object({ size: z.number().int().min(1).max(100_000).optional() }).strict();
const diffQuery = z
  .object({
    page: z.coerce.number().int().min(1).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).optional(),
    mismatches: z.enum(['true', 'false']).optional(),
    search: z.string().trim().min(1).max(255).optional(),
  })
  .strict();
const recordsQuery = z
  .object({
    entity: z.enum(ENTITIES).optional(),
    state: z.enum(RECORD_STATES as [string, ...string[]]).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    actimoId: z.string().min(1).max(255).optional(),
  })
  .strict();

export function migrationRoutes(service: MigrationService): Router {
  const router = Router();
  const ctx = (req: Request, res: Response) => ({
    companyId: tenantOf(res).companyId,
    migrationId: idParam(req.params.id, 'migration id'),
  });
  const active = async (companyId: number, migrationId: number) => {
    const runs = await service.runs(companyId, migrationId);
    const run = runs.find((r) => ['queued', 'running', 'paused'].includes(r.status));
    if (!run)
      throw new ConflictError('no_active_run', 'This migration has no queued, running or paused run.');
    return run;
  };

  router.post('/migrations/:id/plan', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    res.json(await service.plan(companyId, migrationId));
  });

  router.post('/migrations/:id/sample', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const body = parse(sampleBody, req.body ?? {});
    res.status(202).json(await service.startSample(companyId, migrationId, body.size));
  });

  router.get('/migrations/:id/sample/diff', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(diffQuery, req.query);
    res.json(
      await service.sampleDiff(companyId, migrationId, {
        ...(q.page ? { page: q.page } : {}),
        ...(q.pageSize ? { pageSize: q.pageSize } : {}),
        mismatchesOnly: q.mismatches === 'true',
        ...(q.search ? { search: q.search } : {}),
      }),
    );
  });

  router.post('/migrations/:id/sample/accept', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    res.status(202).json(await service.acceptSample(companyId, migrationId));
  });

  router.post('/migrations/:id/run', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    res.status(202).json(await service.startFull(companyId, migrationId));
  });

  router.get('/migrations/:id/run', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const runs = await service.runs(companyId, migrationId);
    res.json({ run: runs[0] ?? null, counts: await service.counts(companyId, migrationId) });
  });

  router.get('/migrations/:id/runs', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    res.json({ runs: await service.runs(companyId, migrationId) });
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    router.post(`/migrations/:id/run/${action}`, async (req, res) => {
      const { companyId, migrationId } = ctx(req, res);
      const run = await active(companyId, migrationId);
      res.json(await service[action](companyId, run.id));
    });
  }

  // Progress as server-sent events (decision 0008): one `progress` event per batch, `done` when the run
  // completes, pauses or stops; 204 when the migration has no active run (the panel stops reconnecting).
  router.get('/migrations/:id/run/events', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const runs = await service.runs(companyId, migrationId);
    const run = runs.find((r) => ['queued', 'running', 'paused'].includes(r.status));
    if (!run) {
      res.status(204).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let seq = Number(req.headers['last-event-id'] ?? 0) || 0;
    const send = (event: string, data: unknown) => {
      res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('progress', {
      runId: run.id,
      status: run.status,
      counts: await service.counts(companyId, migrationId),
      requests: run.requests,
      tokens: run.tokens,
      writes: run.writes,
      resumeAt: run.resumeAt,
    });
    const channel = `run:${run.id}`;
    const onProgress = (p: Progress) => {
      const { companyId: _c, ...rest } = p;
      send('progress', rest);
      if (p.status !== 'running') {
        send('done', { runId: p.runId, status: p.status });
        close();
      }
    };
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const close = () => {
      clearInterval(keepAlive);
      service.events.off(channel, onProgress);
      res.end();
    };
    service.events.on(channel, onProgress);
    req.on('close', close);
  });

  router.get('/migrations/:id/records', async (req, res) => {
    const { companyId, migrationId } = ctx(req, res);
    const q = parse(recordsQuery, req.query);
    if (q.actimoId) {
      res.json({ records: await service.recordsByActimoId(companyId, migrationId, q.actimoId) });
      return;
    }
    res.json({
      records: await service.records(companyId, migrationId, {
        ...(q.entity ? { entity: q.entity } : {}),
        ...(q.state ? { state: q.state as (typeof RECORD_STATES)[number] } : {}),
        ...(q.afterId !== undefined ? { afterId: q.afterId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      }),
    });
  });

  return router;
}
