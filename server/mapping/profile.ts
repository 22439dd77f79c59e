// Mapping profiles: a confirmed (or draft) map saved under a name, to be applied to later uploads with
// the same headers, and exported and imported as JSON. A profile knows files by signature (kind + header
// names) and columns by header, never by file id or position, so a newer export with shuffled columns
// still matches. Pure.
import { z } from 'zod';
import { TABULAR_KINDS, type TabularKind } from '../staging/vocabulary.ts';
import {
  columnParseSchema,
  DEFAULT_MAP_SETTINGS,
  type Destination,
  destinationSchema,
  type FileSpec,
  type MapDocument,
  type MapSettings,
  mapSettingsSchema,
  valueMapSchema,
  WHITESPACE,
} from './document.ts';
import { applyPrior, type PriorColumn, signatureOf } from './propose-source.ts';
import type { PipedriveEntity } from './targets.ts';
import { targetOf } from './targets.ts';

export const PROFILE_FORMAT = 'actimo-pipedrive/mapping-profile';

export interface ProfileFile {
  kind: TabularKind;
  signature: string;
  headers: string[];
  columns: PriorColumn[];
}

export interface ProfileDocument {
  format: typeof PROFILE_FORMAT;
  formatVersion: 1;
  name: string;
  version?: number;
  files: ProfileFile[];
  destinations: Array<{ entity: PipedriveEntity; field: string; destination: Destination }>;
  settings: MapSettings;
}

const profileColumn = z
  .object({
    header: z.string().max(255),
    field: z.string().max(64).nullable(),
    parse: columnParseSchema,
    whitespace: z.enum(WHITESPACE).default('trim'),
    values: valueMapSchema.optional(),
  })
  .strict();

/** Validates an imported (or stored) profile; the signature is recomputed from kind and headers. */
export const profileDocumentSchema: z.ZodType<ProfileDocument> = z
  .object({
    format: z.literal(PROFILE_FORMAT),
    formatVersion: z.literal(1),
    name: z.string().trim().min(1).max(255),
    version: z.number().int().positive().optional(),
    files: z
      .array(
        z
          .object({
            kind: z.enum(TABULAR_KINDS),
            signature: z.string().max(80).optional(),
            headers: z.array(z.string().max(255)).min(1).max(500),
            columns: z.array(profileColumn).max(500),
          })
          .strict(),
      )
      .max(100),
    destinations: z
      .array(
        z
          .object({
            entity: z.enum(['person', 'organization']),
            field: z.string().max(64),
            destination: destinationSchema,
          })
          .strict(),
      )
      .max(200),
    settings: mapSettingsSchema.default(DEFAULT_MAP_SETTINGS),
  })
  .strict()
  .transform((p) => ({
    ...p,
    files: p.files.map((f) => ({ ...f, signature: signatureOf(f.kind, f.headers) })),
    destinations: p.destinations.filter((d) => targetOf(d.entity, d.field)),
  }));

export function profileFromMap(doc: MapDocument, name: string): ProfileDocument {
  const files: ProfileFile[] = [];
  for (const f of doc.files) {
    // Two uploads of the same export shape hold the same decisions: keep one per signature.
    if (files.some((x) => x.signature === f.signature)) continue;
    files.push({
      kind: f.kind,
      signature: f.signature,
      headers: f.columns.map((c) => c.header),
      columns: f.columns.map((c) => ({
        header: c.header,
        field: c.field,
        parse: c.parse,
        whitespace: c.whitespace,
        ...(c.values ? { values: c.values } : {}),
      })),
    });
  }
  return {
    format: PROFILE_FORMAT,
    formatVersion: 1,
    name,
    files,
    destinations: doc.destinations.map((d) => ({
      entity: d.entity,
      field: d.field,
      destination: d.destination,
    })),
    settings: doc.settings,
  };
}

export function profileLabel(p: { name: string; version?: number }): string {
  return `profile "${p.name}"${p.version ? ` v${p.version}` : ''}`;
}

/** Applies a profile's column decisions to the files whose signature it knows. */
export function applyProfileToFile(spec: FileSpec, profile: ProfileDocument): FileSpec {
  const pf = profile.files.find((f) => f.signature === spec.signature);
  return pf ? applyPrior(spec, pf.columns, 'profile', profileLabel(profile)) : spec;
}

/** Applies a whole profile: matching files' columns, every destination it names, its settings. */
export function applyProfile(
  doc: MapDocument,
  profile: ProfileDocument,
): { doc: MapDocument; files: number } {
  let files = 0;
  const next: MapDocument = {
    files: doc.files.map((f) => {
      const applied = applyProfileToFile(f, profile);
      if (applied !== f) files++;
      return applied;
    }),
    destinations: doc.destinations.map((d) => {
      const p = profile.destinations.find((x) => x.entity === d.entity && x.field === d.field);
      return p
        ? {
            ...d,
            destination: p.destination,
            confidence: 1,
            reason: `as in ${profileLabel(profile)}`,
            origin: 'profile' as const,
          }
        : d;
    }),
    settings: profile.settings,
  };
  return { doc: next, files };
}
