// What the admin must look at before the map can be confirmed: per column, a guess below the confidence
// bar, a header nobody knows, a day/month order the data cannot settle, values no option matches, a
// field fed twice; per file, a missing id or name column. Blocking flags stop confirmation; nothing is
// applied silently. Pure.
import type { ColumnProfile } from '../actimo/profile.ts';
import type { TabularKind } from '../staging/vocabulary.ts';
import type { ColumnSpec, Destination, DestinationSpec, FileSpec, MapDocument } from './document.ts';
import { fieldWords } from './explain.ts';
import { feedsOf } from './feeds.ts';
import { describeDestination } from './payload-describe.ts';
import { optionLabelFor } from './values.ts';

/** Below this, a proposed field is a guess the admin must confirm. */
export const LOW_CONFIDENCE = 0.6;

export type FlagCode =
  | 'unrecognised_column'
  | 'low_confidence'
  | 'ambiguous_date_order'
  | 'unmapped_values'
  | 'duplicate_field';

export interface Flag {
  code: FlagCode;
  blocking: boolean;
  message: string;
}

export interface Blocker {
  code: FlagCode | 'missing_actimo_id' | 'missing_name_column' | 'missing_person_link' | 'no_files';
  message: string;
  fileId?: number;
  column?: number;
}

/** The destination of an option field (single or multiple options) a column's field feeds, if any. */
export function optionDestinationOf(
  doc: MapDocument,
  kind: TabularKind,
  field: string | null,
): DestinationSpec | undefined {
  for (const feed of feedsOf(kind, field)) {
    if (!feed.entity || !feed.target) continue;
    const spec = doc.destinations.find((x) => x.entity === feed.entity && x.field === feed.target);
    if (spec && optionsOf(spec.destination)) return spec;
  }
  return undefined;
}

/** The option labels a column's values must match, when the field it feeds lands in an option field. */
export function choiceOf(
  doc: MapDocument,
  kind: TabularKind,
  field: string | null,
): { options: readonly string[]; where: string; destination: Destination } | undefined {
  const spec = optionDestinationOf(doc, kind, field);
  const options = spec ? optionsOf(spec.destination) : undefined;
  if (!spec || !options) return undefined;
  return {
    options,
    where: describeDestination(spec.entity, spec.destination),
    destination: spec.destination,
  };
}

function optionsOf(d: Destination): readonly string[] | undefined {
  if (d.kind === 'custom' && (d.type === 'enum' || d.type === 'set')) return d.options ?? [];
  if (d.kind === 'existing' && (d.type === 'enum' || d.type === 'set')) return d.options ?? [];
  return undefined;
}

/** Observed values of a column that match no option and that the admin has not mapped. */
export function unmappedValues(c: ColumnSpec, options: readonly string[]): string[] {
  return (c.observed ?? [])
    .map(([v]) => v)
    .filter((v) => {
      const label = optionLabelFor(v, c.values, options);
      return label === undefined || (label !== null && !options.includes(label));
    });
}

/** Where one observed value lands: an option, left empty by the admin, or nowhere yet (blocks). */
export interface OptionValue {
  value: string;
  count: number;
  /** The option label it becomes (null: left empty, or no option yet when unmatched). */
  option: string | null;
  status: 'option' | 'empty' | 'unmatched';
}

/** A column that feeds an option field: the field's options and what each observed value becomes. */
export interface OptionMapping {
  /** The option field, in words ("Person · our custom field "Employment status" (single option)"). */
  where: string;
  options: string[];
  /** Our own field (created at provisioning) takes new options; an account's existing field does not. */
  canAddOptions: boolean;
  values: OptionValue[];
  unmatched: number;
}

/** The value mapping of a column that feeds an option field (null for any other column). */
export function optionMappingOf(doc: MapDocument, kind: TabularKind, c: ColumnSpec): OptionMapping | null {
  const choice = choiceOf(doc, kind, c.field);
  if (!choice) return null;
  const values = (c.observed ?? []).map(([value, count]): OptionValue => {
    const label = optionLabelFor(value, c.values, choice.options);
    // A null comes only from the admin's mapping: "leave the field empty".
    if (label === null) return { value, count, option: null, status: 'empty' };
    if (typeof label === 'string' && choice.options.includes(label))
      return { value, count, option: label, status: 'option' };
    return { value, count, option: null, status: 'unmatched' };
  });
  return {
    where: choice.where,
    options: [...choice.options],
    canAddOptions: choice.destination.kind === 'custom',
    values,
    unmatched: values.filter((v) => v.status === 'unmatched').length,
  };
}

