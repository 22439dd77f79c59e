// Where the table starts and how it is cut: the delimiter (`,` `;` tab) and the header row (Excel
// reports often put a title line or two above it). Decided from the first records of the file.
import { parse } from 'csv-parse/sync';
import { headerKey } from './header.ts';
import { SYNONYM_INDEX } from './synonyms.ts';

export type Delimiter = ',' | ';' | '\t' | '|';
const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];
/** How many leading records may be title lines. */
const MAX_TITLE_LINES = 10;

/** Parses a text sample leniently; a sample cut inside a quoted field is shortened until it parses. */
export function parseSample(sample: string, delimiter: Delimiter, maxRecords = 60): string[][] {
  let text = sample;
  for (let attempt = 0; attempt < 8 && text.length > 0; attempt++) {
    try {
      return parse(text, {
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        to: maxRecords,
      });
    } catch {
      const cut = text.lastIndexOf('\n', Math.floor(text.length * 0.6));
      text = cut > 0 ? text.slice(0, cut) : '';
    }
  }
  return [];
}

/** The delimiter that cuts the sample into the most consistent multi-column records. */
export function detectDelimiter(sample: string): Delimiter {
  let best: { d: Delimiter; score: number } = { d: ',', score: 0 };
  for (const d of DELIMITERS) {
    if (!sample.includes(d)) continue;
    const records = parseSample(sample, d).slice(0, 40);
    const counts = new Map<number, number>();
    // Raw widths: a row with trailing empty cells is as wide as the others (trimming them would make a
    // delimiter that also appears inside values, like the comma of "72,5", look more consistent).
    for (const r of records) {
      if (r.length > 1) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    }
    // Score: rows sharing the most common width, times that width (more columns = a real cut).
    let score = 0;
    for (const [width, n] of counts) score = Math.max(score, n * 1000 + width);
    if (score > best.score) best = { d, score };
  }
  return best.d;
}

function nonEmptyWidth(r: readonly string[]): number {
  let w = r.length;
  while (w > 0 && (r[w - 1] ?? '').trim() === '') w--;
  return w;
}

/**
 * Index of the header row among the first records: the first one that is as wide as the data under it
 * and reads like headers (mostly words, not numbers, dates or emails), preferring known header names.
 */
export function findHeaderRow(records: readonly (readonly string[])[]): number {
  const candidates = records.slice(0, MAX_TITLE_LINES + 1);
  const widths = records.slice(0, MAX_TITLE_LINES + 20).map(nonEmptyWidth);
  const typical = Math.max(0, ...widths);
  let best = { index: 0, score: -1 };
  candidates.forEach((r, index) => {
    const cells = r.slice(0, nonEmptyWidth(r)).map((c) => c.trim());
    const filled = cells.filter((c) => c !== '');
    if (filled.length < Math.max(1, Math.ceil(typical * 0.6))) return;
    const wordy = filled.filter((c) => /[A-Za-zÆØÅæøå]/.test(c) && !/@|^\d|^[+-]?\d/.test(c)).length;
    if (wordy / filled.length < 0.6) return;
    const unique = new Set(filled.map(headerKey)).size === filled.length;
    const known = filled.filter((c) => SYNONYM_INDEX.has(headerKey(c))).length;
    const score = known * 10 + wordy + (unique ? 5 : 0) - index * 0.5;
    if (score > best.score) best = { index, score };
  });
  return best.index;
}

/** Header cells with trailing empty columns dropped, and blank or repeated names made unique. */
export function cleanHeaders(row: readonly string[]): string[] {
  const width = nonEmptyWidth(row);
  const seen = new Map<string, number>();
  return row.slice(0, width).map((raw, i) => {
    const name = raw.trim() === '' ? `Column ${i + 1}` : raw.trim();
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}
