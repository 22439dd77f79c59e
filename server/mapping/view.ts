// What the map screen and the CLI show: every column with its field, destination, transform, confidence,
// reason and flags; every destination with its sources; what blocks confirmation; and the gaps (columns
// with no destination, destinations with no data). Pure.
import type { ColumnProfile } from '../actimo/profile.ts';
import { type AccountFields, typeWords } from '../pipedrive/fields.ts';
import { KIND_FIELDS } from '../staging/vocabulary.ts';
import type { ColumnSpec, DestinationSpec, MapDocument, MapSettings } from './document.ts';
import { columnTransform, fieldWords } from './explain.ts';
import { type Feed, feedsOf } from './feeds.ts';
import { describeDestination } from './payload-describe.ts';
import {
  type Blocker,
  blockersOf,
  columnFlags,
  type Flag,
  type OptionMapping,
  optionMappingOf,
} from './review.ts';
import {
  fitsType,
  type PipedriveEntity,
  STANDARD_LABELS,
  type StandardKey,
  targetOf,
  targetsOf,
} from './targets.ts';
import { fedTargets } from './wanted.ts';

export interface ColumnView extends ColumnSpec {
  transform: string;
  /** Where the column's values land, in words ("Person · Email", "not migrated", …). */
  destination: string;
  feeds: Feed[];
  flags: Flag[];
  /** For a column that feeds an option field: its options and what each value found becomes. */
  optionMapping: OptionMapping | null;
  profile: Pick<ColumnProfile, 'type' | 'nonEmpty' | 'nullRate' | 'distinct' | 'examples'> | null;
}

/** What the admin may pick for a target's destination (the edit rules of `edit.ts`, for the panel). */
export interface DestinationChoices {
  standard: Array<{ key: StandardKey; label: string }>;
  /** A custom field of ours (references never go to one). */
  custom: boolean;
  /** A note, or not migrated (never for the Actimo ID and the name). */
  note: boolean;
  ignore: boolean;
}

export interface DestinationView extends DestinationSpec {
  label: string;
  choices: DestinationChoices;
  description: string;
  hasData: boolean;
  sources: Array<{ fileId: number; fileName: string; column: number; header: string }>;
}

export interface Gaps {
  columnsWithoutDestination: Array<{
    fileId: number;
    fileName: string;
    column: number;
    header: string;
    why: string;
  }>;
  destinationsWithoutData: Array<{ entity: string; field: string; label: string; destination: string }>;
}

export interface MapMeta {
  migrationId: number;
  version: number;
  status: 'draft' | 'confirmed';
  note: string | null;
  createdAt: string;
  confirmedBy: number | null;
  confirmedAt: string | null;
  provisionedAt: string | null;
}

export interface MapView extends MapMeta {
  files: Array<{
    fileId: number;
    name: string;
    kind: string;
    signature: string;
    /** The logical fields a column of this kind of file may feed (or none: ignored). */
    fieldChoices: Array<{ field: string; label: string }>;
    columns: ColumnView[];
  }>;
  destinations: DestinationView[];
  settings: MapSettings;
  blockers: Blocker[];
  canConfirm: boolean;
  gaps: Gaps;
}

function columnDestination(doc: MapDocument, feeds: Feed[]): string {
  if (feeds.length === 0) return 'not migrated';
  return feeds
    .map((f) => {
      if (f.fixed) return f.fixed;
      const d = doc.destinations.find((x) => x.entity === f.entity && x.field === f.target);
      const t = f.entity && f.target ? targetOf(f.entity, f.target) : undefined;
      if (!d || !t) return 'not migrated';
      return d.destination.kind === 'ignore'
        ? `${t.label}: not migrated`
        : `${t.label} → ${describeDestination(d.entity, d.destination)}`;
    })
    .join('; ');
}

