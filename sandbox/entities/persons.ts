// Persons as API v2 has them (SDK AddPersonRequest / UpdatePersonRequest / Person).
import { z } from 'zod';
import { rfc3339 } from '../clock.ts';
import { validationFailed } from '../http.ts';
import type { Company } from '../state/company.ts';
import type { PersonRecord } from '../state/types.ts';
import {
  applyCustomFields,
  normalizeContacts,
  presentCustomFields,
  requireOrg,
  requireOwner,
  splitName,
} from './common.ts';
import { emitChange, liveOr404, snapshot, softDelete, type WriteContext } from './context.ts';
import {
  address,
  contactList,
  customFields,
  date,
  EMAIL_LABELS,
  id,
  PHONE_LABELS,
  parseRfc3339,
  parseV2,
  rfc3339 as rfc3339Schema,
  visibleTo,
} from './schemas.ts';

const MARKETING = ['no_consent', 'unsubscribed', 'subscribed', 'archived'] as const;

const updateShape = {
  name: z.string().trim().min(1).max(255).optional(),
  first_name: z.string().max(255).optional(),
  last_name: z.string().max(255).optional(),
  owner_id: id.optional(),
  org_id: id.nullable().optional(),
  emails: contactList(EMAIL_LABELS).optional(),
  phones: contactList(PHONE_LABELS).optional(),
  visible_to: visibleTo.optional(),
  label_ids: z.array(id).optional(),
  postal_address: address.optional(),
  notes: z.string().max(10_000).optional(),
  im: contactList([
    'work',
    'home',
    'other',
    'google',
    'aim',
    'yahoo',
    'skype',
    'qq',
    'msn',
    'icq',
    'jabber',
  ]).optional(),
  birthday: date.optional(),
  job_title: z.string().max(255).optional(),
  marketing_status: z.enum(MARKETING).optional(),
  custom_fields: customFields.optional(),
};

export const addPersonSchema = z.strictObject({ ...updateShape, add_time: rfc3339Schema.optional() });
export const updatePersonSchema = z.strictObject(updateShape);

export type AddPersonInput = z.infer<typeof addPersonSchema>;
export type UpdatePersonInput = z.infer<typeof updatePersonSchema>;

export function createPerson(ctx: WriteContext, body: unknown): PersonRecord {
  const input = parseV2(addPersonSchema, body);
  const { company, now } = ctx;
  const name = input.name ?? [input.first_name, input.last_name].filter(Boolean).join(' ').trim();
  if (!name) throw validationFailed('name: name or first_name/last_name is required');
  const split = splitName(name);
  const addTime = input.add_time ? parseRfc3339(input.add_time)! : now;
  const record: PersonRecord = {
    id: company.persons.nextId(),
    name,
    first_name: input.first_name ?? split.first_name,
    last_name: input.last_name ?? split.last_name,
    owner_id: requireOwner(company, input.owner_id ?? ctx.userId),
    org_id: requireOrg(company, input.org_id ?? null),
    emails: input.emails ? normalizeContacts(input.emails, 'emails') : [],
    phones: input.phones ? normalizeContacts(input.phones, 'phones') : [],
    visible_to: input.visible_to ?? 3,
    label_ids: input.label_ids ?? [],
    picture_id: null,
    custom_fields: {},
    add_time: addTime,
    update_time: now,
    deleted_at: null,
  };
  copyOptional(record, input);
  if (input.custom_fields) applyCustomFields(company, 'person', record.custom_fields, input.custom_fields);
  company.persons.insert(record);
  emitChange(ctx, 'person', 'create', record.id, null, record);
  return record;
}

export function updatePerson(ctx: WriteContext, personId: number, body: unknown): PersonRecord {
  const input = parseV2(updatePersonSchema, body);
  const { company } = ctx;
  const record = livePerson(company, personId);
  const before = snapshot(record);
  const next = snapshot(record);
  if (input.name !== undefined) {
    const split = splitName(input.name);
    next.name = input.name;
    next.first_name = input.first_name ?? split.first_name;
    next.last_name = input.last_name ?? split.last_name;
  } else if (input.first_name !== undefined || input.last_name !== undefined) {
    next.first_name = input.first_name ?? next.first_name;
    next.last_name = input.last_name ?? next.last_name;
    next.name = [next.first_name, next.last_name].filter(Boolean).join(' ');
  }
  if (input.owner_id !== undefined) next.owner_id = requireOwner(company, input.owner_id);
  if (input.org_id !== undefined) next.org_id = requireOrg(company, input.org_id);
  if (input.emails !== undefined) next.emails = normalizeContacts(input.emails, 'emails');
  if (input.phones !== undefined) next.phones = normalizeContacts(input.phones, 'phones');
  if (input.visible_to !== undefined) next.visible_to = input.visible_to;
  if (input.label_ids !== undefined) next.label_ids = input.label_ids;
  copyOptional(next, input);
  if (input.custom_fields) applyCustomFields(company, 'person', next.custom_fields, input.custom_fields);
  next.update_time = ctx.now;
  Object.assign(record, next);
  emitChange(ctx, 'person', 'change', record.id, before, record);
  return record;
}

export function deletePerson(ctx: WriteContext, personId: number, extraMeta?: Record<string, string>): void {
  softDelete(ctx, 'person', ctx.company.persons, livePerson(ctx.company, personId), extraMeta);
}

export function livePerson(company: Company, personId: number): PersonRecord {
  return liveOr404(company.persons, personId, 'Person not found');
}

function copyOptional(target: PersonRecord, input: UpdatePersonInput): void {
  if (input.postal_address !== undefined) target.postal_address = input.postal_address;
  if (input.notes !== undefined) target.notes = input.notes;
  if (input.im !== undefined) target.im = normalizeContacts(input.im, 'im');
  if (input.birthday !== undefined) target.birthday = input.birthday;
  if (input.job_title !== undefined) target.job_title = input.job_title;
  if (input.marketing_status !== undefined) target.marketing_status = input.marketing_status;
}

export interface PresentOptions {
  customFields?: readonly string[];
  includeFields?: readonly string[];
}

/** The API v2 Person object. */
export function presentPerson(
  company: Company,
  p: PersonRecord,
  opts: PresentOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    first_name: p.first_name,
    last_name: p.last_name,
    add_time: rfc3339(p.add_time),
    update_time: rfc3339(p.update_time),
    visible_to: p.visible_to,
    custom_fields: presentCustomFields(company, 'person', p.custom_fields, opts.customFields),
    owner_id: p.owner_id,
    label_ids: p.label_ids,
    org_id: p.org_id,
    is_deleted: p.deleted_at !== null,
    picture_id: p.picture_id,
    phones: p.phones,
    emails: p.emails,
  };
  for (const k of ['postal_address', 'notes', 'im', 'birthday', 'job_title'] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  if (opts.includeFields?.includes('marketing_status'))
    out.marketing_status = p.marketing_status ?? 'no_consent';
  for (const f of opts.includeFields ?? []) {
    if (f === 'notes_count') out.notes_count = countLive(company.notes.live(), (n) => n.person_id === p.id);
    if (f === 'files_count') out.files_count = countLive(company.files.live(), (x) => x.person_id === p.id);
    if (f === 'activities_count')
      out.activities_count = countLive(company.activities.live(), (a) =>
        a.participants.some((x) => x.person_id === p.id),
      );
  }
  return out;
}

function countLive<T>(items: Iterable<T>, pred: (t: T) => boolean): number {
  let n = 0;
  for (const t of items) if (pred(t)) n += 1;
  return n;
}
