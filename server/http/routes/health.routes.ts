import { Router } from 'express';
import { engineOf, type Knex, migrationStatus } from '../../db.ts';

/** /healthz: the process answers. /readyz: the database answers and no migration is pending. */
export function healthRoutes(db: Knex): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const database = engineOf(db);
    try {
      await db.raw('select 1');
      const { applied, pending } = await migrationStatus(db);
      if (pending.length > 0) {
        res.status(503).json({ status: 'not_ready', database, reason: 'migrations_pending', pending });
        return;
      }
      res.json({ status: 'ready', database, migrations: applied.length });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'not_ready', database, reason: 'database_unreachable' });
    }
  });
  return router;
}