export function gapsOf(doc: MapDocument): Gaps {
  const columnsWithoutDestination: Gaps['columnsWithoutDestination'] = [];
  for (const f of doc.files) {
    for (const c of f.columns) {
      const feeds = feedsOf(f.kind, c.field);
      const why =
        c.field === null
          ? 'ignored'
          : feeds.length === 0
            ? `${c.field} is staged but nothing in Pipedrive holds it`
            : feeds.every(
                  (x) =>
                    x.entity &&
                    doc.destinations.find((d) => d.entity === x.entity && d.field === x.target)?.destination
                      .kind === 'ignore',
                )
              ? 'its destination is set to "not migrated"'
              : undefined;
      if (why)
        columnsWithoutDestination.push({
          fileId: f.fileId,
          fileName: f.name,
          column: c.column,
          header: c.header,
          why,
        });
    }
  }
  const fed = fedTargets(doc);
  const destinationsWithoutData = doc.destinations
    .filter(
      (d) => d.destination.kind !== 'ignore' && d.field !== 'owner' && !fed.has(`${d.entity}.${d.field}`),
    )
    .map((d) => ({
      entity: d.entity,
      field: d.field,
      label: targetOf(d.entity, d.field)?.label ?? d.field,
      destination: describeDestination(d.entity, d.destination),
    }));
  return { columnsWithoutDestination, destinationsWithoutData };
}

export function mapView(
  meta: MapMeta,
  doc: MapDocument,
  profiles: ReadonlyMap<number, readonly ColumnProfile[]>,
): MapView {
  const fed = fedTargets(doc);
  const files = doc.files.map((f) => ({
    fileId: f.fileId,
    name: f.name,
    kind: f.kind,
    signature: f.signature,
    fieldChoices: KIND_FIELDS[f.kind].map((field) => ({ field, label: fieldWords(field) })),
    columns: f.columns.map((c): ColumnView => {
      const p = profiles.get(f.fileId)?.find((x) => x.index === c.column);
      const feeds = feedsOf(f.kind, c.field);
      return {
        ...c,
        transform: columnTransform(c),
        destination: c.field === null ? 'not migrated (ignored)' : columnDestination(doc, feeds),
        feeds,
        flags: columnFlags(doc, f, c, p),
        optionMapping: optionMappingOf(doc, f.kind, c),
        profile: p
          ? {
              type: p.type,
              nonEmpty: p.nonEmpty,
              nullRate: p.nullRate,
              distinct: p.distinct,
              examples: p.examples,
            }
          : null,
      };
    }),
  }));
  const destinations = doc.destinations.map((d): DestinationView => {
    const sources = doc.files.flatMap((f) =>
      f.columns
        .filter((c) => feedsOf(f.kind, c.field).some((x) => x.entity === d.entity && x.target === d.field))
        .map((c) => ({ fileId: f.fileId, fileName: f.name, column: c.column, header: c.header })),
    );
    const target = targetOf(d.entity, d.field);
    return {
      ...d,
      label: target?.label ?? d.field,
      choices: {
        standard: (target?.standard ?? []).map((key) => ({ key, label: STANDARD_LABELS[key] })),
        custom: target ? !target.noCustom && target.field !== 'name' : false,
        note: target ? !target.required : false,
        ignore: target ? !target.required : false,
      },
      description: describeDestination(d.entity, d.destination),
      // The owner has no column: it is always the default owner.
      hasData: fed.has(`${d.entity}.${d.field}`) || targetOf(d.entity, d.field)?.from.length === 0,
      sources,
    };
  });
  const blockers = blockersOf(doc, profiles);
  return {
    ...meta,
    files,
    destinations,
    settings: doc.settings,
    blockers,
    canConfirm: blockers.length === 0 && meta.status === 'draft',
    gaps: gapsOf(doc),
  };
}

/** A custom field the account already has, and the targets of its entity whose values it can hold. */
export interface ExistingFieldChoice {
  code: string;
  name: string;
  type: string;
  /** The type as Pipedrive's screens name it ("single option"). */
  typeLabel: string;
  options: string[];
  /** Targets (logical fields of the entity) this field may be chosen for. */
  fits: string[];
}

/** The account's custom fields per entity, each with the targets whose type it fits (`edit.ts` rules). */
export function existingFieldChoices(account: AccountFields): Record<PipedriveEntity, ExistingFieldChoice[]> {
  const of = (entity: PipedriveEntity): ExistingFieldChoice[] => {
    const targets = targetsOf(entity).filter((t) => !t.noCustom && t.field !== 'name');
    return account[entity]
      .filter((f) => f.isCustom)
      .map((f) => ({
        code: f.code,
        name: f.name,
        type: f.type,
        typeLabel: typeWords(f.type),
        options: (f.options ?? []).map((o) => o.label),
        fits: targets.filter((t) => fitsType(t.value, f.type)).map((t) => t.field),
      }));
  };
  return { person: of('person'), organization: of('organization') };
}
