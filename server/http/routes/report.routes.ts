// /api/migrations/:id/report…: the reconciliation report as JSON or as a self-contained HTML page, and
// the skip files (one CSV per source export, once a run has skipped or failed rows). Thin: the rules are
// in server/report/.
import { type Request, type Response, Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import { reportHtml } from '../../report/html.ts';
import type { ReportService } from '../../report/report.service.ts';
import { tenantOf } from '../middleware/tenant.ts';
import { idParam } from '../params.ts';

export function reportRoutes(reports: ReportService): Router {
  const router = Router();
  const ctx = (req: Request, res: Response) => {
    const t = tenantOf(res);
    return { companyId: t.companyId, userId: t.userId, migrationId: idParam(req.params.id, 'migration id') };
  };

  router.get('/migrations/:id/report', async (req, res) => {
    const c = ctx(req, res);
    res.json(await reports.report(c.companyId, c.migrationId, c.userId));
  });

  router.get('/migrations/:id/report.html', async (req, res) => {
    const c = ctx(req, res);
    const html = reportHtml(await reports.report(c.companyId, c.migrationId, c.userId));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="reconciliation-migration-${c.migrationId}.html"`,
    );
    res.send(html);
  });

  router.get('/migrations/:id/report/skipped', async (req, res) => {
    const c = ctx(req, res);
    const files = await reports.skipFiles(c.companyId, c.migrationId);
    res.json({
      files: files.map((f) => ({
        fileId: f.fileId,
        fileName: f.fileName,
        rows: f.rows,
        url: `/api/migrations/${c.migrationId}/report/skipped/${f.fileId}`,
      })),
    });
  });

  router.get('/migrations/:id/report/skipped/:fileId', async (req, res) => {
    const c = ctx(req, res);
    const fileId = idParam(req.params.fileId, 'file id');
    const f = (await reports.skipFiles(c.companyId, c.migrationId)).find((x) => x.fileId === fileId);
    if (!f) throw new NotFoundError('no_skipped_rows', `No row of file ${fileId} was skipped or failed.`);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${f.fileName.replace(/["\\\r\n]/g, '_')}"`);
    res.send(f.csv);
  });

  return router;
}
