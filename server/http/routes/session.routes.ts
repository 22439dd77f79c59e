import { Router } from 'express';
import type { Config } from '../../config.ts';
import { tenantOf } from '../middleware/tenant.ts';

/** Who the panel is talking as, and where writes go (the panel says so plainly when it is the sandbox). */
export function sessionRoutes(config: Config): Router {
  const router = Router();
  router.get('/session', (_req, res) => {
    const tenant = tenantOf(res);
    const p = config.pipedrive;
    res.json({
      companyId: tenant.companyId,
      userId: tenant.userId,
      mode: tenant.mode,
      pipedriveTarget: p.mode === 'local' ? p.target : 'pipedrive',
    });
  });
  return router;
}
