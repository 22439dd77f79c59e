import { Router } from 'express';
import type { Config } from '../../config.ts';
import type { LocalPipedrive } from '../../pipedrive/connections.ts';
import { tenantOf } from '../middleware/tenant.ts';

/** One sentence the panel shows as is, so nobody mistakes the demo sandbox for their Pipedrive. */
export function pipedriveNotice(config: Config, local?: LocalPipedrive): string | null {
  const p = config.pipedrive;
  if (p.mode === 'marketplace') return null;
  if (p.target === 'sandbox') {
    return `Demo mode: writes go to a local Pipedrive sandbox${local ? ` at ${local.apiUrl}` : ''}, not to Pipedrive.`;
  }
  return `Writes go to Pipedrive at ${p.apiUrl} with an API token.`;
}

/** Who the panel is talking as, and where writes go (the panel says so plainly when it is the sandbox). */
export function sessionRoutes(config: Config, local?: LocalPipedrive): Router {
  const router = Router();
  router.get('/session', (_req, res) => {
    const tenant = tenantOf(res);
    const p = config.pipedrive;
    res.json({
      companyId: tenant.companyId,
      userId: tenant.userId,
      mode: tenant.mode,
      pipedriveTarget: p.mode === 'local' ? p.target : 'pipedrive',
      pipedriveNotice: pipedriveNotice(config, local),
    });
  });
  return router;
}
