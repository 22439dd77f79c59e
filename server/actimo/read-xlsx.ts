// Streaming XLSX reading (exceljs' WorkbookReader): admins often open an export in Excel and save it
// as a workbook. Every non-empty sheet is one export; the sheet's name is kept so the admin sees which
// sheet fed what. Cells become the strings a CSV export would have held.
import ExcelJS from 'exceljs';
import { ValidationError } from '../errors.ts';
import { cleanHeaders, findHeaderRow } from './layout.ts';
import { ROW_BATCH, type TableSource, trimRow } from './table.ts';

const HEAD_ROWS = 30;

/** One cell as text: dates as ISO (date only when there is no time), numbers with a dot. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return o.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

function rowCells(row: ExcelJS.Row): string[] {
  const values = row.values as unknown[];
  const out: string[] = [];
  // row.values is 1-based and sparse.
  for (let i = 1; i < values.length; i++) out.push(cellText(values[i]));
  return trimRow(out);
}

/** Yields one table per non-empty sheet; consume each table's batches before asking for the next. */
export async function* readWorkbook(filePath: string, fileName: string): AsyncGenerator<TableSource> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name?: string }).name ?? 'Sheet';
      const rows = (sheet as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
      const head: string[][] = [];
      let done = false;
      while (head.length < HEAD_ROWS) {
        const next = await rows.next();
        if (next.done) {
          done = true;
          break;
        }
        const cells = rowCells(next.value);
        if (cells.some((c) => c.trim() !== '')) head.push(cells);
      }
      if (head.length === 0) continue;
      const headerRowIndex = findHeaderRow(head);
      const headers = cleanHeaders(head[headerRowIndex] ?? []);
      const warnings = [`Read sheet "${name}" of ${fileName}.`];
      if (headerRowIndex > 0) warnings.push(`Skipped ${headerRowIndex} title line(s) above the header row.`);
      let dataRows = 0;
      async function* batches(): AsyncGenerator<string[][]> {
        let batch = head.slice(headerRowIndex + 1);
        dataRows += batch.length;
        while (!done) {
          const next = await rows.next();
          if (next.done) break;
          const cells = rowCells(next.value);
          if (!cells.some((c) => c.trim() !== '')) continue;
          dataRows++;
          batch.push(cells);
          if (batch.length >= ROW_BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
        if (dataRows === 0) {
          throw new ValidationError(
            'header_only',
            `Sheet "${name}" of ${fileName} has a header row but no data rows.`,
            {
              file: fileName,
              sheet: name,
            },
          );
        }
      }
      yield {
        layout: { encoding: 'xlsx', delimiter: null, headerRowIndex, headers, sheetName: name, warnings },
        batches: batches(),
        finalEncoding: () => 'xlsx',
      };
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(
      'unreadable_xlsx',
      `${fileName} is not a readable Excel workbook (${err instanceof Error ? err.message : String(err)}). Save it again from Excel or export it as CSV.`,
      { file: fileName },
    );
  }
}
