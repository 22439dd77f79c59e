// The field-map API as the panel sees it (docs/mapping.md §HTTP API): the map with its columns,
// destinations, blockers and gaps; edits on a version; the value preview; confirmation; custom-field
// provisioning; profiles and versions. Every answer is checked against these schemas before a screen
// sees it.
import { z } from 'zod';
import type { ApiClient } from './client.ts';
import { ApiError } from './errors.ts';

const flagSchema = z.object({ code: z.string(), blocking: z.boolean(), message: z.string() });
export type Flag = z.infer<typeof flagSchema>;

/** A column that feeds an option field: the options and what each value found becomes (server/mapping/review.ts). */
const optionMappingSchema = z.object({
  where: z.string(),
  options: z.array(z.string()),
  /** Our own field takes new options; a field the account already has does not. */
  canAddOptions: z.boolean(),
  values: z.array(
    z.object({
      value: z.string(),
      count: z.number(),
      option: z.string().nullable(),
      status: z.enum(['option', 'empty', 'unmatched']),
    }),
  ),
  unmatched: z.number(),
});
export type OptionMapping = z.infer<typeof optionMappingSchema>;
export type OptionValue = OptionMapping['values'][number];

const columnSchema = z.object({
  column: z.number().int(),
  header: z.string(),
  field: z.string().nullable(),
  confidence: z.number(),
  reason: z.string(),
  origin: z.string(),
  decided: z.boolean(),
  transform: z.string(),
  destination: z.string(),
  flags: z.array(flagSchema),
  /** The admin's value mapping: cell text → option label (null: leave the field empty). */
  values: z.record(z.string(), z.string().nullable()).optional(),
  optionMapping: optionMappingSchema.nullable(),
  /** How cells are read; a date column's day/month order per separator is the admin's to set. */
  parse: z.object({ type: z.string() }).passthrough(),
  /** The Person/Organization targets (or fixed places, in words) the column's field feeds. */
  feeds: z.array(
    z.object({
      entity: z.enum(['person', 'organization']).optional(),
      target: z.string().optional(),
      fixed: z.string().optional(),
    }),
  ),
  profile: z
    .object({
      type: z.string(),
      nonEmpty: z.number(),
      examples: z.array(z.string()),
    })
    .nullable(),
});
export type MapColumn = z.infer<typeof columnSchema>;

const mapFileSchema = z.object({
  fileId: z.number().int(),
  name: z.string(),
  kind: z.string(),
  fieldChoices: z.array(z.object({ field: z.string(), label: z.string() })),
  columns: z.array(columnSchema),
});
export type MapFile = z.infer<typeof mapFileSchema>;

export const ENTITIES = ['person', 'organization'] as const;
export type MapEntity = (typeof ENTITIES)[number];

const destinationSchema = z.object({
  entity: z.enum(ENTITIES),
  field: z.string(),
  destination: z.object({ kind: z.string() }).passthrough(),
  confidence: z.number(),
  reason: z.string(),
  origin: z.string(),
  label: z.string(),
  description: z.string(),
  hasData: z.boolean(),
  choices: z.object({
    standard: z.array(z.object({ key: z.string(), label: z.string() })),
    custom: z.boolean(),
    note: z.boolean(),
    ignore: z.boolean(),
  }),
  sources: z.array(
    z.object({ fileId: z.number(), fileName: z.string(), column: z.number(), header: z.string() }),
  ),
});
export type MapDestination = z.infer<typeof destinationSchema>;

const blockerSchema = z.object({
  code: z.string(),
  message: z.string(),
  fileId: z.number().optional(),
  column: z.number().optional(),
});
export type Blocker = z.infer<typeof blockerSchema>;

/** Record-level settings of the map (server/mapping/document.ts MapSettings). */
export const MISSING_NAME = ['skip', 'email', 'actimoId'] as const;
export const INVALID_VALUE = ['drop_value', 'skip_record'] as const;
export const EMAIL_LABELS = ['work', 'home', 'other'] as const;
export const PHONE_LABELS = ['work', 'home', 'mobile', 'other'] as const;
const mapSettingsSchema = z.object({
  missingName: z.enum(MISSING_NAME),
  invalidValue: z.enum(INVALID_VALUE),
  timeZone: z.string(),
  emailLabel: z.enum(EMAIL_LABELS),
  phoneLabel: z.enum(PHONE_LABELS),
});
export type MapSettings = z.infer<typeof mapSettingsSchema>;

