// The admin's edits to a map document, validated and applied: a column's field, how it is read, its
// spaces and value mapping, or "I have looked at it" (accept); a target's destination; the record
// settings. Invalid edits are refused whole with a message that says what would work. Pure.
import { z } from 'zod';
import { type ColumnParse, parseFor } from '../actimo/columns.ts';
import type { ColumnProfile } from '../actimo/profile.ts';
import { SYNONYMS } from '../actimo/synonyms.ts';
import { ValidationError } from '../errors.ts';
import type { AccountField } from '../pipedrive/fields.ts';
import { KIND_FIELDS, type TabularKind } from '../staging/vocabulary.ts';
import {
  type ColumnSpec,
  type CustomDestination,
  columnParseSchema,
  type Destination,
  type MapDocument,
  type MapSettings,
  mapSettingsSchema,
  standardKeys,
  valueMapSchema,
  WHITESPACE,
} from './document.ts';
import { fieldWords } from './explain.ts';
import { describeDestination } from './payload-describe.ts';
import { customDestinationFor, proposeDestination, typeWords } from './propose-destination.ts';
import { optionDestinationOf } from './review.ts';
import { WRITABLE_FIELD_TYPES } from './schema.ts';
import { fitsType as fits, fittingTypes, type PipedriveEntity, targetOf } from './targets.ts';

export const sourceChangeSchema = z
  .object({
    fileId: z.number().int().positive(),
    column: z.number().int().min(0),
    /** The logical field, or null to ignore the column. */
    field: z.string().min(1).max(64).nullable().optional(),
    parse: columnParseSchema.optional(),
    whitespace: z.enum(WHITESPACE).optional(),
    /** Value mapping; null clears it. */
    values: valueMapSchema.nullable().optional(),
    /** New options for our option field the column feeds (values may then map to them). */
    newOptions: z.array(z.string().trim().min(1).max(255)).min(1).max(50).optional(),
    /** The admin has looked at the proposal and keeps it. */
    accept: z.literal(true).optional(),
  })
  .strict();
export type SourceChange = z.infer<typeof sourceChangeSchema>;

export const destinationChangeSchema = z
  .object({
    entity: z.enum(['person', 'organization']),
    field: z.string().min(1).max(64),
    destination: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('standard'), key: z.enum(standardKeys) }).strict(),
      z
        .object({
          kind: z.literal('custom'),
          name: z.string().trim().min(1).max(255).optional(),
          type: z.enum(WRITABLE_FIELD_TYPES).optional(),
          options: z.array(z.string().trim().min(1).max(255)).min(1).max(200).optional(),
          decimals: z.number().int().min(0).max(6).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('existing'), fieldCode: z.string().min(1).max(64) }).strict(),
      z.object({ kind: z.literal('note') }).strict(),
      z.object({ kind: z.literal('ignore') }).strict(),
      z.object({ kind: z.literal('proposal') }).strict(),
    ]),
  })
  .strict();
export type DestinationChange = z.infer<typeof destinationChangeSchema>;

/** As many options as our custom field may have (document.ts). */
const MAX_OPTIONS = 200;

export const settingsChangeSchema = mapSettingsSchema.partial();

const PARSE_FITS: Record<string, readonly ColumnParse['type'][]> = {
  date: ['date'],
  number: ['number', 'percent'],
  percent: ['percent', 'number'],
  email: ['email', 'text'],
  phone: ['phone', 'text'],
  boolean: ['boolean', 'text'],
  list: ['list', 'id', 'text'],
  id: ['id', 'text'],
  text: ['text', 'id'],
};

function invalid(code: string, message: string): never {
  throw new ValidationError(code, message);
}

