// Reading one raw row through a file's column roles: every logical field's value, parsed with the
// column's parse options, with where it came from and the issues its parsing raised. Pure.
import type { ColumnRole } from '../actimo/columns.ts';
import {
  type ParsedDate,
  parseBoolean,
  parseDate,
  parseNumber,
  parsePercent,
  splitList,
} from '../actimo/values.ts';
import type { IssueCode, Provenance, StagedScalar, StagingIssue } from './vocabulary.ts';

export interface FieldValue {
  value: StagedScalar;
  /** The parsed date, for date columns (time and zone kept for activities). */
  date?: ParsedDate;
  src: Provenance;
}

export interface ReadRow {
  fields: Map<string, FieldValue>;
  /** The raw text of fed fields, for fields parsed in context (phones with a country-code column). */
  raw: Map<string, { text: string; src: Provenance }>;
  issues: StagingIssue[];
}

function issue(code: IssueCode, field: string, src: Provenance, message: string): StagingIssue {
  return { code, severity: 'warning', field, source: src, message };
}

/** Counts are whole numbers: "1.200" or "1,200" in them is a thousands separator, never a decimal. */
const WHOLE_NUMBER_FIELDS = new Set([
  'employeeCount',
  'messageCount',
  'publishedTo',
  'notifiedTo',
  'openedBy',
  'clicked',
]);

export function readRow(
  fileId: number,
  row: number,
  cells: readonly string[],
  roles: readonly ColumnRole[],
): ReadRow {
  const out: ReadRow = { fields: new Map(), raw: new Map(), issues: [] };
  for (const role of roles) {
    if (!role.field) continue;
    const text = (cells[role.column] ?? '').trim();
    if (text === '') continue;
    const src: Provenance = [fileId, row, role.column];
    out.raw.set(role.field, { text, src });
    const p = role.parse;
    switch (p.type) {
      case 'date': {
        const r = parseDate(text, p);
        if ('ok' in r) {
          // A stated time (and zone) is kept: "2026-11-24T09:30:00Z"; a bare date stays a date.
          const value = r.ok.time ? `${r.ok.date}T${r.ok.time}${r.ok.zone ?? ''}` : r.ok.date;
          out.fields.set(role.field, { value, date: r.ok, src });
        } else {
          out.issues.push(
            issue(
              r.error,
              role.field,
              src,
              r.error === 'ambiguous_date'
                ? `"${text}" in "${role.header}" could be day/month or month/day; choose the order for this column`
                : `"${text}" in "${role.header}" is not a date we can read`,
            ),
          );
        }
        break;
      }
      case 'number':
      case 'percent': {
        const whole = WHOLE_NUMBER_FIELDS.has(role.field) && /^\d{1,3}([.,\s]\d{3})+$/.test(text);
        const n = whole
          ? Number(text.replace(/\D/g, ''))
          : p.type === 'number'
            ? parseNumber(text, p.decimal)
            : parsePercent(text, p.decimal, p.scale);
        if (n === null) {
          out.issues.push(
            issue('unparseable_number', role.field, src, `"${text}" in "${role.header}" is not a number`),
          );
        } else out.fields.set(role.field, { value: n, src });
        break;
      }
      case 'boolean': {
        const b = parseBoolean(text);
        if (b === null)
          out.issues.push(
            issue('unparseable_number', role.field, src, `"${text}" in "${role.header}" is not yes/no`),
          );
        else out.fields.set(role.field, { value: b, src });
        break;
      }
      case 'list':
        out.fields.set(role.field, { value: splitList(text, p.separator), src });
        break;
      case 'email':
        out.fields.set(role.field, { value: text.toLowerCase(), src });
        break;
      default:
        // Text keeps leading +, =, - and @: they are data here (only CSVs we hand back neutralise them).
        out.fields.set(role.field, { value: text, src });
    }
  }
  return out;
}

export function str(r: ReadRow, field: string): string | undefined {
  const v = r.fields.get(field)?.value;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function num(r: ReadRow, field: string): number | undefined {
  const v = r.fields.get(field)?.value;
  return typeof v === 'number' ? v : undefined;
}