export const mapViewSchema = z.object({
  migrationId: z.number(),
  version: z.number().int(),
  status: z.enum(['draft', 'confirmed']),
  note: z.string().nullable(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  provisionedAt: z.string().nullable(),
  files: z.array(mapFileSchema),
  destinations: z.array(destinationSchema),
  settings: mapSettingsSchema,
  blockers: z.array(blockerSchema),
  canConfirm: z.boolean(),
  gaps: z.object({
    columnsWithoutDestination: z.array(
      z.object({ fileId: z.number(), fileName: z.string(), header: z.string(), why: z.string() }),
    ),
    destinationsWithoutData: z.array(
      z.object({ entity: z.string(), field: z.string(), label: z.string(), destination: z.string() }),
    ),
  }),
});
export type MapView = z.infer<typeof mapViewSchema>;

const versionSchema = z.object({
  version: z.number().int(),
  status: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  provisionedAt: z.string().nullable(),
});
export type MapVersion = z.infer<typeof versionSchema>;

const traceSchema = z.object({
  target: z.string(),
  pipedriveKey: z.string(),
  transform: z.string(),
  value: z.unknown(),
  sources: z.array(
    z.object({
      fileName: z.string(),
      row: z.number(),
      header: z.string(),
      raw: z.string().nullable(),
    }),
  ),
});
export type TraceEntry = z.infer<typeof traceSchema>;

const problemSchema = z.object({
  code: z.string(),
  target: z.string(),
  severity: z.string(),
  message: z.string(),
});

export const previewSchema = z.object({
  entity: z.enum(ENTITIES),
  actimoId: z.string(),
  mapVersion: z.number(),
  exact: z.boolean(),
  pendingReferences: z.array(z.string()),
  payload: z.object({
    body: z.unknown(),
    trace: z.array(traceSchema),
    problems: z.array(problemSchema),
    note: z.string().nullable(),
    skip: problemSchema.nullable(),
  }),
});
export type Preview = z.infer<typeof previewSchema>;

const recordedFieldSchema = z.object({
  entity: z.string(),
  logicalName: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
});
export type RecordedField = z.infer<typeof recordedFieldSchema>;

export const provisioningSchema = z.object({
  mapVersion: z.number(),
  mapStatus: z.string(),
  plan: z.object({
    fields: z.array(
      z.object({
        entity: z.string(),
        name: z.string(),
        type: z.string(),
        targetLabel: z.string(),
        action: z.string(),
        reason: z.string(),
      }),
    ),
    blocked: z.boolean(),
    blockers: z.array(z.string()),
  }),
  warnings: z.array(z.string()),
  applied: z.boolean(),
  result: z
    .object({
      created: z.array(recordedFieldSchema),
      adopted: z.array(recordedFieldSchema),
      kept: z.array(recordedFieldSchema),
      optionsAdded: z.array(z.object({ field: z.string(), labels: z.array(z.string()) })),
    })
    .optional(),
});
export type ProvisioningReport = z.infer<typeof provisioningSchema>;

const profileSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type MappingProfile = z.infer<typeof profileSchema>;

export const DATE_SEPARATORS = ['-', '.', '/'] as const;
export type DateSeparator = (typeof DATE_SEPARATORS)[number];
export type DateOrder = 'dmy' | 'mdy';

/** How a date column is read (server/actimo/columns.ts ColumnParse, type date). */
export interface DateParse {
  type: 'date';
  orders: Partial<Record<DateSeparator, DateOrder>>;
  excelSerial: boolean;
}

const dateParseSchema = z.object({
  type: z.literal('date'),
  orders: z
    .object({ '-': z.enum(['dmy', 'mdy']), '.': z.enum(['dmy', 'mdy']), '/': z.enum(['dmy', 'mdy']) })
    .partial(),
  excelSerial: z.boolean(),
});

/** A date column's parse options, or null for any other column. */
export function dateParseOf(c: MapColumn): DateParse | null {
  const parsed = dateParseSchema.safeParse(c.parse);
  return parsed.success ? parsed.data : null;
}

/** A change to one column's source side (`accept`: the admin keeps a flagged proposal). */
export interface SourceChange {
  fileId: number;
  column: number;
  field?: string | null;
  parse?: DateParse;
  /** The whole value mapping of the column (cell text → option label, null: leave empty). */
  values?: Record<string, string | null>;
  /** Options to add to our option field the column feeds. */
  newOptions?: string[];
  accept?: true;
}

/** Where a target lands: a standard field, our custom field, a note, not migrated, or the proposal again. */
export type DestinationChoice =
  | { kind: 'standard'; key: string }
  | { kind: 'custom' }
  | { kind: 'existing'; fieldCode: string }
  | { kind: 'note' }
  | { kind: 'ignore' }
  | { kind: 'proposal' };

const mapPath = (migrationId: number) => `/api/migrations/${migrationId}/map`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export function fetchMap(api: ApiClient, migrationId: number, signal?: AbortSignal): Promise<MapView> {
  return api.get(mapPath(migrationId), mapViewSchema, opts(signal));
}

export async function fetchMapVersions(
  api: ApiClient,
  migrationId: number,
  signal?: AbortSignal,
): Promise<MapVersion[]> {
  const body = await api.get(
    `${mapPath(migrationId)}/versions`,
    z.object({ versions: z.array(versionSchema) }),
    opts(signal),
  );
  return body.versions;
}

export function editSource(api: ApiClient, migrationId: number, version: number, changes: SourceChange[]) {
  return api.patch(`${mapPath(migrationId)}/source`, mapViewSchema, { body: { version, changes } });
}

export function editDestination(
  api: ApiClient,
  migrationId: number,
  version: number,
  change: { entity: MapEntity; field: string; destination: DestinationChoice },
) {
  return api.patch(`${mapPath(migrationId)}/destinations`, mapViewSchema, {
    body: { version, changes: [change] },
  });
}

/** Saves the map's record settings (only what changed) as the next version. */
export function editSettings(
  api: ApiClient,
  migrationId: number,
  version: number,
  settings: Partial<MapSettings>,
) {
  return api.patch(`${mapPath(migrationId)}/destinations`, mapViewSchema, {
    body: { version, changes: [], settings },
  });
}

const existingFieldSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  typeLabel: z.string(),
  options: z.array(z.string()),
  /** The targets of its entity whose values it can hold. */
  fits: z.array(z.string()),
});
export type ExistingField = z.infer<typeof existingFieldSchema>;
const accountFieldsSchema = z.object({
  person: z.array(existingFieldSchema),
  organization: z.array(existingFieldSchema),
});
export type AccountFieldChoices = z.infer<typeof accountFieldsSchema>;

