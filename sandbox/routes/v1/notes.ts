// /v1/notes (also under /api/v1)
import { Router } from 'express';
import { createNote, deleteNote, liveNote, presentNote, updateNote } from '../../entities/notes.ts';
import { v1Flag, v1Int, v1Page, v1Sort, v1Timestamp } from '../../entities/v1-input.ts';
import { ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { NOTE_PINS } from '../../state/types.ts';
import { apiWrite, mount, v1Id } from '../route.ts';

export function noteRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'get', '/notes', 'getNotes', (req, res, caller) => {
    const q = req.query as Record<string, unknown>;
    const personId = v1Int(q.person_id, 'person_id');
    const orgId = v1Int(q.org_id, 'org_id');
    const userId = v1Int(q.user_id, 'user_id');
    const since = q.updated_since === undefined ? undefined : v1Timestamp(q.updated_since, 'updated_since');
    const startDate = typeof q.start_date === 'string' ? Date.parse(`${q.start_date}T00:00:00Z`) : undefined;
    const endDate = typeof q.end_date === 'string' ? Date.parse(`${q.end_date}T23:59:59Z`) : undefined;
    const pins = NOTE_PINS.map((k) => [k, v1Flag(q[k], k)] as const).filter(([, v]) => v !== undefined);
    const noParentFilter = ['deal_id', 'lead_id', 'project_id', 'task_id'].some((k) => q[k] !== undefined);
    const items = [...caller.company.notes.live()].filter(
      (n) =>
        !noParentFilter &&
        (personId === undefined || n.person_id === personId) &&
        (orgId === undefined || n.org_id === orgId) &&
        (userId === undefined || n.user_id === userId) &&
        (since === undefined || n.update_time >= since) &&
        (startDate === undefined || n.add_time >= startDate) &&
        (endDate === undefined || n.add_time <= endDate) &&
        pins.every(([k, v]) => (n.pins[k] ?? false) === v),
    );
    const sorted = v1Sort(items, q.sort, {
      id: (n) => n.id,
      add_time: (n) => n.add_time,
      update_time: (n) => n.update_time,
    });
    const { page, pagination } = v1Page(sorted, q);
    ok(
      res,
      page.map((n) => presentNote(caller.company, n, caller.userId)),
      { pagination },
    );
  });

  mount(sandbox, r, 'get', '/notes/:id', 'getNote', (req, res, caller) => {
    ok(res, presentNote(caller.company, liveNote(caller.company, v1Id(req)), caller.userId));
  });

  mount(sandbox, r, 'post', '/notes', 'addNote', (req, res, caller) => {
    const note = createNote(apiWrite(sandbox, caller), req.body);
    ok(res, presentNote(caller.company, note, caller.userId));
  });

  mount(sandbox, r, 'put', '/notes/:id', 'updateNote', (req, res, caller) => {
    const note = updateNote(apiWrite(sandbox, caller), v1Id(req), req.body);
    ok(res, presentNote(caller.company, note, caller.userId));
  });

  mount(sandbox, r, 'delete', '/notes/:id', 'deleteNote', (req, res, caller) => {
    deleteNote(apiWrite(sandbox, caller), v1Id(req));
    ok(res, true);
  });

  return r;
}
