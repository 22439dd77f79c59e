// /api/v2/persons
import { Router } from 'express';
import { z } from 'zod';
import { createPerson, deletePerson, presentPerson, updatePerson } from '../../entities/persons.ts';
import { parseQuery, queryInt } from '../../entities/schemas.ts';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { mount } from '../route.ts';
import { getQuery, inUpdateWindow, listQuery, presentOptions, rejectFilterId } from './list-query.ts';
import { sortedPage } from './paging.ts';
import { recordRoutes } from './record-routes.ts';
import { searchRoute } from './search.ts';

const INCLUDE = [
  'marketing_status',
  'notes_count',
  'files_count',
  'activities_count',
  'doi_status',
  'smart_bcc_email',
];

const listSchema = z.object({ ...listQuery, org_id: queryInt().optional(), deal_id: queryInt().optional() });

export function personRoutes(sandbox: Sandbox): Router {
  const r = Router();

  // Before /:id, so "search" is not taken for an id.
  mount(sandbox, r, 'get', '/persons/search', 'searchPersons', searchRoute(sandbox, 'person'));

  mount(sandbox, r, 'get', '/persons', 'getPersons', (req, res, caller) => {
    const q = parseQuery(listSchema, req.query);
    rejectFilterId(q.filter_id);
    const company = caller.company;
    const opts = presentOptions(q, INCLUDE);
    const ids = q.ids ? new Set(q.ids) : undefined;
    const filtered = q.ids || q.owner_id || q.org_id || q.deal_id || q.updated_since || q.updated_until;
    const items = filtered
      ? [...company.persons.live()].filter(
          (p) =>
            (!ids || ids.has(p.id)) &&
            (q.owner_id === undefined || p.owner_id === q.owner_id) &&
            (q.org_id === undefined || p.org_id === q.org_id) &&
            q.deal_id === undefined && // deals are not emulated: no person is linked to one
            inUpdateWindow(p.update_time, q.updated_since, q.updated_until),
        )
      : company.persons.live();
    const result = sortedPage(items, q, (p, sortBy) => p[sortBy]);
    ok(
      res,
      result.data.map((p) => presentPerson(company, p, opts)),
      { next_cursor: result.nextCursor },
    );
  });

  recordRoutes(sandbox, r, {
    path: '/persons',
    ops: { get: 'getPerson', add: 'addPerson', update: 'updatePerson', delete: 'deletePerson' },
    notFound: 'Person not found',
    find: (company, id) => company.persons.get(id),
    present: (company, person, query) =>
      presentPerson(company, person, presentOptions(parseQuery(getQuery, query), INCLUDE)),
    create: createPerson,
    update: updatePerson,
    remove: (ctx, id) => deletePerson(ctx, id),
  });

  return r;
}
