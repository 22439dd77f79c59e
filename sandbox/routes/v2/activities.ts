// /api/v2/activities
import { Router } from 'express';
import { z } from 'zod';
import {
  createActivity,
  deleteActivity,
  presentActivity,
  updateActivity,
} from '../../entities/activities.ts';
import { parseQuery, queryBool, queryIds, queryInt, queryRfc3339 } from '../../entities/schemas.ts';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { mount } from '../route.ts';
import { includeFields, inUpdateWindow, pagingQuery, rejectFilterId } from './list-query.ts';
import { sortedPage } from './paging.ts';
import { recordRoutes } from './record-routes.ts';

const listSchema = z.object({
  ...pagingQuery,
  filter_id: queryInt().optional(),
  ids: queryIds(100).optional(),
  owner_id: queryInt().optional(),
  deal_id: queryInt().optional(),
  lead_id: z.string().optional(),
  person_id: queryInt().optional(),
  org_id: queryInt().optional(),
  done: queryBool.optional(),
  updated_since: queryRfc3339.optional(),
  updated_until: queryRfc3339.optional(),
  sort_by: z.enum(['id', 'update_time', 'add_time', 'due_date']).optional(),
  sort_direction: z.enum(['asc', 'desc']).optional(),
  include_fields: z.string().optional(),
});

export function activityRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'get', '/activities', 'getActivities', (req, res, caller) => {
    const q = parseQuery(listSchema, req.query);
    rejectFilterId(q.filter_id);
    const withAttendees = includeFields(q.include_fields, ['attendees']).includes('attendees');
    const ids = q.ids ? new Set(q.ids) : undefined;
    const items = [...caller.company.activities.live()].filter(
      (a) =>
        (!ids || ids.has(a.id)) &&
        (q.owner_id === undefined || a.owner_id === q.owner_id) &&
        q.deal_id === undefined &&
        q.lead_id === undefined &&
        (q.person_id === undefined || a.participants.some((p) => p.person_id === q.person_id)) &&
        (q.org_id === undefined || a.org_id === q.org_id) &&
        (q.done === undefined || a.done === q.done) &&
        inUpdateWindow(a.update_time, q.updated_since, q.updated_until),
    );
    const result = sortedPage(items, q, (a, sortBy) =>
      sortBy === 'due_date' ? (a.due_date ?? '') : a[sortBy],
    );
    ok(
      res,
      result.data.map((a) => presentActivity(a, withAttendees)),
      { next_cursor: result.nextCursor },
    );
  });

  recordRoutes(sandbox, r, {
    path: '/activities',
    ops: { get: 'getActivity', add: 'addActivity', update: 'updateActivity', delete: 'deleteActivity' },
    notFound: 'Activity not found',
    find: (company, id) => company.activities.get(id),
    present: (_company, activity, query) => {
      const q = parseQuery(z.object({ include_fields: z.string().optional() }), query);
      return presentActivity(activity, includeFields(q.include_fields, ['attendees']).includes('attendees'));
    },
    create: createActivity,
    update: updateActivity,
    remove: deleteActivity,
  });

  return r;
}