/** Applies column edits; returns the new document and the files consolidation must read again. */
export function applySourceChanges(
  doc: MapDocument,
  changes: readonly SourceChange[],
  profileOf: (fileId: number, column: number) => ColumnProfile | undefined,
): { doc: MapDocument; reread: Set<number> } {
  const next = structuredClone(doc);
  const reread = new Set<number>();
  for (const ch of changes) {
    const file = next.files.find((f) => f.fileId === ch.fileId);
    const col = file?.columns.find((c) => c.column === ch.column);
    if (!file || !col)
      invalid('unknown_column', `File ${ch.fileId} has no column ${ch.column} in this migration's map.`);
    const before = JSON.stringify([col.field, col.parse]);
    const fields = KIND_FIELDS[file.kind] as readonly string[];
    if (ch.field !== undefined && ch.field !== null && !fields.includes(ch.field))
      invalid(
        'unknown_field',
        `"${ch.field}" is not a ${file.kind} field; use one of ${fields.join(', ')}, or null to ignore the column.`,
      );
    if (ch.field !== undefined && ch.field !== col.field) {
      col.field = ch.field;
      if (!ch.parse && ch.field !== null)
        col.parse = parseFor(
          SYNONYMS[file.kind][ch.field]?.expects,
          profileOrBlank(profileOf(file.fileId, col.column), col),
        ).parse;
    }
    if (ch.parse) {
      const expects = col.field ? (SYNONYMS[file.kind][col.field]?.expects ?? 'text') : 'text';
      if (col.field && !(PARSE_FITS[expects] ?? ['text']).includes(ch.parse.type))
        invalid(
          'parse_does_not_fit',
          `${fieldWords(col.field)} is read as ${(PARSE_FITS[expects] ?? ['text']).join(' or ')}, not as ${ch.parse.type}.`,
        );
      col.parse = ch.parse;
    }
    if (ch.newOptions) addOptions(next, file.kind, col, ch.newOptions);
    if (ch.whitespace) col.whitespace = ch.whitespace;
    if (ch.values === null) delete col.values;
    else if (ch.values) col.values = ch.values;
    const changed = JSON.stringify([col.field, col.parse]) !== before;
    if (changed) reread.add(file.fileId);
    if (changed || ch.whitespace || ch.values !== undefined || ch.newOptions) {
      col.origin = 'admin';
      col.confidence = 1;
      col.reason = col.field === null ? 'ignored by the admin' : `set by the admin: ${fieldWords(col.field)}`;
    }
    col.decided = true;
  }
  for (const f of next.files) {
    const seen = new Map<string, ColumnSpec>();
    for (const c of f.columns) {
      if (c.field === null) continue;
      const other = seen.get(c.field);
      if (other)
        invalid(
          'duplicate_field',
          `${f.name}: "${other.header}" and "${c.header}" both feed ${fieldWords(c.field)}; keep one.`,
        );
      seen.set(c.field, c);
    }
  }
  return { doc: next, reread };
}

/** Adds options to our option field a column feeds; an account's own field keeps its options. */
function addOptions(doc: MapDocument, kind: TabularKind, col: ColumnSpec, labels: readonly string[]): void {
  const spec = optionDestinationOf(doc, kind, col.field);
  if (!spec)
    invalid(
      'not_an_option_field',
      `"${col.header}" does not feed a single or multiple option field, so it has no options to add to.`,
    );
  const d = spec.destination;
  if (d.kind !== 'custom')
    invalid(
      'options_not_ours',
      `${describeDestination(spec.entity, d)} is the account's own field: add the option in Pipedrive, or map the value to one of its options or leave it empty.`,
    );
  const options = [...(d.options ?? [])];
  for (const label of labels)
    if (!options.some((o) => o.toLowerCase() === label.toLowerCase())) options.push(label);
  if (options.length > MAX_OPTIONS)
    invalid('too_many_options', `"${d.name}" can hold at most ${MAX_OPTIONS} options.`);
  spec.destination = { ...d, options };
}

