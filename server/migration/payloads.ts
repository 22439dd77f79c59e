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

export interface OwnerTally {
  matched: number;
  defaulted: number;
}

function refs(ctx: RefContext, tally?: OwnerTally): PayloadRefs {
  return {
    organizationIdFor: ctx.orgIdFor,
    ownerFor: (email) => {
      const o = ctx.owners;
      if (!o) return undefined;
      const id = email ? o.byEmail.get(normEmail(email)) : undefined;
      if (id !== undefined) {
        if (tally) tally.matched++;
        return { id, defaulted: false };
      }
      if (o.defaultOwner === undefined) return undefined;
      if (tally) tally.defaulted++;
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
