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
import { mount } from '../route.ts';
import { getQuery, inUpdateWindow, listQuery, presentOptions, rejectFilterId } from './list-query.ts';
import { sortedPage } from './paging.ts';
import { recordRoutes } from './record-routes.ts';
import { searchRoute } from './search.ts';

const INCLUDE = ['people_count', 'notes_count', 'files_count', 'activities_count', 'smart_bcc_email'];

const listSchema = z.object(listQuery);

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
    const opts = presentOptions(q, INCLUDE);
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
    const result = sortedPage(items, q, (o, sortBy) => o[sortBy]);
    ok(
      res,
      result.data.map((o) => presentOrganization(company, o, opts)),
      { next_cursor: result.nextCursor },
    );
  });

  recordRoutes(sandbox, r, {
    path: '/organizations',
    ops: {
      get: 'getOrganization',
      add: 'addOrganization',
      update: 'updateOrganization',
      delete: 'deleteOrganization',
    },
    notFound: 'Organization not found',
    find: (company, id) => company.organizations.get(id),
    present: (company, org, query) =>
      presentOrganization(company, org, presentOptions(parseQuery(getQuery, query), INCLUDE)),
    create: createOrganization,
    update: updateOrganization,
    remove: deleteOrganization,
  });

  return r;
}
