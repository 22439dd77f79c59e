// Map fixtures for tests without a database: proposals for generated export sets (each file read,
// profiled, recognised and given column roles exactly as staging does, then the mapping module's proposal
// on top), and hand-made documents built from proposed columns.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { proposeColumnRoles } from '../../server/actimo/columns.ts';
import { detectKind } from '../../server/actimo/detect.ts';
import { type ColumnProfile, ColumnProfiler } from '../../server/actimo/profile.ts';
import { readDelimited } from '../../server/actimo/read-delimited.ts';
import {
  type ColumnSpec,
  DEFAULT_MAP_SETTINGS,
  type FileSpec,
  type MapDocument,
} from '../../server/mapping/document.ts';
import { proposeDestinations } from '../../server/mapping/propose-destination.ts';
import { proposeFile, type StagedTable, signatureOf } from '../../server/mapping/propose-source.ts';
import { type MapMeta, type MapView, mapView } from '../../server/mapping/view.ts';
import type { AccountField } from '../../server/pipedrive/fields.ts';
import { isTabularKind, type TabularKind } from '../../server/staging/vocabulary.ts';

/** Version 1 of migration 1's map, a draft: what mapView needs besides the document. */
export const DRAFT_META: MapMeta = {
  migrationId: 1,
  version: 1,
  status: 'draft',
  note: null,
  createdAt: '2026-11-25T00:00:00.000Z',
  confirmedBy: null,
  confirmedAt: null,
  provisionedAt: null,
};

/** What `existingFieldChoices` says a single or multiple option field of the account can hold. */
export const OPTION_FIELD_FITS = [
  'actimoId',
  'jobTitle',
  'department',
  'site',
  'employmentStatus',
  'language',
  'managerId',
  'companyName',
  'messageDeliveryStatus',
  'lastSurveyResponse',
];

/**
 * The destination change that sends Person · Department to our single option field with the options Sales
 * and HR: three of the departments a generated export set holds then match no option.
 */
export const DEPARTMENT_AS_OPTIONS = {
  entity: 'person',
  field: 'department',
  destination: { kind: 'custom', type: 'enum', options: ['Sales', 'HR'] },
} as const;

/** The destination of `entity`'s `field` in a map: a document, a view or the API's answer. */
export function destinationOf<D extends { entity: string; field: string }>(
  map: { destinations: readonly D[] },
  entity: string,
  field: string,
): D | undefined {
  return map.destinations.find((d) => d.entity === entity && d.field === field);
}

/** A custom single option field the account has: Afdeling, with the options Salg and Lager. */
export const AFDELING_FIELD: AccountField = {
  code: 'f00d',
  name: 'Afdeling',
  type: 'enum',
  isCustom: true,
  options: [
    { id: 4, label: 'Salg' },
    { id: 5, label: 'Lager' },
  ],
};

/** A custom date field the account has: Birthday. */
export const BIRTHDAY_FIELD: AccountField = {
  code: 'da7e',
  name: 'Birthday',
  type: 'date',
  isCustom: true,
  options: null,
};

/** The account-field lookup the map edits take, over Afdeling and Birthday (on any entity). */
export const accountFieldByCode = (_entity: string, code: string): AccountField | undefined =>
  [AFDELING_FIELD, BIRTHDAY_FIELD].find((f) => f.code === code);

/** A column as the proposal leaves it: read as trimmed text, fairly sure (0.95), not yet decided. */
export function proposedColumn(
  column: number,
  header: string,
  field: string | null,
  over: Partial<ColumnSpec> = {},
): ColumnSpec {
  return {
    column,
    header,
    field,
    parse: { type: 'text' },
    whitespace: 'trim',
    confidence: 0.95,
    reason: 'r',
    origin: 'proposal',
    decided: false,
    ...over,
  };
}

/** A file of the map, recognised as `kind`, with the signature its columns' headers give. */
export function proposedFile(
  fileId: number,
  name: string,
  kind: TabularKind,
  columns: ColumnSpec[],
): FileSpec {
  return {
    fileId,
    name,
    kind,
    signature: signatureOf(
      kind,
      columns.map((c) => c.header),
    ),
    columns,
  };
}

/** A map of the given files with the proposed destinations and the default record settings. */
export function proposedDocument(files: FileSpec[]): MapDocument {
  return { files, destinations: proposeDestinations(), settings: DEFAULT_MAP_SETTINGS };
}

export async function stagedTable(file: string, id: number): Promise<StagedTable> {
  const table = await readDelimited(createReadStream(file), path.basename(file));
  const profiler = new ColumnProfiler(table.layout.headers);
  let rows = 0;
  for await (const batch of table.batches)
    for (const row of batch) {
      profiler.add(row);
      rows++;
    }
  const profiles = profiler.result();
  // The name would help; the proposal must stand on headers and content.
  const { kind } = detectKind('export.csv', table.layout.headers, profiles);
  if (!isTabularKind(kind)) throw new Error(`${file} was not recognised (${kind})`);
  return {
    id,
    name: path.basename(file),
    kind,
    rowCount: rows,
    headers: table.layout.headers,
    columnProfiles: profiles,
    columnRoles: proposeColumnRoles(kind, profiles),
  };
}

export async function proposalFor(files: readonly string[]): Promise<{ doc: MapDocument; view: MapView }> {
  const tables = await Promise.all(files.map((f, i) => stagedTable(f, i + 1)));
  const doc = proposedDocument(tables.map(proposeFile));
  const profiles = new Map<number, ColumnProfile[]>(tables.map((t) => [t.id, [...t.columnProfiles]]));
  return { doc, view: mapView(DRAFT_META, doc, profiles) };
}
