// Activities as API v2 has them. `person_id` is read-only in v2: persons are linked through
// `participants`, and the primary participant is reported back as `person_id` (migration guide). The SDK
// type still lists person_id on AddActivityRequest; sending it is a 400 here, as in Pipedrive.
import { z } from 'zod';
import { rfc3339 } from '../clock.ts';
import { validationFailed } from '../http.ts';
import { ACTIVITY_TYPES, type Company } from '../state/company.ts';
import type { ActivityRecord, Participant } from '../state/types.ts';
import { requireOrg, requireOwner } from './common.ts';
import { assignDefined, emitChange, liveOr404, snapshot, softDelete, type WriteContext } from './context.ts';
import { address, date, hhmm, id, parseV2 } from './schemas.ts';

const activitySchema = z.strictObject({
  subject: z.string().max(255).optional(),
  type: z.string().min(1).optional(),
  owner_id: id.optional(),
  deal_id: id.nullable().optional(),
  lead_id: z.string().nullable().optional(),
  person_id: z.unknown().optional(),
  org_id: id.nullable().optional(),
  project_id: id.nullable().optional(),
  due_date: date.nullable().optional(),
  due_time: hhmm.nullable().optional(),
  duration: hhmm.nullable().optional(),
  busy: z.boolean().optional(),
  done: z.boolean().optional(),
  location: address.nullable().optional(),
  participants: z.array(z.strictObject({ person_id: id, primary: z.boolean().optional() })).optional(),
  attendees: z
    .array(
      z.strictObject({
        email: z.string().optional(),
        name: z.string().optional(),
        status: z.string().optional(),
        is_organizer: z.boolean().optional(),
        person_id: id.optional(),
        user_id: id.optional(),
      }),
    )
    .optional(),
  public_description: z.string().nullable().optional(),
  priority: z.number().int().nullable().optional(),
  note: z.string().nullable().optional(),
});

type ActivityInput = z.infer<typeof activitySchema>;

function checkInput(company: Company, input: ActivityInput): void {
  if (input.person_id !== undefined)
    throw validationFailed('person_id: is read-only in API v2; link persons through participants');
  if (input.deal_id != null) throw validationFailed(`deal_id: deal ${input.deal_id} not found`);
  if (input.lead_id != null) throw validationFailed(`lead_id: lead ${input.lead_id} not found`);
  if (input.project_id != null) throw validationFailed(`project_id: project ${input.project_id} not found`);
  if (input.type !== undefined && !ACTIVITY_TYPES.some((t) => t.key_string === input.type))
    throw validationFailed(`type: activity type "${input.type}" does not exist`);
  for (const p of input.participants ?? []) {
    if (!company.personExists(p.person_id))
      throw validationFailed(`participants: person ${p.person_id} not found`);
  }
}

function participants(list: { person_id: number; primary?: boolean | undefined }[]): Participant[] {
  const primaries = list.filter((p) => p.primary === true).length;
  if (primaries > 1) throw validationFailed('participants: only one participant can be primary');
  return list.map((p, i) => ({
    person_id: p.person_id,
    primary: primaries === 0 ? i === 0 : p.primary === true,
  }));
}

export function createActivity(ctx: WriteContext, body: unknown): ActivityRecord {
  const input = parseV2(activitySchema, body);
  const { company, now } = ctx;
  checkInput(company, input);
  const type = input.type ?? 'call';
  const record: ActivityRecord = {
    id: company.activities.nextId(),
    subject: input.subject ?? ACTIVITY_TYPES.find((t) => t.key_string === type)!.name,
    type,
    owner_id: requireOwner(company, input.owner_id ?? ctx.userId),
    creator_user_id: ctx.userId,
    org_id: requireOrg(company, input.org_id ?? null),
    due_date: input.due_date ?? null,
    due_time: input.due_time ?? null,
    duration: input.duration ?? null,
    busy: input.busy ?? false,
    done: input.done ?? false,
    marked_as_done_time: input.done ? now : null,
    location: input.location ?? null,
    participants: participants(input.participants ?? []),
    attendees: input.attendees ?? [],
    public_description: input.public_description ?? null,
    priority: input.priority ?? null,
    note: input.note ?? null,
    add_time: now,
    update_time: now,
    deleted_at: null,
  };
  company.activities.insert(record);
  emitChange(ctx, 'activity', 'create', record.id, null, record);
  return record;
}

export function updateActivity(ctx: WriteContext, activityId: number, body: unknown): ActivityRecord {
  const input = parseV2(activitySchema, body);
  const record = liveActivity(ctx.company, activityId);
  checkInput(ctx.company, input);
  const before = snapshot(record);
  const next = snapshot(record);
  if (input.subject !== undefined) next.subject = input.subject;
  if (input.type !== undefined) next.type = input.type;
  if (input.owner_id !== undefined) next.owner_id = requireOwner(ctx.company, input.owner_id);
  if (input.org_id !== undefined) next.org_id = requireOrg(ctx.company, input.org_id);
  if (input.participants !== undefined) next.participants = participants(input.participants);
  if (input.attendees !== undefined) next.attendees = input.attendees;
  if (input.done !== undefined && input.done !== next.done) {
    next.done = input.done;
    next.marked_as_done_time = input.done ? ctx.now : null;
  }
  assignDefined(next, input, [
    'due_date',
    'due_time',
    'duration',
    'busy',
    'location',
    'public_description',
    'priority',
    'note',
  ]);
  next.update_time = ctx.now;
  Object.assign(record, next);
  emitChange(ctx, 'activity', 'change', record.id, before, record);
  return record;
}

export function deleteActivity(ctx: WriteContext, activityId: number): void {
  softDelete(ctx, 'activity', ctx.company.activities, liveActivity(ctx.company, activityId));
}

export function liveActivity(company: Company, activityId: number): ActivityRecord {
  return liveOr404(company.activities, activityId, 'Activity not found');
}

/** The API v2 Activity object; attendees only with include_fields=attendees. */
export function presentActivity(a: ActivityRecord, withAttendees = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    subject: a.subject,
    type: a.type,
    owner_id: a.owner_id,
    creator_user_id: a.creator_user_id,
    is_deleted: a.deleted_at !== null,
    add_time: rfc3339(a.add_time),
    update_time: rfc3339(a.update_time),
    deal_id: null,
    lead_id: null,
    person_id: a.participants.find((p) => p.primary)?.person_id ?? null,
    org_id: a.org_id,
    project_id: null,
    due_date: a.due_date,
    due_time: a.due_time,
    duration: a.duration,
    busy: a.busy,
    done: a.done,
    marked_as_done_time: a.marked_as_done_time === null ? null : rfc3339(a.marked_as_done_time),
    location: a.location,
    participants: a.participants,
    public_description: a.public_description,
    priority: a.priority,
    note: a.note,
  };
  if (withAttendees) out.attendees = a.attendees;
  return out;
}
