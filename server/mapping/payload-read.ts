// Reading one target's value out of a staged record: which staged fields feed it, where each came from
// (file, row, column), and the source-side transforms of that column (spaces, value mapping). Pure.
import type { Provenance, StagedScalar } from '../staging/vocabulary.ts';
import type { ResolvedColumn, ResolvedMap, ResolvedTarget } from './resolve.ts';

export interface StagedPart {
  values: Readonly<Record<string, StagedScalar>>;
  provenance: Readonly<Record<string, Provenance>>;
}

export interface Membership {
  organizationId: string;
  isPrimary: boolean;
  provenance?: Provenance;
}

/** A staged person as the staging repository returns it, with its metric aggregates and company links. */
export interface StagedPersonInput extends StagedPart {
  actimoId: string;
  metrics?: StagedPart | null;
  memberships?: readonly Membership[];
  /** Raw source rows by `${fileId}:${row}`, for the raw cells in the trace (optional). */
  rows?: ReadonlyMap<string, readonly string[]>;
}

export interface StagedOrganizationInput extends StagedPart {
  actimoId: string;
  rows?: ReadonlyMap<string, readonly string[]>;
}

export interface TraceSource {
  fileId: number;
  fileName: string;
  row: number;
  column: number;
  header: string;
  raw: string | null;
}

export interface ReadValue {
  value: StagedScalar | undefined;
  sources: TraceSource[];
  /** The column the value came from (its transforms apply). */
  column?: ResolvedColumn;
  /** How the staged value was put together, when it was (joined name, primary company…). */
  how?: string;
}

function partOf(
  t: ResolvedTarget,
  input: StagedPersonInput | StagedOrganizationInput,
): StagedPart | null | undefined {
  if (t.part === 'metrics') return 'metrics' in input ? input.metrics : undefined;
  return input;
}

export function traceSource(
  map: ResolvedMap,
  input: { rows?: ReadonlyMap<string, readonly string[]> },
  src: Provenance,
): TraceSource {
  const [fileId, row, column] = src;
  const col = map.columns[`${fileId}:${column}`];
  return {
    fileId,
    fileName: col?.fileName ?? `file ${fileId}`,
    row,
    column,
    header: col?.header ?? `column ${column + 1}`,
    raw: input.rows?.get(`${fileId}:${row}`)?.[column] ?? null,
  };
}

const present = (v: StagedScalar | undefined): v is StagedScalar =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

// Module-level rather than closures inside `readTarget`: it runs for every field of every record.

function sourcesOf(
  part: StagedPart,
  input: StagedPersonInput | StagedOrganizationInput,
  map: ResolvedMap,
  field: string,
): TraceSource[] {
  const p = part.provenance[field];
  return p ? [traceSource(map, input, p)] : [];
}

function columnOf(part: StagedPart, map: ResolvedMap, field: string): ResolvedColumn | undefined {
  const p = part.provenance[field];
  return p ? map.columns[`${p[0]}:${p[2]}`] : undefined;
}

export function readTarget(
  t: ResolvedTarget,
  input: StagedPersonInput | StagedOrganizationInput,
  map: ResolvedMap,
): ReadValue {
  const part = partOf(t, input);
  if (!part) return { value: undefined, sources: [] };
  const v = part.values;
  if (t.entity === 'person' && t.target === 'name') {
    // Staging completes the full name from first and last name without a provenance of its own.
    if (present(v.fullName) && part.provenance.fullName)
      return {
        value: v.fullName,
        sources: sourcesOf(part, input, map, 'fullName'),
        column: columnOf(part, map, 'fullName'),
      };
    const parts = [v.firstName, v.lastName].filter(present);
    if (parts.length === 0)
      return present(v.fullName) ? { value: v.fullName, sources: [] } : { value: undefined, sources: [] };
    return {
      value: parts.map(String).join(' '),
      sources: [...sourcesOf(part, input, map, 'firstName'), ...sourcesOf(part, input, map, 'lastName')],
      how: 'first and last name joined',
    };
  }
  if (t.entity === 'person' && t.target === 'organization' && 'memberships' in input) {
    const links = input.memberships ?? [];
    const primary = links.find((m) => m.isPrimary);
    if (primary)
      return {
        value: primary.organizationId,
        sources: primary.provenance
          ? [traceSource(map, input, primary.provenance)]
          : sourcesOf(part, input, map, 'companyIds'),
        ...(primary.provenance
          ? { column: map.columns[`${primary.provenance[0]}:${primary.provenance[2]}`] }
          : {}),
        how: links.length > 1 ? `the primary of ${links.length} companies` : 'the only company',
      };
  }
  if (t.entity === 'person' && t.target === 'organization') {
    const ids = v.companyIds;
    const first = Array.isArray(ids) ? ids[0] : undefined;
    return first
      ? { value: first, sources: sourcesOf(part, input, map, 'companyIds'), how: 'the first listed company' }
      : { value: undefined, sources: [] };
  }
  if (t.entity === 'organization' && t.target === 'address' && present(v.address)) {
    const fed = ['address', 'street', 'postalCode', 'city', 'country'].filter((f) => part.provenance[f]);
    return {
      value: v.address,
      sources: fed.flatMap((f) => sourcesOf(part, input, map, f)),
      ...(part.provenance.address
        ? { column: columnOf(part, map, 'address') }
        : { how: 'street, postal code, city and country joined' }),
    };
  }
  for (const field of t.from) {
    if (present(v[field])) {
      const extra =
        t.target === 'phone' && part.provenance.phoneCountryCode
          ? sourcesOf(part, input, map, 'phoneCountryCode')
          : [];
      return {
        value: v[field],
        sources: [...sourcesOf(part, input, map, field), ...extra],
        column: columnOf(part, map, field),
      };
    }
  }
  return { value: undefined, sources: [] };
}

/** The column's whitespace rule and value mapping, applied to a text value (null: mapped to empty). */
export function sourceText(value: StagedScalar, column: ResolvedColumn | undefined): StagedScalar {
  if (typeof value !== 'string' || !column) return value;
  const text = column.whitespace === 'collapse' ? value.replace(/\s+/g, ' ').trim() : value;
  const mapped = column.values;
  if (mapped && Object.hasOwn(mapped, text)) return mapped[text] ?? null;
  return text;
}
