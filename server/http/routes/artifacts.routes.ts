// /api/migrations/:id/artifacts…: the rebuild artifacts (workflow reference and guide, integrations
// document) and the list of every downloadable document with its availability. Thin: the rules are in
// server/report/.
import { type Response, Router } from 'express';
import { integrationsMarkdown } from '../../report/artifact-documents.ts';
import type { ArtifactsService } from '../../report/artifacts.service.ts';
import { workflowGuide } from '../../report/workflow-guide.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam } from '../params.ts';

function download(res: Response, name: string, type: string, body: string): void {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.send(body);
}

export function artifactRoutes(artifacts: ArtifactsService): Router {
  const router = Router();
  const ids = (req: import('express').Request, res: Response) => ({
    companyId: tenantOf(res).companyId,
    migrationId: idParam(req.params.id, 'migration id'),
  });

  router.get('/migrations/:id/artifacts', async (req, res) => {
    const c = ids(req, res);
    res.json(await artifacts.list(c.companyId, c.migrationId));
  });

  router.get('/migrations/:id/artifacts/workflows.json', async (req, res) => {
    const c = ids(req, res);
    const ref = await artifacts.workflows(c.companyId, c.migrationId);
    download(
      res,
      `workflows-migration-${c.migrationId}.json`,
      'application/json',
      `${JSON.stringify(ref, null, 2)}\n`,
    );
  });

  router.get('/migrations/:id/artifacts/workflows.md', async (req, res) => {
    const c = ids(req, res);
    const ref = await artifacts.workflows(c.companyId, c.migrationId);
    download(res, `workflows-migration-${c.migrationId}.md`, 'text/markdown', workflowGuide(ref));
  });

  router.get('/migrations/:id/artifacts/integrations.json', async (req, res) => {
    const c = ids(req, res);
    const doc = await artifacts.integrations(c.companyId, c.migrationId);
    download(
      res,
      `integrations-migration-${c.migrationId}.json`,
      'application/json',
      `${JSON.stringify(doc, null, 2)}\n`,
    );
  });

  router.get('/migrations/:id/artifacts/integrations.md', async (req, res) => {
    const c = ids(req, res);
    const doc = await artifacts.integrations(c.companyId, c.migrationId);
    download(res, `integrations-migration-${c.migrationId}.md`, 'text/markdown', integrationsMarkdown(doc));
  });

  return router;
}
