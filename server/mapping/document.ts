// The field map as one versioned document: the source side (per file and column: the logical field it
// feeds and how its cells are read) and the destination side (per logical field: where it lands in
// Pipedrive), plus record-level settings. Validated with zod wherever it crosses a boundary (stored rows,
// the admin's edits, imported profiles), so an old or hand-edited document never reaches the builder.
import { z } from 'zod';
import type { ColumnParse } from '../actimo/columns.ts';
import { TABULAR_KINDS, type TabularKind } from '../staging/vocabulary.ts';
import { timeZoneSchema } from '../tenants/settings.ts';
import { WRITABLE_FIELD_TYPES } from './schema.ts';
import type { PipedriveEntity, StandardKey } from './targets.ts';

const dateOrder = z.enum(['dmy', 'mdy']);
const decimal = z.enum([',', '.']);

export const columnParseSchema: z.ZodType<ColumnParse> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).strict(),
  z.object({ type: z.literal('id') }).strict(),
  z.object({ type: z.literal('email') }).strict(),
  z
    .object({
      type: z.literal('phone'),
      defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as DK'),
    })
    .strict(),
  z
    .object({
      type: z.literal('date'),
      orders: z.object({ '-': dateOrder, '.': dateOrder, '/': dateOrder }).partial().strict(),
      excelSerial: z.boolean(),
    })
    .strict(),
  z.object({ type: z.literal('number'), decimal }).strict(),
  z.object({ type: z.literal('percent'), decimal, scale: z.enum(['fraction', 'percent']) }).strict(),
  z.object({ type: z.literal('boolean') }).strict(),
  z.object({ type: z.literal('list'), separator: z.string().min(1).max(3) }).strict(),
]);

export const WHITESPACE = ['trim', 'collapse'] as const;
export type Whitespace = (typeof WHITESPACE)[number];
export type Origin = 'proposal' | 'profile' | 'admin';

/** Enum value mapping: the staged text → the destination option label (null: leave the field empty). */
export const valueMapSchema = z.record(z.string().max(255), z.string().min(1).max(255).nullable());

export interface ColumnSpec {
  column: number;
  header: string;
  field: string | null;
  parse: ColumnParse;
  whitespace: Whitespace;
  values?: Record<string, string | null>;
  /** Distinct values seen in the column with their counts (choice columns only; capped). */
  observed?: Array<[value: string, count: number]>;
  confidence: number;
  reason: string;
  origin: Origin;
  /** The admin has seen and accepted this column: a low confidence no longer blocks. */
  decided: boolean;
}

export interface FileSpec {
  fileId: number;
  name: string;
  kind: TabularKind;
  /** Kind + header names: what a saved profile recognises the file by. */
  signature: string;
  columns: ColumnSpec[];
}

export const standardKeys = [
  'name',
  'emails',
  'phones',
  'job_title',
  'org_id',
  'owner_id',
  'add_time',
  'address',
  'website',
  'industry',
  'employee_count',
] as const satisfies readonly StandardKey[];

export const destinationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard'), key: z.enum(standardKeys) }).strict(),
  z
    .object({
      kind: z.literal('custom'),
      logicalName: z.string().regex(/^[a-z][a-z0-9_]{0,60}__c$/, 'must look like engagement_score__c'),
      name: z.string().trim().min(1).max(255),
      type: z.enum(WRITABLE_FIELD_TYPES),
      options: z.array(z.string().trim().min(1).max(255)).min(1).max(200).optional(),
      decimals: z.number().int().min(0).max(6).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('existing'),
      fieldCode: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be a Pipedrive field code'),
      // Filled from the account when the admin picks the field (never trusted from the request).
      name: z.string().max(255).optional(),
      type: z.string().max(32).optional(),
      options: z.array(z.string()).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('note') }).strict(),
  z.object({ kind: z.literal('ignore') }).strict(),
]);
export type Destination = z.infer<typeof destinationSchema>;
export type CustomDestination = Extract<Destination, { kind: 'custom' }>;

export interface DestinationSpec {
  entity: PipedriveEntity;
  field: string;
  destination: Destination;
  confidence: number;
  reason: string;
  origin: Origin;
}

export const mapSettingsSchema = z
  .object({
    /** A person without any name: skip it, or name it after its e-mail or Actimo id. */
    missingName: z.enum(['skip', 'email', 'actimoId']).default('skip'),
    /** A value that cannot be sent: leave that field out (the record still moves), or skip the record. */
    invalidValue: z.enum(['drop_value', 'skip_record']).default('drop_value'),
    /** Zone of created times that state none (Actimo shows local time). */
    timeZone: timeZoneSchema.default('Europe/Copenhagen'),
    emailLabel: z.enum(['work', 'home', 'other']).default('work'),
    phoneLabel: z.enum(['work', 'home', 'mobile', 'other']).default('mobile'),
  })
  .strict();
export type MapSettings = z.infer<typeof mapSettingsSchema>;
export const DEFAULT_MAP_SETTINGS: MapSettings = mapSettingsSchema.parse({});

export interface MapDocument {
  files: FileSpec[];
  destinations: DestinationSpec[];
  settings: MapSettings;
}

const origin = z.enum(['proposal', 'profile', 'admin']);

const columnSpecSchema = z
  .object({
    column: z.number().int().min(0),
    header: z.string(),
    field: z.string().nullable(),
    parse: columnParseSchema,
    whitespace: z.enum(WHITESPACE),
    values: valueMapSchema.optional(),
    observed: z.array(z.tuple([z.string(), z.number()])).optional(),
    confidence: z.number().min(0).max(1),
    reason: z.string(),
    origin,
    decided: z.boolean(),
  })
  .strict();

/** Reads a stored document (the database holds what this module wrote; a failure here is a bug). */
export const mapDocumentSchema: z.ZodType<MapDocument> = z
  .object({
    files: z.array(
      z
        .object({
          fileId: z.number().int(),
          name: z.string(),
          kind: z.enum(TABULAR_KINDS),
          signature: z.string(),
          columns: z.array(columnSpecSchema),
        })
        .strict(),
    ),
    destinations: z.array(
      z
        .object({
          entity: z.enum(['person', 'organization']),
          field: z.string(),
          destination: destinationSchema,
          confidence: z.number().min(0).max(1),
          reason: z.string(),
          origin,
        })
        .strict(),
    ),
    settings: mapSettingsSchema,
  })
  .strict();
