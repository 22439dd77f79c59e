// Column roles: which logical field each column of a file feeds, and how its values are parsed. A pure,
// reusable step: the synonym table and the column's profile give a proposal with a confidence and a
// plain-language reason; the field-map screen shows it and the admin may override it.
import { distance } from 'fastest-levenshtein';
import { KIND_FIELDS, type TabularKind } from '../staging/vocabulary.ts';
import { headerKey } from './header.ts';
import type { ColumnProfile, InferredType } from './profile.ts';
import { type FieldSynonyms, SYNONYMS } from './synonyms.ts';
import type { DateOrder, DateSeparator, PercentScale } from './values.ts';

/** How a column's cells are read. The admin can change any of these in the field map. */
export type ColumnParse =
  | { type: 'text' }
  | { type: 'id' }
  | { type: 'email' }
  | { type: 'phone'; defaultCountry: string }
  | { type: 'date'; orders: Partial<Record<DateSeparator, DateOrder>>; excelSerial: boolean }
  | { type: 'number'; decimal: ',' | '.' }
  | { type: 'percent'; decimal: ',' | '.'; scale: PercentScale }
  | { type: 'boolean' }
  | { type: 'list'; separator: string };

export interface ColumnRole {
  column: number;
  header: string;
  /** The logical field fed, or null when the column is not used. */
  field: string | null;
  /** 0–1. Below 0.6 the panel asks the admin to confirm. */
  confidence: number;
  reason: string;
  parse: ColumnParse;
  /** Set when the data cannot settle something the admin must decide (e.g. day/month order). */
  needsDecision?: string;
}

/** Phone numbers without a country code are read as Danish unless the admin says otherwise. */
export const DEFAULT_PHONE_COUNTRY = 'DK';

interface Candidate {
  field: string;
  confidence: number;
  reason: string;
}

function headerCandidates(kind: TabularKind, header: string): Candidate[] {
  const key = headerKey(header);
  const out: Candidate[] = [];
  for (const [field, syn] of Object.entries(SYNONYMS[kind]) as Array<[string, FieldSynonyms]>) {
    let best: Candidate | undefined;
    for (const h of syn.headers) {
      const k = headerKey(h);
      if (k === key) {
        best = { field, confidence: 0.95, reason: `header "${header}" is a known name for ${field}` };
        break;
      }
      if (key.length >= 5 && k.length >= 5) {
        const ratio = 1 - distance(k, key) / Math.max(k.length, key.length);
        if (ratio >= 0.8 && (!best || ratio * 0.8 > best.confidence)) {
          best = {
            field,
            confidence: Math.round(ratio * 0.8 * 100) / 100,
            reason: `header "${header}" is spelled like "${h}" (${field})`,
          };
        }
      }
    }
    if (best) out.push(best);
  }
  return out;
}

const FITS: Record<NonNullable<FieldSynonyms['expects']>, readonly InferredType[]> = {
  id: ['id', 'number', 'text', 'enum'],
  email: ['email'],
  phone: ['phone', 'number', 'id', 'text'],
  date: ['date'],
  number: ['number', 'percent', 'id'],
  percent: ['percent', 'number'],
  boolean: ['boolean', 'enum'],
  text: ['text', 'enum', 'id', 'list', 'phone', 'number', 'boolean'],
  list: ['list', 'id', 'number', 'text', 'enum'],
};

/** What the content alone says a column is, for columns whose header we do not know. */
const BY_CONTENT: Partial<Record<TabularKind, Partial<Record<InferredType, string>>>> = {
  users: { email: 'email', phone: 'phone' },
  activities: { email: 'ownerEmail' },
};

export function proposeColumnRoles(kind: TabularKind, profiles: readonly ColumnProfile[]): ColumnRole[] {
  const fields = SYNONYMS[kind];
  const scored = profiles.map((p) =>
    headerCandidates(kind, p.header).map((c) => {
      const expects = fields[c.field]?.expects ?? 'text';
      if (p.type === 'empty' || FITS[expects].includes(p.type)) return c;
      return {
        ...c,
        confidence: Math.round(c.confidence * 0.6 * 100) / 100,
        reason: `${c.reason}, but its values look like ${p.type}`,
      };
    }),
  );
  // Each field feeds from one column: assign the most confident pairs first.
  const pairs = scored.flatMap((cands, column) => cands.map((c) => ({ column, ...c })));
  pairs.sort((a, b) => b.confidence - a.confidence || a.column - b.column);
  const taken = new Set<string>();
  const chosen = new Map<number, Candidate>();
  for (const p of pairs) {
    if (taken.has(p.field) || chosen.has(p.column)) continue;
    taken.add(p.field);
    chosen.set(p.column, p);
  }
  for (const p of profiles) {
    const field = BY_CONTENT[kind]?.[p.type];
    if (field && !taken.has(field) && !chosen.has(p.index)) {
      taken.add(field);
      chosen.set(p.index, { field, confidence: 0.6, reason: `values in "${p.header}" look like ${p.type}` });
    }
  }
  return profiles.map((p) => {
    const c = chosen.get(p.index);
    const expects = c ? (fields[c.field]?.expects ?? 'text') : undefined;
    const { parse, needsDecision } = parseFor(expects, p);
    const role: ColumnRole = {
      column: p.index,
      header: p.header,
      field: c?.field ?? null,
      confidence: c?.confidence ?? 0,
      reason: c?.reason ?? `no ${kind} field is known by the header "${p.header}"`,
      parse,
    };
    if (c && needsDecision) role.needsDecision = needsDecision;
    return role;
  });
}

/** The parse options a column gets by default: from what the field expects and what the data shows. */
export function parseFor(
  expects: FieldSynonyms['expects'] | undefined,
  p: ColumnProfile,
): { parse: ColumnParse; needsDecision?: string } {
  switch (expects) {
    case 'email':
      return { parse: { type: 'email' } };
    case 'phone':
      return { parse: { type: 'phone', defaultCountry: DEFAULT_PHONE_COUNTRY } };
    case 'date': {
      const orders: Partial<Record<DateSeparator, DateOrder>> = {};
      const undecided: string[] = [];
      for (const [sep, o] of Object.entries(p.date?.orders ?? {}) as Array<[DateSeparator, string]>) {
        if (o === 'dmy' || o === 'mdy') orders[sep] = o;
        else
          undecided.push(
            `"${sep}" dates (${o === 'conflict' ? 'both orders occur' : 'every value fits both orders'})`,
          );
      }
      const parse: ColumnParse = { type: 'date', orders, excelSerial: true };
      return undecided.length
        ? { parse, needsDecision: `day/month order of ${undecided.join(' and ')} in "${p.header}"` }
        : { parse };
    }
    case 'number':
      return { parse: { type: 'number', decimal: p.number?.decimal ?? p.percent?.decimal ?? '.' } };
    case 'percent':
      return {
        parse: {
          type: 'percent',
          decimal: p.percent?.decimal ?? p.number?.decimal ?? '.',
          scale: p.percent?.scale ?? 'percent',
        },
      };
    case 'boolean':
      return { parse: { type: 'boolean' } };
    case 'list':
      return { parse: { type: 'list', separator: p.list?.separator ?? '|' } };
    case 'id':
      return { parse: { type: 'id' } };
    default:
      return { parse: { type: 'text' } };
  }
}

/** The fields of a kind no column feeds (shown to the admin; some make records invalid). */
export function unmappedFields(kind: TabularKind, roles: readonly ColumnRole[]): string[] {
  const fed = new Set(roles.map((r) => r.field));
  return (KIND_FIELDS[kind] as readonly string[]).filter((f) => !fed.has(f));
}
