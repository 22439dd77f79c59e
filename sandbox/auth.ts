// Finds the company from the credential, as Pipedrive does: a personal API token (header `x-api-token`
// or query `api_token`) or an OAuth access token (`Authorization: Bearer`). Missing, unknown, expired and
// revoked credentials all get the same 401.
import type { NextFunction, Request, Response } from 'express';
import { unauthorized } from './http.ts';
import type { Sandbox } from './sandbox.ts';
import type { Company } from './state/company.ts';

export interface Caller {
  company: Company;
  userId: number;
  authType: 'api_token' | 'oauth';
  /** What the burst window is counted per: the API token, or the OAuth grant (refreshing keeps it). */
  limiterKey: string;
  /** For the request log: never the token itself. */
  credential: string;
  clientId: string | null;
  /** OAuth scopes; null for API tokens, which may do anything their user may. */
  scopes: ReadonlySet<string> | null;
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('route mounted without authenticate()');
  return caller;
}

function apiTokenOf(req: Request): string | undefined {
  const header = req.headers['x-api-token'];
  if (typeof header === 'string' && header !== '') return header;
  const query = req.query.api_token;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

function bearerOf(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

export function authenticate(sandbox: Sandbox) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const caller = resolveCaller(sandbox, req);
    if (!caller) {
      next(unauthorized());
      return;
    }
    // Records soft-deleted 30 days ago (on the sandbox clock) are gone for every request from here on.
    caller.company.purge(sandbox.clock.now());
    res.locals.caller = caller;
    next();
  };
}

function resolveCaller(sandbox: Sandbox, req: Request): Caller | undefined {
  // With both, the API token wins (as in the SDK).
  const apiToken = apiTokenOf(req);
  if (apiToken !== undefined) {
    const owner = sandbox.resolveApiToken(apiToken);
    const company = owner && sandbox.companies.get(owner.companyId);
    if (!owner || !company?.userExists(owner.userId)) return undefined;
    return {
      company,
      userId: owner.userId,
      authType: 'api_token',
      limiterKey: `api:${apiToken}`,
      credential: `api_token ${apiToken.slice(0, 4)}…`,
      clientId: null,
      scopes: null,
    };
  }
  const bearer = bearerOf(req);
  if (bearer === undefined) return undefined;
  const grant = sandbox.oauth.resolveAccessToken(bearer);
  const company = grant && sandbox.companies.get(grant.companyId);
  if (!grant || !company?.userExists(grant.userId)) return undefined;
  return {
    company,
    userId: grant.userId,
    authType: 'oauth',
    limiterKey: `oauth:${grant.id}`,
    credential: `oauth ${grant.clientId}`,
    clientId: grant.clientId,
    scopes: new Set(grant.scopes),
  };
}
