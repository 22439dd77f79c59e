// /api/v2/persons
import { Router } from 'express';
import { z } from 'zod';
import { createPerson, deletePerson, presentPerson, updatePerson } from '../../entities/persons.ts';
import { parseQuery, queryInt } from '../../entities/schemas.ts';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { apiWrite, mount, notFound, v2Id } from '../route.ts';
import { customFieldKeys, includeFields, inUpdateWindow, listQuery, rejectFilterId } from './list-query.ts';
import { page } from './paging.ts';
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
const getSchema = z.object({
  include_fields: z.string().optional(),
  custom_fields: z.string().optional(),
  include_option_labels: listQuery.include_option_labels,
  include_labels: listQuery.include_labels,
});

export function personRoutes(sandbox: Sandbox): Router {
  const r = Router();

  // Before /:id, so "search" is not taken for an id.
  mount(sandbox, r, 'get', '/persons/search', 'searchPersons', searchRoute(sandbox, 'person'));

  mount(sandbox, r, 'get', '/persons', 'getPersons', (req, res, caller) => {
    const q = parseQuery(listSchema, req.query);
    rejectFilterId(q.filter_id);
    const company = caller.company;
    const opts = {
      customFields: customFieldKeys(q.custom_fields),
      includeFields: includeFields(q.include_fields, INCLUDE),
    };
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
    const sortBy = q.sort_by ?? 'id';
    const result = page(
      items,
      q,
      (p) => (sortBy === 'id' ? p.id : p[sortBy]),
      q.sort_direction ?? 'asc',
      sortBy === 'id' && (q.sort_direction ?? 'asc') === 'asc',
    );
    ok(
      res,
      result.data.map((p) => presentPerson(company, p, opts)),
      { next_cursor: result.nextCursor },
    );
  });

  mount(sandbox, r, 'get', '/persons/:id', 'getPerson', (req, res, caller) => {
    const q = parseQuery(getSchema, req.query);
    const person = caller.company.persons.get(v2Id(req));
    if (!person) throw notFound('Person not found');
    ok(
      res,
      presentPerson(caller.company, person, {
        customFields: customFieldKeys(q.custom_fields),
        includeFields: includeFields(q.include_fields, INCLUDE),
      }),
    );
  });

  mount(sandbox, r, 'post', '/persons', 'addPerson', (req, res, caller) => {
    const person = createPerson(apiWrite(sandbox, caller), req.body);
    ok(res, presentPerson(caller.company, person));
  });

  mount(sandbox, r, 'patch', '/persons/:id', 'updatePerson', (req, res, caller) => {
    const person = updatePerson(apiWrite(sandbox, caller), v2Id(req), req.body);
    ok(res, presentPerson(caller.company, person));
  });

  mount(sandbox, r, 'delete', '/persons/:id', 'deletePerson', (req, res, caller) => {
    const id = v2Id(req);
    deletePerson(apiWrite(sandbox, caller), id);
    ok(res, { id });
  });

  return r;
}