function profileOrBlank(p: ColumnProfile | undefined, c: ColumnSpec): ColumnProfile {
  return (
    p ?? {
      index: c.column,
      header: c.header,
      type: 'empty',
      nullRate: 1,
      nonEmpty: 0,
      distinct: 0,
      examples: [],
    }
  );
}

/** Applies destination edits. `accountField` gives an existing field of the account (for type checks). */
export function applyDestinationChanges(
  doc: MapDocument,
  changes: readonly DestinationChange[],
  accountField: (entity: PipedriveEntity, code: string) => AccountField | undefined,
  settings?: Partial<MapSettings>,
): MapDocument {
  const next = structuredClone(doc);
  for (const ch of changes) {
    const target = targetOf(ch.entity, ch.field);
    const spec = next.destinations.find((d) => d.entity === ch.entity && d.field === ch.field);
    if (!target || !spec) invalid('unknown_target', `${ch.entity} has no field "${ch.field}" to map.`);
    const d = ch.destination;
    let destination: Destination;
    if (d.kind === 'proposal') {
      Object.assign(spec, proposeDestination(target));
      continue;
    }
    if ((d.kind === 'note' || d.kind === 'ignore') && target.required)
      invalid(
        'destination_required',
        `${target.label} must land in Pipedrive: it is how records are found again.`,
      );
    if (d.kind === 'standard') {
      if (!target.standard.includes(d.key))
        invalid(
          'destination_does_not_fit',
          `${target.label} cannot go to the standard field ${d.key}; it fits ${target.standard.join(', ') || 'no standard field'}.`,
        );
      destination = d;
    } else if (d.kind === 'custom') {
      if (target.noCustom || target.field === 'name')
        invalid('destination_does_not_fit', `${target.label} cannot go to a custom field.`);
      const base = customDestinationFor(target);
      const type = d.type ?? base.type;
      if (!fits(target.value, type))
        invalid(
          'destination_does_not_fit',
          `${target.label} does not fit a ${typeWords(type)} field; use ${fittingTypes(target.value).map(typeWords).join(', ')}.`,
        );
      const options = d.options ?? (type === base.type ? base.options : undefined);
      if ((type === 'enum' || type === 'set') && !options?.length)
        invalid('options_required', `A ${typeWords(type)} field needs its options.`);
      const custom: CustomDestination = { ...base, name: d.name ?? base.name, type };
      if (options && (type === 'enum' || type === 'set')) custom.options = options;
      else delete custom.options;
      if (d.decimals !== undefined) custom.decimals = d.decimals;
      const clash = next.destinations.find(
        (o) =>
          o !== spec &&
          o.entity === ch.entity &&
          o.destination.kind === 'custom' &&
          o.destination.name.toLowerCase() === custom.name.toLowerCase(),
      );
      if (clash)
        invalid(
          'duplicate_field_name',
          `Our field "${custom.name}" already holds ${clash.field}; choose another name.`,
        );
      destination = custom;
    } else if (d.kind === 'existing') {
      if (target.noCustom || target.field === 'name')
        invalid('destination_does_not_fit', `${target.label} cannot go to a custom field.`);
      const f = accountField(ch.entity, d.fieldCode);
      if (!f?.isCustom)
        invalid('field_not_found', `The account has no custom ${ch.entity} field ${d.fieldCode}.`);
      if (!fits(target.value, f.type))
        invalid(
          'destination_does_not_fit',
          `"${f.name}" is a ${typeWords(f.type)} field; ${target.label} needs ${fittingTypes(target.value).map(typeWords).join(', ')}.`,
        );
      destination = { kind: 'existing', fieldCode: f.code, name: f.name, type: f.type };
      if (f.options) destination.options = f.options.map((o) => o.label);
    } else destination = d;
    spec.destination = destination;
    spec.origin = 'admin';
    spec.confidence = 1;
    spec.reason = 'set by the admin';
  }
  if (settings) next.settings = mapSettingsSchema.parse({ ...next.settings, ...settings });
  return next;
}