function undecidedOrders(c: ColumnSpec, profile: ColumnProfile | undefined): string[] {
  if (c.parse.type !== 'date') return [];
  const orders = c.parse.orders;
  return Object.entries(profile?.date?.orders ?? {})
    .filter(([sep, o]) => (o === 'ambiguous' || o === 'conflict') && !orders[sep as '-' | '.' | '/'])
    .map(([sep]) => sep);
}

export function columnFlags(
  doc: MapDocument,
  file: FileSpec,
  c: ColumnSpec,
  profile: ColumnProfile | undefined,
): Flag[] {
  const flags: Flag[] = [];
  if (c.field === null && !c.decided)
    flags.push({
      code: 'unrecognised_column',
      blocking: true,
      message: `no ${file.kind} field is known by "${c.header}": choose the field it holds, or ignore it`,
    });
  if (c.field !== null && c.confidence < LOW_CONFIDENCE && !c.decided)
    flags.push({
      code: 'low_confidence',
      blocking: true,
      message: `"${c.header}" as ${fieldWords(c.field)} is a guess (${Math.round(c.confidence * 100)} %): confirm or change it`,
    });
  const seps = undecidedOrders(c, profile);
  if (seps.length && c.field !== null)
    flags.push({
      code: 'ambiguous_date_order',
      blocking: true,
      message: `every ${seps.map((s) => `"${s}"`).join(' and ')} date in "${c.header}" fits both day/month and month/day (e.g. ${profile?.examples[0] ?? '03-04-2026'}): choose the order`,
    });
  if (c.field !== null && file.columns.some((o) => o.column !== c.column && o.field === c.field))
    flags.push({
      code: 'duplicate_field',
      blocking: true,
      message: `another column of ${file.name} also feeds ${fieldWords(c.field)}: keep one`,
    });
  const choice = choiceOf(doc, file.kind, c.field);
  if (choice) {
    const missing = unmappedValues(c, choice.options);
    if (missing.length)
      flags.push({
        code: 'unmapped_values',
        blocking: true,
        message: `${missing.length} value${missing.length === 1 ? '' : 's'} of "${c.header}" match no option of ${choice.where} (${missing
          .slice(0, 5)
          .map((v) => `"${v}"`)
          .join(', ')}${missing.length > 5 ? ', …' : ''}): map each to an option or leave it empty`,
      });
  }
  return flags;
}

const REQUIRED: Record<
  TabularKind,
  ReadonlyArray<{ any: readonly string[]; code: Blocker['code']; words: string }>
> = {
  users: [
    { any: ['actimoId'], code: 'missing_actimo_id', words: "the user's Actimo id" },
    { any: ['fullName', 'firstName', 'lastName'], code: 'missing_name_column', words: 'a name' },
  ],
  companies: [
    { any: ['actimoId'], code: 'missing_actimo_id', words: "the company's Actimo id" },
    { any: ['name'], code: 'missing_name_column', words: 'a name' },
  ],
  memberships: [
    { any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" },
    { any: ['companyId'], code: 'missing_person_link', words: "the company's Actimo id" },
  ],
  engagement: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
  training: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
  messages: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
  surveys: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
  activities: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
  files: [{ any: ['personId'], code: 'missing_person_link', words: "the user's Actimo id" }],
};

/** Everything that stops confirmation, file by file and column by column. */
export function blockersOf(
  doc: MapDocument,
  profiles: ReadonlyMap<number, readonly ColumnProfile[]>,
): Blocker[] {
  const out: Blocker[] = [];
  if (doc.files.length === 0)
    out.push({ code: 'no_files', message: 'no export has been staged yet: upload the Actimo exports first' });
  for (const f of doc.files) {
    for (const r of REQUIRED[f.kind]) {
      if (!f.columns.some((c) => c.field !== null && r.any.includes(c.field)))
        out.push({
          code: r.code,
          fileId: f.fileId,
          message: `${f.name}: no column gives ${r.words}; choose the column that does`,
        });
    }
    for (const c of f.columns) {
      const profile = profiles.get(f.fileId)?.find((p) => p.index === c.column);
      for (const flag of columnFlags(doc, f, c, profile))
        if (flag.blocking)
          out.push({
            code: flag.code,
            fileId: f.fileId,
            column: c.column,
            message: `${f.name}: ${flag.message}`,
          });
    }
  }
  return out;
}
