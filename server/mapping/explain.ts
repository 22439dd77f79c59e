// Plain-language explanations for the field map: why a column was proposed ("header 'Afdeling' is Danish
// for department; 1,204 of 1,210 rows have a value, read as short text") and what a transform does
// ("date, day first (24-11-2026) → 2026-11-24"). Pure.
import type { ColumnParse } from '../actimo/columns.ts';
import { headerKey } from '../actimo/header.ts';
import type { ColumnProfile } from '../actimo/profile.ts';
import { DANISH_HEADER_KEYS } from './danish.ts';
import type { ColumnSpec } from './document.ts';

const FIELD_WORDS: Record<string, string> = {
  actimoId: 'Actimo ID',
  personId: "the user's Actimo id",
  companyId: "the company's Actimo id",
  companyIds: 'company ids',
  activityId: 'activity id',
  ownerEmail: "owner's e-mail",
  email: 'e-mail',
  addTime: 'created date',
  updateTime: 'updated date',
  quizScore: 'quiz score',
  quizAverage: 'quiz score',
  domain: 'website',
  startedAt: 'start date',
  completedAt: 'completion date',
  primary: 'primary company (yes/no)',
  type: 'activity type',
  date: 'date',
};

/** "jobTitle" → "job title"; the Actimo ID and a few others by name. */
export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function isDanishHeader(header: string): boolean {
  return DANISH_HEADER_KEYS.has(headerKey(header));
}

const count = (n: number) => n.toLocaleString('en-US');

/** What the profile says about a column's values, in words. */
export function valueStats(p: ColumnProfile | undefined, rows: number): string {
  if (!p) return 'no values were profiled';
  if (p.nonEmpty === 0) return rows === 1 ? 'its one row is empty' : `all ${count(rows)} rows are empty`;
  const filled =
    p.nonEmpty >= rows
      ? rows === 1
        ? 'its one row has a value'
        : `all ${count(p.nonEmpty)} rows have a value`
      : `${count(p.nonEmpty)} of ${count(rows)} rows have a value`;
  return `${filled}, read as ${typeWords(p)}`;
}

function typeWords(p: ColumnProfile): string {
  switch (p.type) {
    case 'id':
      return 'ids';
    case 'email':
      return 'e-mail addresses';
    case 'phone':
      return 'phone numbers';
    case 'date':
      return `dates (${p.date?.formats.join(', ') || 'mixed formats'})`;
    case 'number':
      return p.number?.decimal === ',' ? 'numbers with a decimal comma' : 'numbers';
    case 'percent':
      return 'percentages';
    case 'boolean':
      return 'yes/no values';
    case 'enum':
      return `${p.distinct} repeated values`;
    case 'list':
      return `lists separated by "${p.list?.separator ?? '|'}"`;
    case 'text':
      return p.examples.every((e) => e.length <= 60) ? 'short text' : 'text';
    default:
      return p.type;
  }
}

/**
 * The reason a column was proposed, from ingest's role reason (which names the synonym or content
 * match) rephrased for the admin, plus what the values look like.
 */
export function columnReason(
  header: string,
  field: string | null,
  roleReason: string,
  profile: ColumnProfile | undefined,
  rows: number,
): string {
  const stats = valueStats(profile, rows);
  if (field === null) return `no field is known by the header "${header}"; ${stats}`;
  if (/ is a known name for /.test(roleReason)) {
    const lead = isDanishHeader(header)
      ? `header "${header}" is Danish for ${fieldWords(field)}`
      : `header "${header}" is a usual name for ${fieldWords(field)}`;
    const contradiction = /, but its values look like /.exec(roleReason);
    return `${lead}${contradiction ? `, but its values look like ${profile?.type ?? 'something else'}` : ''}; ${stats}`;
  }
  return `${roleReason}; ${stats}`;
}

const ORDER_WORDS = { dmy: 'day first', mdy: 'month first' } as const;

/** What reading a column does to its cells, in words. */
export function parseWords(parse: ColumnParse): string {
  switch (parse.type) {
    case 'date': {
      const orders = Object.entries(parse.orders).map(
        ([sep, o]) => `"${sep}" dates ${ORDER_WORDS[o as 'dmy' | 'mdy']}`,
      );
      return `date → YYYY-MM-DD${orders.length ? ` (${orders.join(', ')})` : ''}${parse.excelSerial ? ', Excel serial numbers read as dates' : ''}`;
    }
    case 'number':
      return `number, decimal ${parse.decimal === ',' ? 'comma (72,5 → 72.5)' : 'point'}`;
    case 'percent':
      return parse.scale === 'fraction'
        ? `percentage, bare 0–1 fractions × 100 (0.45 → 45), decimal ${parse.decimal === ',' ? 'comma' : 'point'}`
        : `percentage 0–100 (45 % → 45), decimal ${parse.decimal === ',' ? 'comma' : 'point'}`;
    case 'phone':
      return `phone → E.164, numbers without a country code read as ${parse.defaultCountry}`;
    case 'email':
      return 'e-mail, lower-cased';
    case 'list':
      return `list split on "${parse.separator}"`;
    case 'boolean':
      return 'yes/no (ja/nej, true/false, 1/0)';
    case 'id':
      return 'id, as written';
    default:
      return 'text';
  }
}

export function columnTransform(c: ColumnSpec): string {
  if (c.field === null) return 'not read';
  const parts = [parseWords(c.parse)];
  parts.push(c.whitespace === 'collapse' ? 'spaces trimmed and runs of spaces collapsed' : 'spaces trimmed');
  const mapped = Object.entries(c.values ?? {});
  if (mapped.length > 0)
    parts.push(
      `values ${mapped
        .slice(0, 8)
        .map(([from, to]) => `"${from}" → ${to === null ? 'empty' : `"${to}"`}`)
        .join(', ')}${mapped.length > 8 ? `, and ${mapped.length - 8} more` : ''}`,
    );
  return parts.join('; ');
}
