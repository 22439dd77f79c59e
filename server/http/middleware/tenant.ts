import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TenantContext } from '../../tenants/tenant-context.ts';

/** Finds the caller's company from what the request proves (never from its body). */
export type TenantResolver = (req: Request) => Promise<TenantContext> | TenantContext;

export function requireTenant(resolve: TenantResolver): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.tenant = await resolve(req);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function tenantOf(res: Response): TenantContext {
  const tenant = res.locals.tenant as TenantContext | undefined;
  if (!tenant) throw new Error('route mounted without requireTenant');
  return tenant;
}
