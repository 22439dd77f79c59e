// Marketplace mode: every panel request proves its company and user with the JWT Pipedrive signs for
// the iframe (GET_SIGNED_TOKEN). HS256 only (no `alg: none`, no key confusion), expiry required and
// enforced, claims read only from the verified token, and the company must have the app installed.
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { TenantContext } from '../../tenants/tenant-context.ts';
import type { TenantResolver } from './tenant.ts';

const numericId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const claimsSchema = z.object({ userId: numericId, companyId: numericId, exp: z.number() });

export class InvalidTokenError extends AppError {
  override name = 'InvalidTokenError';
  constructor(reason: string) {
    super('unauthorized', 'invalid_token', `The request is not signed by Pipedrive: ${reason}`);
  }
}

/** The JWT from `Authorization: Bearer`, or `?token=` on GET (the iframe's first load, downloads, streams). */
export function tokenOf(req: Request): string | undefined {
  const header = req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m?.[1];
  }
  if (req.method === 'GET' && typeof req.query.token === 'string') return req.query.token;
  return undefined;
}

export function verifyIframeToken(
  token: string,
  secret: string,
  nowMs: number,
): { userId: number; companyId: number } {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      clockTimestamp: Math.floor(nowMs / 1000),
      clockTolerance: 30,
    });
  } catch (err) {
    const reason = err instanceof jwt.TokenExpiredError ? 'token expired' : 'signature or format invalid';
    throw new InvalidTokenError(reason);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('userId, companyId and exp claims are required');
  return { userId: claims.data.userId, companyId: claims.data.companyId };
}

export function iframeJwtTenant(options: {
  secret: string;
  now?: () => number;
  /** Throws when the company has not installed the app (or uninstalled it). */
  requireInstalled: (companyId: number) => Promise<unknown>;
}): TenantResolver {
  const now = options.now ?? Date.now;
  return async (req): Promise<TenantContext> => {
    const token = tokenOf(req);
    if (!token) throw new InvalidTokenError('no token');
    const { userId, companyId } = verifyIframeToken(token, options.secret, now());
    await options.requireInstalled(companyId);
    return { companyId, userId, mode: 'marketplace' };
  };
}
