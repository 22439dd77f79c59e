// /v1/users: list, me, find (by name or, with search_by_email=1, by email), one by id.
import { Router } from 'express';
import { v1Time } from '../../clock.ts';
import { badRequest, notFound, ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import type { Company } from '../../state/company.ts';
import type { UserRecord } from '../../state/types.ts';
import { mount, v1Id } from '../route.ts';

export function presentUser(u: UserRecord, viewerId: number): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    default_currency: u.default_currency,
    locale: u.locale,
    lang: u.lang,
    email: u.email,
    phone: u.phone,
    activated: true,
    last_login: v1Time(u.last_login),
    created: v1Time(u.created),
    modified: v1Time(u.modified),
    has_created_company: u.is_admin,
    access: [{ app: 'sales', admin: u.is_admin, permission_set_id: u.is_admin ? 'admin' : 'regular' }],
    active_flag: u.active_flag,
    timezone_name: u.timezone_name,
    timezone_offset: u.timezone_offset,
    role_id: u.role_id,
    icon_url: u.icon_url,
    is_you: u.id === viewerId,
    is_deleted: !u.active_flag,
  };
}

function me(company: Company, u: UserRecord): Record<string, unknown> {
  return {
    ...presentUser(u, u.id),
    company_id: company.id,
    company_name: company.info.name,
    company_domain: company.info.domain,
    company_country: 'EE',
    company_industry: null,
    language: { language_code: 'en', country_code: 'US' },
  };
}

export function userRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'get', '/users', 'getUsers', (_req, res, caller) => {
    ok(
      res,
      [...caller.company.users.values()].map((u) => presentUser(u, caller.userId)),
    );
  });

  mount(sandbox, r, 'get', '/users/me', 'getCurrentUser', (_req, res, caller) => {
    ok(res, me(caller.company, caller.company.users.get(caller.userId)!));
  });

  mount(sandbox, r, 'get', '/users/find', 'findUsersByName', (req, res, caller) => {
    const term = typeof req.query.term === 'string' ? req.query.term.trim().toLowerCase() : '';
    if (term.length < 2) throw badRequest('term must be at least 2 characters long');
    const byEmail = req.query.search_by_email === '1' || req.query.search_by_email === 'true';
    const found = [...caller.company.users.values()].filter((u) =>
      (byEmail ? u.email : u.name).toLowerCase().includes(term),
    );
    ok(res, found.length ? found.map((u) => presentUser(u, caller.userId)) : null);
  });

  mount(sandbox, r, 'get', '/users/:id', 'getUser', (req, res, caller) => {
    const user = caller.company.users.get(v1Id(req));
    if (!user) throw notFound('User not found');
    ok(res, presentUser(user, caller.userId));
  });

  return r;
}
