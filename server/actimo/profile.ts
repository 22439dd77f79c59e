// Column profiles: what each column of a file holds, inferred from its values while the file streams
// by. Type evidence is gathered on every row for the first PROFILE_FULL_ROWS rows and on one row in
// PROFILE_STRIDE after that (empties and lengths on every row), which keeps profiling off the hot path.
import {
  type DateOrder,
  type DateSeparator,
  EXCEL_SERIAL_MAX,
  EXCEL_SERIAL_MIN,
  ISO_DATE,
  ISO_DATETIME,
  isBooleanLike,
  isEmail,
  looksLikePhone,
  NUMERIC_DATE,
  numberStyle,
} from './values.ts';

export const PROFILE_FULL_ROWS = 20_000;
export const PROFILE_STRIDE = 16;
const MAX_DISTINCT = 50;
const MAX_EXAMPLES = 5;

export type InferredType =
  | 'empty'
  | 'id'
  | 'email'
  | 'phone'
  | 'date'
  | 'number'
  | 'percent'
  | 'boolean'
  | 'enum'
  | 'list'
  | 'text';

/** Per separator: the order the data proves, or 'ambiguous' when no value settles it. */
export type OrderEvidence = DateOrder | 'ambiguous' | 'conflict';

export interface ColumnProfile {
  index: number;
  header: string;
  type: InferredType;
  /** Share of rows (0–1) where the cell is empty or missing. */
  nullRate: number;
  nonEmpty: number;
  /** Distinct values seen (capped at 50: 50 means "50 or more"). */
  distinct: number;
  examples: string[];
  date?: {
    /** Formats seen, e.g. "YYYY-MM-DD", "DD-MM-YYYY", "excel-serial". */
    formats: string[];
    orders: Partial<Record<DateSeparator, OrderEvidence>>;
    /** True when some day/month order could not be decided from the data: the admin must choose. */
    needsOrder: boolean;
  };
  number?: { decimal: ',' | '.' | null };
  percent?: { scale: 'fraction' | 'percent'; decimal: ',' | '.' | null };
  list?: { separator: string };
}

interface Counts {
  seen: number;
  empty: number;
  sampled: number;
  email: number;
  phone: number;
  int: number;
  comma: number;
  dot: number;
  pctSign: number;
  maxAbs: number;
  fractional: number;
  bool: number;
  iso: number;
  isoTime: number;
  serial: number;
  numericDate: Record<DateSeparator, { n: number; firstOver12: boolean; secondOver12: boolean }>;
  list: Record<string, number>;
  /** Single id-like tokens ("c-1"): a list column holds these too. */
  token: number;
  distinct: Set<string>;
  examples: string[];
}

function emptyCounts(): Counts {
  return {
    seen: 0,
    empty: 0,
    sampled: 0,
    email: 0,
    phone: 0,
    int: 0,
    comma: 0,
    dot: 0,
    pctSign: 0,
    maxAbs: 0,
    fractional: 0,
    bool: 0,
    iso: 0,
    isoTime: 0,
    serial: 0,
    numericDate: {
      '-': { n: 0, firstOver12: false, secondOver12: false },
      '.': { n: 0, firstOver12: false, secondOver12: false },
      '/': { n: 0, firstOver12: false, secondOver12: false },
    },
    list: { ';': 0, ',': 0, '|': 0 },
    token: 0,
    distinct: new Set(),
    examples: [],
  };
}

export class ColumnProfiler {
  private readonly cols: Counts[];
  private rows = 0;

  constructor(private readonly headers: readonly string[]) {
    this.cols = headers.map(() => emptyCounts());
  }

  add(cells: readonly string[]): void {
    this.rows++;
    const sample = this.rows <= PROFILE_FULL_ROWS || this.rows % PROFILE_STRIDE === 0;
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i]!;
      const v = cells[i];
      c.seen++;
      if (v === undefined || v.length === 0 || (v.charCodeAt(0) <= 32 && v.trim() === '')) {
        c.empty++;
        continue;
      }
      if (sample) observe(c, v.trim());
    }
  }

  result(): ColumnProfile[] {
    return this.cols.map((c, index) => summarise(c, index, this.headers[index] ?? '', this.rows));
  }
}

