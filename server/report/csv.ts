// The one writer for every CSV file we hand back (skip files, report tables). It neutralises cells that a
// spreadsheet would read as a formula (OWASP CSV injection: a leading = + - @ tab or carriage return gets
// a single quote in front), through csv-stringify's `escape_formulas`. Only files we hand back go through
// it: values sent to Pipedrive keep their leading + = - @ (they are data: phone numbers, job titles).
import { stringify } from 'csv-stringify/sync';

/** A cell: written as text; null and undefined are empty cells. */
export type CsvCell = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** `,` unless given (a skip file uses the delimiter of the export it came from). */
  delimiter?: string;
  /** Prefix a UTF-8 byte-order mark, so Excel opens æ ø å correctly. Default true. */
  bom?: boolean;
}

/** Leading characters a spreadsheet treats as the start of a formula (OWASP). */
export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'] as const;

/** The value a cell holds once neutralised: what `toCsv` writes for it (before quoting). */
export function neutralise(value: string): string {
  return value.length > 0 && (FORMULA_TRIGGERS as readonly string[]).includes(value[0]!)
    ? `'${value}`
    : value;
}

const text = (v: CsvCell): string => (v === null || v === undefined ? '' : String(v));

/**
 * A whole CSV document: a header row, then the rows, CRLF line ends (what Excel and our own reader
 * expect), every cell neutralised and quoted where it holds the delimiter, a quote or a line break.
 */
export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
  o: CsvOptions = {},
): string {
  const records: string[][] = [header.map((h) => text(h))];
  for (const row of rows) records.push(row.map(text));
  return stringify(records, {
    delimiter: o.delimiter ?? ',',
    record_delimiter: '\r\n',
    escape_formulas: true,
    // csv-stringify quotes a cell holding the whole record delimiter (CRLF), but not a lone LF or CR,
    // which every reader takes as the end of a row: quote those too.
    quoted_match: /[\r\n]/,
    bom: o.bom ?? true,
  });
}
