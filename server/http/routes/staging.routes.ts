// /api/migrations…: create a migration, upload exports into it, see what was recognised, correct a
// file's kind, page through staged records and their issues. Thin: the rules are in StagingService.
import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { AppError, ValidationError } from '../../errors.ts';
import type { SourceFile } from '../../staging/source-file.repository.ts';
import type { StagingService } from '../../staging/staging.service.ts';
import { ENTITIES } from '../../staging/vocabulary.ts';
import { companyDataDir } from '../../tenants/company-files.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam, parse } from '../params.ts';
import { receiveUpload } from '../upload.ts';

const MAX_FILES_PER_UPLOAD = 100;

const createBody = z.object({ name: z.string().max(255).optional() }).strict();
const kindBody = z.object({ kind: z.string().min(1) }).strict();
const stagedQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  withIssues: z.enum(['true', 'false']).optional(),
  code: z.string().max(48).optional(),
});

/** What the panel shows for a file (the stored path stays on the server). */
function fileView<F extends SourceFile>(f: F): Omit<F, 'storedPath'> {
  const { storedPath: _hidden, ...rest } = f;
  return rest;
}

export function stagingRoutes(config: Config, staging: StagingService): Router {
  const router = Router();

  router.post('/migrations', async (req, res) => {
    const body = parse(createBody, req.body ?? {});
    res.status(201).json(await staging.createMigration(tenantOf(res).companyId, body.name));
  });

  router.get('/migrations', async (_req, res) => {
    res.json({ migrations: await staging.overviews(tenantOf(res).companyId) });
  });

  router.get('/migrations/:id', async (req, res) => {
    const { companyId } = tenantOf(res);
    const id = idParam(req.params.id, 'migration id');
    const migration = await staging.migration(companyId, id);
    res.json({ ...migration, summary: await staging.summary(companyId, id) });
  });

  router.post('/migrations/:id/files', async (req, res) => {
    const { companyId } = tenantOf(res);
    const id = idParam(req.params.id, 'migration id');
    await staging.migration(companyId, id);
    const inputs = await receiveUpload(req, {
      dataDir: companyDataDir(config.dataDir, companyId),
      maxBytes: config.uploadMaxBytes,
      maxFiles: MAX_FILES_PER_UPLOAD,
    });
    const result = await staging.stage(companyId, id, inputs);
    const failed = result.files.filter((f) => f.status === 'failed');
    if (failed.length === result.files.length && failed[0]?.error) {
      const e = failed[0].error;
      throw new AppError(e.kind, e.code, e.message, { files: result.files });
    }
    res.status(201).json(result);
  });

  router.get('/migrations/:id/files', async (req, res) => {
    const { companyId } = tenantOf(res);
    const files = await staging.filesWithIssues(companyId, idParam(req.params.id, 'migration id'));
    res.json({ files: files.map(fileView) });
  });

  router.patch('/migrations/:id/files/:fileId', async (req, res) => {
    const body = parse(kindBody, req.body ?? {});
    const file = await staging.overrideKind(
      tenantOf(res).companyId,
      idParam(req.params.id, 'migration id'),
      idParam(req.params.fileId, 'file id'),
      body.kind,
    );
    res.json(fileView(file));
  });

  router.get('/migrations/:id/memberships', async (req, res) => {
    const personId = typeof req.query.personId === 'string' ? req.query.personId : undefined;
    const links = await staging.memberships(
      tenantOf(res).companyId,
      idParam(req.params.id, 'migration id'),
      personId,
    );
    res.json({ memberships: links });
  });

  router.get('/migrations/:id/staged/:entity', async (req, res) => {
    const entity = String(req.params.entity);
    if (!(ENTITIES as readonly string[]).includes(entity) || entity === 'membership') {
      throw new ValidationError(
        'invalid_entity',
        `entity must be one of ${ENTITIES.filter((e) => e !== 'membership').join(', ')}.`,
      );
    }
    const q = parse(stagedQuery, req.query);
    const page = await staging.staged(tenantOf(res).companyId, idParam(req.params.id, 'migration id'), {
      entity: entity as 'person',
      offset: q.offset,
      limit: q.limit,
      withIssues: q.withIssues === 'true',
      ...(q.code ? { code: q.code } : {}),
    });
    res.json({ offset: q.offset, limit: q.limit, ...page });
  });

  return router;
}
