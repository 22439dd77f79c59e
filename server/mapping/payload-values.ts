// Staged values → the values API v2 takes, per Pipedrive field type (numbers as numbers, dates as
// YYYY-MM-DD, options as ids, times in RFC 3339 without fractions), and the comparison of what was sent
// with what Pipedrive reads back. Pure.
import { utcFromZoned } from '../staging/time.ts';
import type { StagedScalar } from '../staging/vocabulary.ts';

/** How a written value is compared when read back: a custom field type, or a standard field's shape. */
export type ValueType =
  | 'varchar'
  | 'varchar_auto'
  | 'text'
  | 'phone'
  | 'double'
  | 'int'
  | 'date'
  | 'enum'
  | 'set'
  | 'id'
  | 'timestamp'
  | 'emails'
  | 'phones'
  | 'address';

export type Converted = { ok: unknown } | { problem: ProblemCode; message: string };

export type ProblemCode =
  | 'missing_name'
  | 'not_a_number'
  | 'not_a_date'
  | 'value_too_long'
  | 'option_not_found'
  | 'value_skipped'
  | 'organization_not_migrated'
  | 'owner_defaulted'
  | 'reference_pending'
  | 'field_not_provisioned';

const MAX_LENGTH: Record<string, number> = { varchar: 255, varchar_auto: 255, phone: 255, text: 65_535 };

export function asText(v: StagedScalar): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function toText(v: StagedScalar, type: string): Converted {
  const s = asText(v);
  if (s === undefined || s === '') return { problem: 'not_a_number', message: 'no value' };
  const max = MAX_LENGTH[type] ?? 255;
  if (s.length > max)
    return { problem: 'value_too_long', message: `${s.length} characters, over the ${max} this field holds` };
  return { ok: s };
}

export function toNumber(v: StagedScalar, decimals: number | undefined): Converted {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v.trim())
        ? Number(v.trim())
        : Number.NaN;
  if (!Number.isFinite(n)) return { problem: 'not_a_number', message: `"${asText(v)}" is not a number` };
  if (decimals === undefined) return { ok: n };
  const f = 10 ** decimals;
  return { ok: Math.round(n * f) / f };
}

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

export function toDate(v: StagedScalar): Converted {
  const m = typeof v === 'string' ? DATE_PREFIX.exec(v) : null;
  if (!m) return { problem: 'not_a_date', message: `"${asText(v)}" is not a date` };
  return { ok: m[1] };
}

/**
 * A staged date or date-time → RFC 3339 in UTC without fractions (what v2 accepts for add_time). A
 * bare date is midnight UTC, so the day shown stays the day written; a time without a zone is read in
 * `timeZone`.
 */
export function toTimestamp(v: StagedScalar, timeZone: string): Converted {
  const s = typeof v === 'string' ? v.trim() : '';
  const date = /^(\d{4}-\d{2}-\d{2})$/.exec(s);
  if (date) return { ok: `${date[1]}T00:00:00Z` };
  const dt = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (dt) return { ok: utcFromZoned(dt[1]!, dt[2]!, dt[3] ?? timeZone) };
  return { problem: 'not_a_date', message: `"${asText(v)}" is not a date` };
}

// ---- read-back comparison ----

function idOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return idOf(o.id ?? o.value);
  }
  return undefined;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'object' && v !== null && 'value' in v) return numberOf((v as { value: unknown }).value);
  return undefined;
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && 'value' in v) return textOf((v as { value: unknown }).value);
  return undefined;
}

interface Contact {
  value: string;
  primary: boolean;
}

function contacts(v: unknown, norm: (s: string) => string): Contact[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Contact[] = [];
  for (const item of v) {
    if (typeof item !== 'object' || item === null) return undefined;
    const o = item as Record<string, unknown>;
    if (typeof o.value !== 'string') return undefined;
    out.push({ value: norm(o.value), primary: o.primary === true });
  }
  return out.filter((c) => c.value !== '').sort((a, b) => a.value.localeCompare(b.value));
}

const digits = (s: string) => s.replace(/[^\d+]/g, '').replace(/^00/, '+');
const lowerTrimmed = (s: string) => s.trim().toLowerCase();

// Module-level rather than closures inside `sameValue`: it runs for every field read back.
function empty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function setIds(v: unknown): Array<number | undefined> | undefined {
  if (Array.isArray(v)) return v.map(idOf).sort((x, y) => (x ?? 0) - (y ?? 0));
  if (typeof v === 'object' && v !== null && Array.isArray((v as { values?: unknown }).values))
    return (v as { values: unknown[] }).values.map(idOf).sort((x, y) => (x ?? 0) - (y ?? 0));
  return undefined;
}

/**
 * Whether the value read back from Pipedrive is the value we sent, the way Pipedrive normalises it:
 * numbers may come back as strings, dates with a time, options as ids or {id}, sets in any order,
 * e-mails in another case, phones with spacing, contact lists with the label we did not set.
 */
export function sameValue(fieldType: ValueType, sent: unknown, readBack: unknown): boolean {
  if (empty(sent) || empty(readBack)) return empty(sent) && empty(readBack);
  switch (fieldType) {
    case 'double':
    case 'int': {
      const a = numberOf(sent);
      const b = numberOf(readBack);
      return a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
    }
    case 'date': {
      const a = textOf(sent);
      const b = textOf(readBack);
      return a !== undefined && b !== undefined && a.slice(0, 10) === b.slice(0, 10);
    }
    case 'timestamp': {
      const a = Date.parse(String(textOf(sent)));
      const b = Date.parse(
        String(textOf(readBack))
          .replace(' ', 'T')
          .replace(/(\d{2}:\d{2}:\d{2})$/, '$1Z'),
      );
      return Number.isFinite(a) && a === b;
    }
    case 'enum':
    case 'id':
      return idOf(sent) !== undefined && idOf(sent) === idOf(readBack);
    case 'set': {
      const a = setIds(sent);
      const b = setIds(readBack);
      return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
    }
    case 'emails':
    case 'phones': {
      const norm = fieldType === 'emails' ? lowerTrimmed : digits;
      const a = contacts(sent, norm);
      const b = contacts(readBack, norm);
      return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
    }
    case 'phone':
      return digits(String(textOf(sent))) === digits(String(textOf(readBack)));
    default:
      return textOf(sent) === textOf(readBack);
  }
}