function observe(c: Counts, v: string): void {
  c.sampled++;
  if (c.distinct.size < MAX_DISTINCT) c.distinct.add(v);
  if (c.examples.length < MAX_EXAMPLES && !c.examples.includes(v)) c.examples.push(v);
  if (isBooleanLike(v)) c.bool++;
  if (v.includes('@')) {
    if (isEmail(v)) c.email++;
    return;
  }
  if (ISO_DATE.test(v)) {
    c.iso++;
    return;
  }
  if (ISO_DATETIME.test(v)) {
    c.isoTime++;
    return;
  }
  const nd = NUMERIC_DATE.exec(v);
  if (nd) {
    const e = c.numericDate[nd[2] as DateSeparator];
    e.n++;
    if (+nd[1]! > 12) e.firstOver12 = true;
    if (+nd[3]! > 12) e.secondOver12 = true;
    return;
  }
  const pct = v.endsWith('%');
  const body = pct ? v.slice(0, -1).trim() : v;
  const style = numberStyle(body);
  if (style) {
    if (pct) c.pctSign++;
    if (style === 'int') {
      c.int++;
      const n = Number(body);
      if (n >= EXCEL_SERIAL_MIN && n <= EXCEL_SERIAL_MAX) c.serial++;
      c.maxAbs = Math.max(c.maxAbs, Math.abs(n));
    } else {
      if (style === ',') c.comma++;
      else c.dot++;
      c.fractional++;
      c.maxAbs = Math.max(c.maxAbs, Math.abs(Number(body.replace(/[^\d,.-]/g, '').replace(',', '.'))) || 0);
    }
    if (!pct && looksLikePhone(v) && body.replace(/\D/g, '').length >= 8) c.phone++;
    return;
  }
  if (looksLikePhone(v)) {
    c.phone++;
    return;
  }
  if (/^[\w-]{1,40}$/.test(v)) {
    c.token++;
    return;
  }
  for (const sep of [';', ',', '|']) {
    if (v.includes(sep) && v.split(sep).every((p) => /^\s*[\w-]{1,40}\s*$/.test(p))) {
      c.list[sep] = (c.list[sep] ?? 0) + 1;
      break;
    }
  }
}

function summarise(c: Counts, index: number, header: string, rows: number): ColumnProfile {
  const nonEmpty = c.seen - c.empty;
  const base = {
    index,
    header,
    nullRate: rows === 0 ? 1 : Math.round(((rows - nonEmpty) / rows) * 10000) / 10000,
    nonEmpty,
    distinct: c.distinct.size,
    examples: c.examples,
  };
  const n = c.sampled;
  if (n === 0) return { ...base, type: 'empty' };
  const share = (k: number) => k / n;
  const numericDates = c.numericDate['-'].n + c.numericDate['.'].n + c.numericDate['/'].n;
  const dates = c.iso + c.isoTime + numericDates;
  const numbers = c.int + c.comma + c.dot;

  if (share(c.email) >= 0.8) return { ...base, type: 'email' };
  if (dates > 0 && share(dates + c.serial) >= 0.8) return { ...base, type: 'date', date: dateInfo(c) };
  if (share(c.pctSign) >= 0.3 && share(numbers) >= 0.9) {
    return { ...base, type: 'percent', percent: percentInfo(c) };
  }
  if (share(c.phone) >= 0.8 && c.phone >= c.int) return { ...base, type: 'phone' };
  if (share(c.bool) >= 0.95 && c.distinct.size <= 4) return { ...base, type: 'boolean' };
  if (share(numbers) >= 0.95) {
    if (c.int === n && c.distinct.size >= Math.min(n, MAX_DISTINCT) * 0.9 && c.distinct.size > 1) {
      return { ...base, type: 'id' };
    }
    return {
      ...base,
      type: 'number',
      number: { decimal: c.comma > c.dot ? ',' : c.dot > 0 ? '.' : null },
      percent: percentInfo(c),
    };
  }
  const lists = Object.entries(c.list).sort((a, b) => b[1] - a[1])[0];
  if (lists && lists[1] > 0 && share(lists[1] + c.int + c.token) >= 0.9) {
    return { ...base, type: 'list', list: { separator: lists[0] } };
  }
  if (c.distinct.size <= 12 && n >= 20) return { ...base, type: 'enum' };
  if (c.distinct.size >= Math.min(n, MAX_DISTINCT) && c.examples.every((e) => /^[\w-]{1,40}$/.test(e))) {
    return { ...base, type: 'id' };
  }
  return { ...base, type: 'text' };
}

/** The day/month order each separator's values prove; 'ambiguous' when every value fits both. */
function dateInfo(c: Counts): NonNullable<ColumnProfile['date']> {
  const formats: string[] = [];
  if (c.iso) formats.push('YYYY-MM-DD');
  if (c.isoTime) formats.push('YYYY-MM-DDTHH:MM:SS');
  if (c.serial) formats.push('excel-serial');
  const orders: Partial<Record<DateSeparator, OrderEvidence>> = {};
  for (const sep of ['-', '.', '/'] as const) {
    const e = c.numericDate[sep];
    if (e.n === 0) continue;
    const order: OrderEvidence =
      e.firstOver12 && e.secondOver12
        ? 'conflict'
        : e.firstOver12
          ? 'dmy'
          : e.secondOver12
            ? 'mdy'
            : 'ambiguous';
    orders[sep] = order;
    formats.push(
      order === 'mdy'
        ? `MM${sep}DD${sep}YYYY`
        : order === 'dmy'
          ? `DD${sep}MM${sep}YYYY`
          : `??${sep}??${sep}YYYY`,
    );
  }
  const needsOrder = Object.values(orders).some((o) => o === 'ambiguous' || o === 'conflict');
  return { formats, orders, needsOrder };
}

function percentInfo(c: Counts): NonNullable<ColumnProfile['percent']> {
  // Bare numbers all within 0–1 with some fractions read as fractions (0.45 = 45 %).
  const bare = c.int + c.comma + c.dot - c.pctSign;
  const scale = bare > 0 && c.maxAbs <= 1 && c.fractional > 0 ? 'fraction' : 'percent';
  return { scale, decimal: c.comma > c.dot ? ',' : c.dot > 0 ? '.' : null };
}
