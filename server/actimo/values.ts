// Pure recognisers and parsers for the cell values Actimo and Excel produce. The profiler uses the
// recognisers to infer a column's type; consolidation uses the parsers with the column's parse options.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type DateOrder = 'dmy' | 'mdy';
export type DateSeparator = '-' | '.' | '/';

export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
/** d-m-y, m/d/y, d.m.y with a 4-digit year, optionally followed by a time. */
export const NUMERIC_DATE =
  /^(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$/;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[a-z]{2,}$/i;
const INTEGER = /^[+-]?\d+$/;
/** Excel serial days for 1950–2100: an integer in this range in a date column is a serial. */
export const EXCEL_SERIAL_MIN = 18264;
export const EXCEL_SERIAL_MAX = 73415;

export function isEmail(v: string): boolean {
  return EMAIL.test(v);
}

export function isInteger(v: string): boolean {
  return INTEGER.test(v);
}

/** Which decimal separator a number uses, or null when it is not a number we read. */
export function numberStyle(v: string): ',' | '.' | 'int' | null {
  const s = v.replace(/[\s\u00a0]/g, '');
  if (INTEGER.test(s)) return 'int';
  if (/^[+-]?\d{1,3}(\.\d{3})+,\d+$/.test(s) || /^[+-]?\d*,\d+$/.test(s)) return ',';
  if (/^[+-]?\d{1,3}(,\d{3})+\.\d+$/.test(s) || /^[+-]?\d*\.\d+$/.test(s)) return '.';
  return null;
}

/** Parses a number written with the given decimal separator ("72,5", "1.234,5", "1,234.5"). */
export function parseNumber(v: string, decimal: ',' | '.'): number | null {
  let s = v.replace(/[\s\u00a0]/g, '');
  if (s === '') return null;
  const thousands = decimal === ',' ? '.' : ',';
  if (s.includes(thousands)) {
    if (!new RegExp(`^[+-]?\\d{1,3}(\\${thousands}\\d{3})+(\\${decimal}\\d+)?$`).test(s)) return null;
    s = s.split(thousands).join('');
  }
  if (decimal === ',') s = s.replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export type PercentScale = 'fraction' | 'percent';

/**
 * A percentage as 0–100. "45%" and "45,0 %" carry their unit; a bare number is read on the column's
 * scale: 0.45 on a fraction scale, 45 on a percent scale.
 */
export function parsePercent(v: string, decimal: ',' | '.', scale: PercentScale): number | null {
  const m = /^(.*?)\s*%$/.exec(v.trim());
  const body = m ? m[1]! : v;
  const dec =
    body.includes(',') && !body.includes('.')
      ? ','
      : body.includes('.') && !body.includes(',')
        ? '.'
        : decimal;
  const n = parseNumber(body, dec);
  if (n === null) return null;
  const pct = m || scale === 'percent' ? n : n * 100;
  return Math.round(pct * 1e6) / 1e6;
}

const TRUE = new Set(['yes', 'y', 'true', '1', 'ja', 'j', 'x', 'primary', 'primær', 'sand']);
const FALSE = new Set(['no', 'n', 'false', '0', 'nej', 'falsk', '']);

export function parseBoolean(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return null;
}

export function isBooleanLike(v: string): boolean {
  const s = v.trim().toLowerCase();
  return s !== '' && (TRUE.has(s) || FALSE.has(s));
}

/** A calendar date, and a time when the value has one, with the zone when it states one. */
export interface ParsedDate {
  date: string; // YYYY-MM-DD
  time?: string; // HH:MM:SS
  /** 'Z' or ±HH:MM when the value carried a zone. */
  zone?: string;
}

export type DateResult = { ok: ParsedDate } | { error: 'ambiguous_date' | 'unparseable_date' };

export interface DateParseOptions {
  /** Day/month order per separator, decided from the column's data or by the admin. */
  orders: Partial<Record<DateSeparator, DateOrder>>;
  /** Read integers as Excel serial day numbers. */
  excelSerial: boolean;
}

export function parseDate(raw: string, opts: DateParseOptions): DateResult {
  const v = raw.trim();
  let m = ISO_DATE.exec(v);
  if (m) return valid(+m[1]!, +m[2]!, +m[3]!);
  m = ISO_DATETIME.exec(v);
  if (m) {
    const zone = m[7] ? (m[7] === 'Z' ? 'Z' : `${m[7].slice(0, 3)}:${m[7].slice(-2)}`) : undefined;
    return valid(+m[1]!, +m[2]!, +m[3]!, [+m[4]!, +m[5]!, +(m[6] ?? 0)], zone);
  }
  m = NUMERIC_DATE.exec(v);
  if (m) {
    const order = opts.orders[m[2] as DateSeparator];
    const a = +m[1]!;
    const b = +m[3]!;
    const time: [number, number, number] | undefined = m[5] ? [+m[5], +m[6]!, +(m[7] ?? 0)] : undefined;
    if (!order) return a > 12 || b > 12 ? byEvidence(a, b, +m[4]!, time) : { error: 'ambiguous_date' };
    return order === 'dmy' ? valid(+m[4]!, b, a, time) : valid(+m[4]!, a, b, time);
  }
  if (opts.excelSerial && /^\d+(\.\d+)?$/.test(v)) {
    const serial = Number(v);
    if (serial >= EXCEL_SERIAL_MIN && serial <= EXCEL_SERIAL_MAX) return fromExcelSerial(serial);
  }
  return { error: 'unparseable_date' };
}

/** A value whose own numbers settle the order (24/11/2026) parses even in an undecided column. */
function byEvidence(a: number, b: number, y: number, time?: [number, number, number]): DateResult {
  return a > 12 ? valid(y, b, a, time) : valid(y, a, b, time);
}

/** Excel's 1900 date system (days since 1899-12-30, which absorbs Excel's phantom 29 Feb 1900). */
export function fromExcelSerial(serial: number): DateResult {
  const ms = Math.round((serial - 25569) * 86400) * 1000;
  const d = new Date(ms);
  const date = d.toISOString().slice(0, 10);
  const frac = serial % 1;
  return frac === 0 ? { ok: { date } } : { ok: { date, time: d.toISOString().slice(11, 19) } };
}

function valid(y: number, mo: number, d: number, time?: [number, number, number], zone?: string): DateResult {
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) {
    return { error: 'unparseable_date' };
  }
  const date = `${String(y).padStart(4, '0')}-${pad(mo)}-${pad(d)}`;
  if (!time) return { ok: { date } };
  const [h, mi, s] = time;
  if (h > 23 || mi > 59 || s > 59) return { error: 'unparseable_date' };
  return {
    ok: zone
      ? { date, time: `${pad(h)}:${pad(mi)}:${pad(s)}`, zone }
      : { date, time: `${pad(h)}:${pad(mi)}:${pad(s)}` },
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The E.164 form of a phone number, or null when it is not one. Leading 00 means international. */
export function normalizePhone(raw: string, defaultCountry: string, countryCode?: string): string | null {
  let s = raw.trim().replace(/[\s\u00a0().-]/g, '');
  if (s === '') return null;
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!s.startsWith('+') && countryCode) {
    const cc = countryCode.trim().replace(/^(\+|00)/, '');
    if (/^\d{1,4}$/.test(cc)) s = `+${cc}${s}`;
  }
  // Already international (+ and 8–15 digits, the E.164 shape): no need for the slow full parse.
  if (/^\+[1-9]\d{7,14}$/.test(s)) return s;
  // Denmark has a closed 8-digit plan without a trunk prefix: a bare 8-digit number is +45 and those
  // digits (what the full parse returns, at a fraction of its cost on a million users).
  if (defaultCountry === 'DK' && /^\d{8}$/.test(s)) return `+45${s}`;
  const parsed = parsePhoneNumberFromString(s, defaultCountry as CountryCode);
  return parsed?.isPossible() ? parsed.number : null;
}

export function looksLikePhone(v: string): boolean {
  return /^(\+|00)?[\d\s\u00a0().-]{6,20}$/.test(v.trim()) && /\d{6}/.test(v.replace(/\D/g, ''));
}

/** Splits a list cell ("12;14", "12, 14", "12|14") into trimmed, non-empty items. */
export function splitList(v: string, separator: string): string[] {
  return v
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** "1:30", "01:30:00", "90", "90 min", "1h 30m", "1,5 t" → minutes. */
export function parseDurationMinutes(raw: string): number | null {
  const v = raw.trim().toLowerCase();
  let m = /^(\d{1,3}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m) return +m[1]! * 60 + +m[2]! + Math.round(+(m[3] ?? 0) / 60);
  m = /^(\d+)\s*(m|min|mins|minutes|minutter)?$/.exec(v);
  if (m) return +m[1]!;
  m = /^(?:(\d+(?:[.,]\d+)?)\s*(?:h|t|hours?|timer?))?\s*(?:(\d+)\s*(?:m|min|minutes?|minutter))?$/.exec(v);
  if (m && (m[1] || m[2]))
    return Math.round(Number((m[1] ?? '0').replace(',', '.')) * 60) + Number(m[2] ?? 0);
  return null;
}
