// How every metered API route is mounted: authenticate (app level) → limits and scopes (meter) →
// fault injection → handler. The operation id names the route in the cost table and the request log.
import type { Request, Response, Router } from 'express';
import { type Caller, callerOf } from '../auth.ts';
import type { WriteContext } from '../entities/context.ts';
import { badRequest, notFound, validationFailed } from '../http.ts';
import type { Sandbox } from '../sandbox.ts';

export type Handler = (req: Request, res: Response, caller: Caller) => void | Promise<void>;

export function mount(
  sandbox: Sandbox,
  router: Router,
  method: 'get' | 'post' | 'patch' | 'put' | 'delete',
  path: string,
  opId: string,
  handler: Handler,
): void {
  router[method](path, sandbox.limits.meter(opId), sandbox.faults.middleware(), async (req, res) => {
    await handler(req, res, callerOf(res));
  });
}

export function apiWrite(sandbox: Sandbox, caller: Caller): WriteContext {
  return sandbox.writeContext(caller.company, caller.userId, 'api', caller.clientId);
}

/** A path id in API v2: a positive integer, else 400. */
export function v2Id(req: Request, name = 'id'): number {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw))
    throw validationFailed(`${name}: must be a positive integer`);
  return Number(raw);
}

/** A path id in API v1: not a number is a 400, an unknown number a 404 (from the caller). */
export function v1Id(req: Request, name = 'id'): number {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) throw badRequest(`${name} must be a number`);
  return Number(raw);
}

export { notFound };
