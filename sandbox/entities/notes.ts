// Notes (API v1): HTML content attached to a person or organization, with an optional historical
// `add_time` ("YYYY-MM-DD HH:MM:SS", UTC, past or future). Deals, leads, projects and tasks are not
// emulated, so notes on them are refused as on a missing record.
import { v1Time } from '../clock.ts';
import { badRequest } from '../http.ts';
import type { Company } from '../state/company.ts';
import { NOTE_PINS, type NoteRecord } from '../state/types.ts';
import { emitChange, liveOr404, snapshot, softDelete, type WriteContext } from './context.ts';
import { v1Body, v1Flag, v1Int, v1String, v1Timestamp } from './v1-input.ts';

/** Pipedrive sanitises note HTML; the sandbox drops script and style blocks and inline handlers. */
function sanitize(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
}

function parents(company: Company, body: Record<string, unknown>): { person_id?: number; org_id?: number } {
  for (const k of ['deal_id', 'lead_id', 'project_id', 'task_id']) {
    if (body[k] !== undefined && body[k] !== null)
      throw badRequest(`${k}: ${k.replace('_id', '')} not found`);
  }
  const person_id = v1Int(body.person_id, 'person_id');
  const org_id = v1Int(body.org_id, 'org_id');
  if (person_id !== undefined && !company.personExists(person_id)) throw badRequest('Person not found');
  if (org_id !== undefined && !company.orgExists(org_id)) throw badRequest('Organization not found');
  return { ...(person_id ? { person_id } : {}), ...(org_id ? { org_id } : {}) };
}

function pins(body: Record<string, unknown>): NoteRecord['pins'] {
  const out: NoteRecord['pins'] = {};
  for (const k of NOTE_PINS) {
    const v = v1Flag(body[k], k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function author(company: Company, body: Record<string, unknown>, fallback: number): number {
  const userId = v1Int(body.user_id, 'user_id') ?? fallback;
  if (!company.userExists(userId)) throw badRequest('user_id: user not found');
  return userId;
}

export function createNote(ctx: WriteContext, rawBody: unknown): NoteRecord {
  const body = v1Body(rawBody);
  const content = v1String(body.content, 'content');
  if (!content?.trim()) throw badRequest('content is required');
  const linked = parents(ctx.company, body);
  if (linked.person_id === undefined && linked.org_id === undefined)
    throw badRequest('One of person_id, org_id, deal_id, lead_id, project_id or task_id is required');
  const addTime = v1Timestamp(body.add_time, 'add_time') ?? ctx.now;
  const record: NoteRecord = {
    id: ctx.company.notes.nextId(),
    content: sanitize(content),
    person_id: linked.person_id ?? null,
    org_id: linked.org_id ?? null,
    user_id: author(ctx.company, body, ctx.userId),
    last_update_user_id: null,
    pins: pins(body),
    add_time: addTime,
    update_time: ctx.now,
    deleted_at: null,
  };
  ctx.company.notes.insert(record);
  emitChange(ctx, 'note', 'create', record.id, null, record);
  return record;
}

export function updateNote(ctx: WriteContext, noteId: number, rawBody: unknown): NoteRecord {
  const body = v1Body(rawBody);
  const record = liveNote(ctx.company, noteId);
  const before = snapshot(record);
  const content = v1String(body.content, 'content');
  if (content !== undefined) {
    if (!content.trim()) throw badRequest('content must not be empty');
    record.content = sanitize(content);
  }
  const linked = parents(ctx.company, body);
  if (linked.person_id !== undefined) record.person_id = linked.person_id;
  if (linked.org_id !== undefined) record.org_id = linked.org_id;
  if (body.user_id !== undefined) record.user_id = author(ctx.company, body, record.user_id);
  const addTime = v1Timestamp(body.add_time, 'add_time');
  if (addTime !== undefined) record.add_time = addTime;
  Object.assign(record.pins, pins(body));
  record.last_update_user_id = ctx.userId;
  record.update_time = ctx.now;
  emitChange(ctx, 'note', 'change', record.id, before, record);
  return record;
}

export function deleteNote(ctx: WriteContext, noteId: number): void {
  softDelete(ctx, 'note', ctx.company.notes, liveNote(ctx.company, noteId));
}

export function liveNote(company: Company, noteId: number): NoteRecord {
  return liveOr404(company.notes, noteId, 'Note not found');
}

/** The API v1 Note object. */
export function presentNote(company: Company, n: NoteRecord, viewerId: number): Record<string, unknown> {
  const person = n.person_id === null ? undefined : company.persons.get(n.person_id);
  const org = n.org_id === null ? undefined : company.organizations.get(n.org_id);
  const user = company.users.get(n.user_id);
  const out: Record<string, unknown> = {
    id: n.id,
    user_id: n.user_id,
    deal_id: null,
    person_id: n.person_id,
    org_id: n.org_id,
    lead_id: null,
    project_id: null,
    task_id: null,
    content: n.content,
    add_time: v1Time(n.add_time),
    update_time: v1Time(n.update_time),
    active_flag: n.deleted_at === null,
    last_update_user_id: n.last_update_user_id,
    organization: org ? { name: org.name } : null,
    person: person ? { name: person.name } : null,
    deal: null,
    project: null,
    task: null,
    user: user
      ? { email: user.email, name: user.name, icon_url: user.icon_url, is_you: user.id === viewerId }
      : null,
  };
  for (const k of NOTE_PINS) out[k] = n.pins[k] ?? false;
  return out;
}
