// The skip file: every source row the migration did not write (skipped or failed), as the original row
// under the original header, plus the reason code and its explanation, written through the safe CSV
// writer. One file per source export, with that export's header and delimiter, so the admin can fix the
// rows and upload the file again: the rows keep their Actimo ids, so a re-run updates instead of
// duplicating, and the two extra columns map nowhere. Pure.
import { toCsv } from './csv.ts';

export interface SkippedRow {
  /** 1-based data row of the source file. */
  row: number;
  cells: readonly string[];
  reason: string;
  detail: string | null;
}

export const SKIP_COLUMNS = ['Skip reason', 'Skip detail'] as const;

export function skipCsv(headers: readonly string[], rows: readonly SkippedRow[], delimiter = ','): string {
  const width = Math.max(headers.length, ...rows.map((r) => r.cells.length));
  const header = [
    ...headers,
    ...Array.from({ length: width - headers.length }, (_, i) => `Column ${headers.length + i + 1}`),
  ];
  const ordered = [...rows].sort((a, b) => a.row - b.row);
  return toCsv(
    [...header, ...SKIP_COLUMNS],
    ordered.map((r) => [
      ...r.cells,
      ...Array.from({ length: width - r.cells.length }, () => ''),
      r.reason,
      r.detail ?? '',
    ]),
    { delimiter },
  );
}
