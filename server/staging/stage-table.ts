// One table (a CSV file or a workbook sheet) into the database: its rows streamed into source_rows in one
// transaction, profiled on the way, then recognised. A failure rolls the rows back and marks the file
// failed with the error, so nothing half-staged is left and the migration's other files stay intact.
import { proposeColumnRoles } from '../actimo/columns.ts';
import { detectKind } from '../actimo/detect.ts';
import { ColumnProfiler } from '../actimo/profile.ts';
import type { TableSource } from '../actimo/table.ts';
import type { Knex } from '../db.ts';
import { isAppError } from '../errors.ts';
import { insertSourceFile, type SourceFile, updateSourceFile } from './source-file.repository.ts';
import { openRowSink } from './source-rows.repository.ts';
import { isTabularKind } from './vocabulary.ts';

export interface TableInput {
  name: string;
  sha256: string;
  byteSize: number;
  storedPath: string | null;
}

export async function stageTable(
  db: Knex,
  companyId: number,
  migrationId: number,
  input: TableInput,
  table: TableSource,
  onRows?: (file: string, rows: number) => void,
): Promise<SourceFile> {
  const { layout } = table;
  const file = await insertSourceFile(db, companyId, migrationId, {
    name: input.name,
    sheetName: layout.sheetName,
    status: 'staging',
    kind: 'unknown',
    sha256: input.sha256,
    byteSize: input.byteSize,
    storedPath: input.storedPath,
  });
  const profiler = new ColumnProfiler(layout.headers);
  let rowCount = 0;
  try {
    const sink = await openRowSink(db, companyId, file.id);
    // One batch in flight: the database stores batch N (in its own thread or process) while this
    // thread parses batch N+1. Waiting for it before sending the next keeps memory bounded.
    let inflight: Promise<void> = Promise.resolve();
    try {
      for await (const batch of table.batches) {
        for (const cells of batch) profiler.add(cells);
        const first = rowCount + 1;
        rowCount += batch.length;
        onRows?.(input.name, rowCount);
        await inflight;
        inflight = sink.write(first, batch);
        inflight.catch(() => undefined);
      }
      await inflight;
      await sink.commit();
    } catch (err) {
      await sink.rollback();
      throw err;
    }
  } catch (err) {
    const error = isAppError(err)
      ? { code: err.code, message: err.message }
      : {
          code: 'staging_failed',
          message: `${input.name} could not be staged: ${err instanceof Error ? err.message : String(err)}`,
        };
    await updateSourceFile(db, companyId, file.id, {
      status: 'failed',
      error,
      encoding: table.finalEncoding(),
      delimiter: layout.delimiter,
      headerRowIndex: layout.headerRowIndex,
      headers: layout.headers,
    });
    throw err;
  }
  const profiles = profiler.result();
  const detection = detectKind(input.name, layout.headers, profiles);
  const roles = isTabularKind(detection.kind) ? proposeColumnRoles(detection.kind, profiles) : [];
  const done: Partial<SourceFile> = {
    status: 'staged',
    kind: detection.kind,
    kindConfidence: detection.confidence,
    kindEvidence: detection.evidence,
    encoding: table.finalEncoding(),
    delimiter: layout.delimiter,
    headerRowIndex: layout.headerRowIndex,
    rowCount,
    headers: layout.headers,
    columnProfiles: profiles,
    columnRoles: roles,
    warnings: layout.warnings,
  };
  await updateSourceFile(db, companyId, file.id, done);
  return { ...file, ...done } as SourceFile;
}
