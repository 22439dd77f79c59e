// /api/v2/organizations
import { Router } from 'express';
import { z } from 'zod';
import {
  createOrganization,
  deleteOrganization,
  presentOrganization,
  updateOrganization,
} from '../../entities/organizations.ts';
import { parseQuery } from '../../entities/schemas.ts';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { apiWrite, mount, notFound, v2Id } from '../route.ts';
import { customFieldKeys, includeFields, inUpdateWindow, listQuery, rejectFilterId } from './list-query.ts';
import { page } from './paging.ts';
import { searchRoute } from './search.ts';

const INCLUDE = ['people_count', 'notes_count', 'files_count', 'activities_count', 'smart_bcc_email'];

const listSchema = z.object(listQuery);
const getSchema = z.object({
  include_fields: z.string().optional(),
  custom_fields: z.string().optional(),
  include_option_labels: listQuery.include_option_labels,
  include_labels: listQuery.include_labels,
});

export function organizationRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(
    sandbox,
    r,
    'get',
    '/organizations/search',
    'searchOrganization',
    searchRoute(sandbox, 'organization'),
  );

  mount(sandbox, r, 'get', '/organizations', 'getOrganizations', (req, res, caller) => {
    const q = parseQuery(listSchema, req.query);
    rejectFilterId(q.filter_id);
    const company = caller.company;
    const opts = {
      customFields: customFieldKeys(q.custom_fields),
      includeFields: includeFields(q.include_fields, INCLUDE),
    };
    const ids = q.ids ? new Set(q.ids) : undefined;
    const filtered = q.ids || q.owner_id || q.updated_since || q.updated_until;
    const items = filtered
      ? [...company.organizations.live()].filter(
          (o) =>
            (!ids || ids.has(o.id)) &&
            (q.owner_id === undefined || o.owner_id === q.owner_id) &&
            inUpdateWindow(o.update_time, q.updated_since, q.updated_until),
        )
      : company.organizations.live();
    const sortBy = q.sort_by ?? 'id';
    const direction = q.sort_direction ?? 'asc';
    const result = page(
      items,
      q,
      (o) => (sortBy === 'id' ? o.id : o[sortBy]),
      direction,
      sortBy === 'id' && direction === 'asc',
    );
    ok(
      res,
      result.data.map((o) => presentOrganization(company, o, opts)),
      { next_cursor: result.nextCursor },
    );
  });

  mount(sandbox, r, 'get', '/organizations/:id', 'getOrganization', (req, res, caller) => {
    const q = parseQuery(getSchema, req.query);
    const org = caller.company.organizations.get(v2Id(req));
    if (!org) throw notFound('Organization not found');
    ok(
      res,
      presentOrganization(caller.company, org, {
        customFields: customFieldKeys(q.custom_fields),
        includeFields: includeFields(q.include_fields, INCLUDE),
      }),
    );
  });

  mount(sandbox, r, 'post', '/organizations', 'addOrganization', (req, res, caller) => {
    const org = createOrganization(apiWrite(sandbox, caller), req.body);
    ok(res, presentOrganization(caller.company, org));
  });

  mount(sandbox, r, 'patch', '/organizations/:id', 'updateOrganization', (req, res, caller) => {
    const org = updateOrganization(apiWrite(sandbox, caller), v2Id(req), req.body);
    ok(res, presentOrganization(caller.company, org));
  });

  mount(sandbox, r, 'delete', '/organizations/:id', 'deleteOrganization', (req, res, caller) => {
    const id = v2Id(req);
    deleteOrganization(apiWrite(sandbox, caller), id);
    ok(res, { id });
  });

  return r;
}
