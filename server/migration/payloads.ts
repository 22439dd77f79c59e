// The engine's side of the payload builder's contract (docs/mapping.md): the references it supplies
// (organization ids, owners, visibility), the note a person gets (secondary organizations and the map's
// note values, with a marker the engine finds it by), and the fingerprint of a payload.
import { createHash } from 'node:crypto';
import {
  buildOrganizationPayload,
  buildPersonPayload,
  type PayloadRefs,
  type PayloadResult,
  type ResolvedMap,
  type StagedOrganizationInput,
  type StagedPersonInput,
  secondaryOrganizationsNote,
} from '../mapping/index.ts';
import { normEmail, type Owners } from './pipedrive-index.ts';

export interface RefContext {
  map: ResolvedMap;
  owners: Owners | undefined;
  visibleTo: number | null;
  orgIdFor: (actimoCompanyId: string) => number | undefined;
  orgNameOf: (actimoCompanyId: string) => string | undefined;
  /** Plan time: organization and owner ids are not known yet. */
  pending?: boolean;
}

/**
 * A context for building payloads from staged data alone (the sample diff, the report's note counts):
 * no owners, no visibility, and organization ids still pending.
 */
export function stagedOnlyContext(map: ResolvedMap): RefContext {
  return {
    map,
    owners: undefined,
    visibleTo: null,
    orgIdFor: () => undefined,
    orgNameOf: () => undefined,
    pending: true,
  };
}

export interface OwnerTally {
  matched: number;
  defaulted: number;
  /** The last resolution (the record just built): e-mail asked, user id used, defaulted. */
  last?: { email: string | null; userId: number | null; defaulted: boolean };
}

function refs(ctx: RefContext, tally?: OwnerTally): PayloadRefs {
  return {
    organizationIdFor: ctx.orgIdFor,
    ownerFor: (email) => {
      const o = ctx.owners;
      if (!o) return undefined;
      const id = email ? o.byEmail.get(normEmail(email)) : undefined;
      if (id !== undefined) {
        if (tally) {
          tally.matched++;
          tally.last = { email: email ?? null, userId: id, defaulted: false };
        }
        return { id, defaulted: false };
      }
      if (o.defaultOwner === undefined) return undefined;
      if (tally) {
        tally.defaulted++;
        tally.last = { email: email ?? null, userId: o.defaultOwner, defaulted: true };
      }
      return { id: o.defaultOwner, defaulted: email !== undefined };
    },
    visibleTo: ctx.visibleTo,
    ...(ctx.pending ? { pending: true } : {}),
  };
}

export function personPayload(
  p: StagedPersonInput,
  ctx: RefContext,
  tally?: OwnerTally,
): PayloadResult<Record<string, unknown>> {
  return buildPersonPayload(p, ctx.map, refs(ctx, tally)) as unknown as PayloadResult<
    Record<string, unknown>
  >;
}

export function organizationPayload(
  o: StagedOrganizationInput,
  ctx: RefContext,
): PayloadResult<Record<string, unknown>> {
  return buildOrganizationPayload(o, ctx.map, refs(ctx)) as unknown as PayloadResult<Record<string, unknown>>;
}

/** The marker a note carries, so an unknown outcome is resolved by finding it on the person. */
export const noteMarker = (key: string): string => `Actimo migration ref: ${key}`;

export const noteKeyOf = (personActimoId: string): string => `note:${personActimoId}`;

/** The one note a person gets: its other companies and the values the map sends to a note; null when none. */
export function noteContent(p: StagedPersonInput, mapNote: string | null, ctx: RefContext): string | null {
  const secondary = secondaryOrganizationsNote(p, ctx.orgNameOf);
  if (!secondary && !mapNote) return null;
  return `${secondary ?? ''}${mapNote ?? ''}<p>${noteMarker(noteKeyOf(p.actimoId))}</p>`;
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
    );
  return v;
}

export function fingerprint(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(stable(body)))
    .digest('hex');
}

/** The key of the note that goes with an uploaded file (a `note` record). */
export const fileNoteKeyOf = (fileKey: string): string => `file:${fileKey}`;

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The note on the person that carries an uploaded file's original name, upload date and source batch. */
export function fileNoteContent(f: {
  actimoId: string;
  fileName: string | null;
  uploadDate: string | null;
  sourceBatch: string | null;
}): string {
  const line = (label: string, v: string | null) => `<p>${label}: ${escapeHtml(v ?? '(unknown)')}</p>`;
  return (
    '<p><b>File from Actimo</b></p>' +
    line('Original file name', f.fileName) +
    line('Uploaded', f.uploadDate) +
    line('Source batch', f.sourceBatch) +
    `<p>${noteMarker(fileNoteKeyOf(f.actimoId))}</p>`
  );
}

export const activityKeyOf = (actimoId: string): string => `activity:${actimoId}`;

export interface ActivityValues {
  actimoId: string;
  values: Record<string, unknown>;
}

/**
 * A call or meeting as Pipedrive's v2 activity: type, subject, the original date and time in UTC
 * (`due_date`, `due_time`), duration, done (it happened before today), the person as primary participant,
 * the owner by e-mail (else the default owner, counted in the tally), and a note carrying the original
 * note and the marker an unknown outcome is found by. Activities take no `add_time`.
 */
export function activityPayload(
  a: ActivityValues,
  personId: number,
  ctx: RefContext,
  today: string,
  tally?: OwnerTally,
): {
  body: Record<string, unknown>;
  fields: Array<{ key: string; type: 'varchar' | 'date' | 'id' | 'text'; target: string }>;
  owner: { email: string | null; id: number | null; defaulted: boolean };
} {
  const v = a.values;
  const s = (k: string) => (v[k] == null || v[k] === '' ? undefined : String(v[k]));
  const type = s('type') ?? 'call';
  const dueDate = s('dueDate');
  const email = s('ownerEmail') ?? null;
  const owners = ctx.owners;
  const matched = email && owners ? owners.byEmail.get(normEmail(email)) : undefined;
  const ownerId = matched ?? owners?.defaultOwner;
  if (tally) {
    if (matched !== undefined) tally.matched++;
    else tally.defaulted++;
  }
  const original = s('note');
  const body: Record<string, unknown> = {
    type,
    subject: (s('subject') ?? (type === 'meeting' ? 'Meeting' : 'Call')).slice(0, 255),
    ...(dueDate ? { due_date: dueDate } : {}),
    ...(s('dueTime') ? { due_time: s('dueTime') } : {}),
    ...(s('duration') ? { duration: s('duration') } : {}),
    done: dueDate !== undefined && dueDate < today,
    participants: [{ person_id: personId, primary: true }],
    ...(ownerId !== undefined ? { owner_id: ownerId } : {}),
    note: `${original ? `<p>${escapeHtml(original).replace(/\n/g, '<br>')}</p>` : ''}<p>${noteMarker(activityKeyOf(a.actimoId))}</p>`,
  };
  const fields = (
    [
      ['type', 'varchar', 'type'],
      ['subject', 'varchar', 'subject'],
      ['due_date', 'date', 'dueDate'],
      ['due_time', 'varchar', 'dueTime'],
      ['duration', 'varchar', 'duration'],
      ['owner_id', 'id', 'owner'],
      ['note', 'text', 'note'],
    ] as const
  )
    .filter(([k]) => body[k] !== undefined)
    .map(([key, type, target]) => ({ key, type, target }));
  return {
    body,
    fields,
    owner: { email, id: ownerId ?? null, defaulted: matched === undefined },
  };
}