/** The account's custom fields a destination may use instead of one of ours (read from Pipedrive). */
export function fetchAccountFields(api: ApiClient, migrationId: number, signal?: AbortSignal) {
  return api.get(`${mapPath(migrationId)}/account-fields`, accountFieldsSchema, opts(signal));
}

export function fetchPreview(
  api: ApiClient,
  migrationId: number,
  entity: MapEntity,
  actimoId: string,
  signal?: AbortSignal,
): Promise<Preview> {
  const id = actimoId.trim();
  return api.get(`${mapPath(migrationId)}/preview/${entity}`, previewSchema, {
    query: { actimoId: id === '' ? undefined : id },
    ...opts(signal),
  });
}

export function confirmMap(api: ApiClient, migrationId: number, version: number) {
  return api.post(`${mapPath(migrationId)}/confirm`, mapViewSchema, { body: { version } });
}

export function fetchProvisioning(api: ApiClient, migrationId: number, signal?: AbortSignal) {
  return api.get(`${mapPath(migrationId)}/provisioning`, provisioningSchema, opts(signal));
}

export function provisionFields(api: ApiClient, migrationId: number): Promise<ProvisioningReport> {
  // Creating many fields one by one at Pipedrive's pace can take longer than an ordinary call.
  return api.post(`${mapPath(migrationId)}/provision`, provisioningSchema, { timeoutMs: 120_000 });
}

export async function listProfiles(api: ApiClient, signal?: AbortSignal): Promise<MappingProfile[]> {
  const body = await api.get(
    '/api/mapping-profiles',
    z.object({ profiles: z.array(profileSchema) }),
    opts(signal),
  );
  return body.profiles;
}

export function saveProfile(api: ApiClient, migrationId: number, name: string): Promise<MappingProfile> {
  return api.post(`${mapPath(migrationId)}/profiles`, profileSchema, { body: { name: name.trim() } });
}

export function applyProfile(api: ApiClient, migrationId: number, version: number, profileId: number) {
  return api.post(`${mapPath(migrationId)}/apply-profile`, mapViewSchema, { body: { version, profileId } });
}

/** The map moved on since the screen loaded it (another tab, a new upload): reload and edit again. */
export function isStaleMap(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === 'map_changed';
}

/** The provisioning report a refused provisioning carries (409 provisioning_blocked), if any. */
export function blockedReportOf(error: unknown): ProvisioningReport | null {
  if (!(error instanceof ApiError) || error.code !== 'provisioning_blocked') return null;
  const parsed = provisioningSchema.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}
