// A file's table, however it was stored: its layout and its data rows, streamed in bounded batches.
import type { TextEncoding } from './decode.ts';
import type { Delimiter } from './layout.ts';

export interface TableLayout {
  /** 'xlsx' for workbooks. */
  encoding: TextEncoding | 'xlsx';
  delimiter: Delimiter | null;
  /** 0-based index of the header row among the file's non-empty records (title lines come before it). */
  headerRowIndex: number;
  headers: string[];
  sheetName: string | null;
  /** Things worth telling the admin that are not errors (skipped title lines, ragged rows…). */
  warnings: string[];
}

export interface TableSource {
  layout: TableLayout;
  /** Data rows in batches; each row is its cells as strings, trailing empty cells dropped. */
  batches: AsyncGenerator<string[][], void, undefined>;
  /** The encoding, final once `batches` is done (a UTF-8/Windows-1252 file is decided at its first non-ASCII byte). */
  finalEncoding(): TableLayout['encoding'];
}

/**
 * Rows per batch handed to the database. 1,000 rather than 5,000: a batch lives until the database has
 * taken it, long enough for V8 to promote its rows to the old generation; smaller batches keep less of
 * that garbage around (about 30–40 MB less peak RSS staging a million users, for ~3 % more CPU).
 */
export const ROW_BATCH = 1000;

/** Drops trailing empty cells (Excel pads rows to the widest one), which keeps stored rows compact. */
export function trimRow(row: string[]): string[] {
  let w = row.length;
  while (w > 0 && row[w - 1] === '') w--;
  return w === row.length ? row : row.slice(0, w);
}
