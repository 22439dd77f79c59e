// The confirmed map resolved to Pipedrive keys: every target that lands somewhere, with the field code,
// type and option ids of its field in this company's account. What the payload builder and the migration
// engine read; before provisioning, the codes of fields not created yet are placeholders and `exact` is
// false (the value preview says so). Pure.
import type { RecordedField } from '../pipedrive/field-schema.repository.ts';
import type { AccountFields, FieldOption } from '../pipedrive/fields.ts';
import type { MapDocument, MapSettings, Whitespace } from './document.ts';
import { columnTransform } from './explain.ts';
import { standardFallback } from './propose-destination.ts';
import {
  type PipedriveEntity,
  type RecordPart,
  type StandardKey,
  targetOf,
  type ValueKind,
} from './targets.ts';
import { fedTargets, standardUsable } from './wanted.ts';

export type ResolvedTo =
  | { kind: 'standard'; key: StandardKey; options?: FieldOption[] }
  | {
      kind: 'field';
      /** The field code, or `new:<logicalName>` while the field is not provisioned. */
      code: string;
      name: string;
      type: string;
      options?: FieldOption[];
      /** Option labels known before the field exists (our enum fields). */
      labels?: string[];
      decimals?: number;
      logicalName?: string;
      provisioned: boolean;
    }
  | { kind: 'note' };

export interface ResolvedTarget {
  entity: PipedriveEntity;
  target: string;
  label: string;
  part: RecordPart;
  from: readonly string[];
  value: ValueKind;
  to: ResolvedTo;
}

export interface ResolvedColumn {
  fileName: string;
  header: string;
  whitespace: Whitespace;
  values?: Record<string, string | null>;
  transform: string;
}

export interface ResolvedMap {
  version: number;
  /** False while some field is not provisioned: codes and option ids are placeholders. */
  exact: boolean;
  person: ResolvedTarget[];
  organization: ResolvedTarget[];
  /** By `${fileId}:${column}`: where a value came from and the source-side transforms. */
  columns: Record<string, ResolvedColumn>;
  settings: MapSettings;
}

function standardField(account: AccountFields | undefined, entity: PipedriveEntity, key: string) {
  return account?.[entity].find((f) => !f.isCustom && f.code === key);
}

/**
 * Resolves every target of the map. `account` (the live field list) decides standard-or-custom for
 * industry and employee count and gives existing fields their options; without it (offline preview)
 * the standard fields are assumed to exist.
 */
export function resolveMap(
  version: number,
  doc: MapDocument,
  recorded: readonly RecordedField[],
  account: AccountFields | undefined,
): ResolvedMap {
  let exact = true;
  const out: ResolvedMap = {
    version,
    exact,
    person: [],
    organization: [],
    columns: {},
    settings: doc.settings,
  };
  // A target no column feeds sends nothing, and its field is never created.
  const fed = fedTargets(doc);
  for (const d of doc.destinations) {
    const t = targetOf(d.entity, d.field);
    if (!t || (t.from.length > 0 && !fed.has(`${d.entity}.${d.field}`))) continue;
    let dest = d.destination;
    if (dest.kind === 'ignore') continue;
    if (dest.kind === 'standard' && !standardUsable(account, d.entity, dest.key))
      dest = standardFallback(d.entity, dest.key) ?? dest;
    let to: ResolvedTo;
    if (dest.kind === 'standard') {
      const options = standardField(account, d.entity, dest.key)?.options ?? undefined;
      to = options ? { kind: 'standard', key: dest.key, options } : { kind: 'standard', key: dest.key };
    } else if (dest.kind === 'note') to = { kind: 'note' };
    else if (dest.kind === 'custom') {
      const rec = recorded.find((r) => r.entity === d.entity && r.logicalName === dest.logicalName);
      if (!rec) exact = false;
      to = {
        kind: 'field',
        code: rec?.code ?? `new:${dest.logicalName}`,
        name: rec?.name ?? dest.name,
        type: rec?.type ?? dest.type,
        logicalName: dest.logicalName,
        provisioned: !!rec,
        ...(rec?.options ? { options: rec.options } : {}),
        ...(dest.options ? { labels: dest.options } : {}),
        ...(dest.decimals !== undefined ? { decimals: dest.decimals } : {}),
      };
    } else {
      const live = account?.[d.entity].find((f) => f.code === dest.fieldCode);
      const type = live?.type ?? dest.type ?? 'varchar';
      if (!live && (type === 'enum' || type === 'set')) exact = false;
      to = {
        kind: 'field',
        code: dest.fieldCode,
        name: live?.name ?? dest.name ?? dest.fieldCode,
        type,
        provisioned: true,
        ...(live?.options ? { options: live.options } : {}),
        ...(dest.options ? { labels: dest.options } : {}),
      };
    }
    out[d.entity].push({
      entity: d.entity,
      target: t.field,
      label: t.label,
      part: t.part,
      from: t.from,
      value: t.value,
      to,
    });
  }
  for (const f of doc.files) {
    for (const c of f.columns) {
      const col: ResolvedColumn = {
        fileName: f.name,
        header: c.header,
        whitespace: c.whitespace,
        transform: columnTransform(c),
      };
      if (c.values) col.values = c.values;
      out.columns[`${f.fileId}:${c.column}`] = col;
    }
  }
  out.exact = exact;
  return out;
}
