// Staging uploads into a migration: recognise each input (CSV/TSV text, XLSX workbook, zip, JSON
// document, attachment), read it, and store it with provenance. Files are known by sha256, so staging the
// same files again is a no-op. One file failing never touches the others.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectDocumentKind, kindFromFileName } from '../actimo/detect.ts';
import { readDelimited } from '../actimo/read-delimited.ts';
import { readWorkbook } from '../actimo/read-xlsx.ts';
import { walkZip, type ZipLimits } from '../actimo/unzip.ts';
import type { Knex } from '../db.ts';
import { AppError, type ErrorKind, isAppError } from '../errors.ts';
import { readHead, sha256File, storeContent, writeTemp } from './file-store.ts';
import {
  deleteSourceFile,
  findFileBySha,
  insertSourceFile,
  listSourceFiles,
  type SourceFile,
} from './source-file.repository.ts';
import { stageTable, type TableInput } from './stage-table.ts';
import type { ExportKind } from './vocabulary.ts';

export interface StagingSettings {
  dataDir: string;
  maxFileBytes: number;
  zip: ZipLimits;
}

export interface InputFile {
  /** The name the admin knows it by (path inside a zip included). */
  name: string;
  path: string;
  sha256?: string;
  size?: number;
  /** Where the bytes are kept after staging (an upload's content-addressed copy); null = nowhere. */
  storedPath?: string | null;
}

export interface FileResult {
  fileId: number | null;
  name: string;
  sheetName: string | null;
  kind: ExportKind;
  kindConfidence: number;
  status: 'staged' | 'kept' | 'failed';
  rows: number;
  encoding: string | null;
  delimiter: string | null;
  alreadyStaged: boolean;
  error: { kind: ErrorKind; code: string; message: string } | null;
}

const TEXT_EXT = /\.(csv|tsv|txt|tab)$/i;
const XLSX_EXT = /\.(xlsx|xlsm)$/i;

function resultOf(f: SourceFile, alreadyStaged: boolean): FileResult {
  return {
    fileId: f.id,
    name: f.name,
    sheetName: f.sheetName,
    kind: f.kind,
    kindConfidence: f.kindConfidence,
    status: f.status === 'staging' ? 'failed' : f.status,
    rows: f.rowCount,
    encoding: f.encoding,
    delimiter: f.delimiter,
    alreadyStaged,
    error: f.error ? { kind: 'validation', ...f.error } : null,
  };
}

function failure(name: string, err: unknown): FileResult {
  const e = isAppError(err)
    ? { kind: err.kind, code: err.code, message: err.message }
    : {
        kind: 'validation' as ErrorKind,
        code: 'staging_failed',
        message: `${name}: ${err instanceof Error ? err.message : String(err)}`,
      };
  return {
    fileId: null,
    name,
    sheetName: null,
    kind: 'unknown',
    kindConfidence: 0,
    status: 'failed',
    rows: 0,
    encoding: null,
    delimiter: null,
    alreadyStaged: false,
    error: e,
  };
}

export class Ingest {
  constructor(
    private readonly db: Knex,
    private readonly settings: StagingSettings,
    private readonly companyId: number,
    private readonly migrationId: number,
    /** Called as rows are stored (the CLI's progress bar). */
    private readonly onRows?: (file: string, rows: number) => void,
  ) {}

  /** Stages every input; each gets a result, failures included (they never stop the others). */
  async stageAll(inputs: readonly InputFile[]): Promise<FileResult[]> {
    const results: FileResult[] = [];
    for (const input of inputs) results.push(...(await this.stageOne(input)));
    return results;
  }

  private async stageOne(input: InputFile): Promise<FileResult[]> {
    let base: TableInput | undefined;
    try {
      const size = input.size ?? (await stat(input.path)).size;
      if (size > this.settings.maxFileBytes) {
        throw new AppError(
          'too_large',
          'file_too_large',
          `${input.name} is ${size} bytes, over the ${this.settings.maxFileBytes}-byte limit (UPLOAD_MAX_BYTES).`,
        );
      }
      const sha256 = input.sha256 ?? (await sha256File(input.path));
      const known = await this.known(sha256);
      if (known.length > 0) return known.map((f) => resultOf(f, true));
      const head = await readHead(input.path);
      const isZip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
      base = { name: input.name, sha256, byteSize: size, storedPath: input.storedPath ?? null };
      if (isZip) {
        const entries = await walkZip(input.path, input.name, this.settings.zip);
        const workbook = XLSX_EXT.test(input.name) || entries.some((e) => e.name === 'xl/workbook.xml');
        if (workbook) return await this.stageWorkbook(input, base);
        if (/\.zip$/i.test(input.name) || !entries.some((e) => e.name === '[Content_Types].xml')) {
          return await this.stageZip(input);
        }
      }
      const binary =
        head.includes(0) &&
        !(head[0] === 0xff && head[1] === 0xfe) &&
        !(head[0] === 0xfe && head[1] === 0xff);
      // A file named like a document (contract.pdf, photo.jpg) is an attachment whatever its bytes.
      const document =
        /\.[a-z0-9]{1,5}$/i.test(input.name) && !TEXT_EXT.test(input.name) && !/\.json$/i.test(input.name);
      if (isZip || document || (binary && !TEXT_EXT.test(input.name)))
        return [await this.keep(input, base, 'attachment')];
      const doc = detectDocumentKind(input.name, head.toString('utf8', 0, 256));
      if (doc && !TEXT_EXT.test(input.name))
        return [await this.keep(input, base, doc.kind, doc.confidence, doc.evidence)];
      // 1 MiB reads: fewer, larger chunks through the decoder and the parser.
      const table = await readDelimited(createReadStream(input.path, { highWaterMark: 1 << 20 }), input.name);
      return [
        resultOf(
          await stageTable(this.db, this.companyId, this.migrationId, base, table, this.onRows),
          false,
        ),
      ];
    } catch (err) {
      return [await this.recordFailure(input.name, base, err)];
    }
  }

  /** A file that failed before it had a record gets one, so the admin sees it among the migration's files. */
  private async recordFailure(name: string, base: TableInput | undefined, err: unknown): Promise<FileResult> {
    const result = failure(name, err);
    if (!base || !result.error) return result;
    const existing = await findFileBySha(this.db, this.companyId, this.migrationId, base.sha256, null);
    if (existing) return { ...result, fileId: existing.id };
    const f = await insertSourceFile(this.db, this.companyId, this.migrationId, {
      ...base,
      status: 'failed',
      kind: 'unknown',
      error: { code: result.error.code, message: result.error.message },
    });
    return { ...result, fileId: f.id };
  }

  /** Files already in this migration with these bytes; an earlier failed or interrupted try is retried. */
  private async known(sha256: string): Promise<SourceFile[]> {
    const files = (await listSourceFiles(this.db, this.companyId, this.migrationId)).filter(
      (f) => f.sha256 === sha256,
    );
    const done = files.filter((f) => f.status === 'staged' || f.status === 'kept');
    if (done.length > 0) return done;
    for (const f of files) await deleteSourceFile(this.db, this.companyId, f.id);
    return [];
  }

  private async stageWorkbook(
    input: InputFile,
    base: Parameters<typeof stageTable>[3],
  ): Promise<FileResult[]> {
    const out: FileResult[] = [];
    for await (const sheet of readWorkbook(input.path, input.name)) {
      try {
        out.push(
          resultOf(
            await stageTable(this.db, this.companyId, this.migrationId, base, sheet, this.onRows),
            false,
          ),
        );
      } catch (err) {
        // Finish the sheet's stream so the workbook reader can move on to the next sheet.
        for await (const _ of sheet.batches) {
          // drained
        }
        out.push({ ...failure(input.name, err), sheetName: sheet.layout.sheetName });
      }
    }
    if (out.length === 0) {
      out.push(
        failure(
          input.name,
          new AppError('validation', 'empty_file', `${input.name} has no sheet with data.`),
        ),
      );
    }
    return out;
  }

  /** Unpacks each entry to a temporary file (limits enforced while inflating) and stages it as an input. */
  private async stageZip(input: InputFile): Promise<FileResult[]> {
    const out: FileResult[] = [];
    await walkZip(input.path, input.name, this.settings.zip, async (entry, open) => {
      const temp = await writeTemp(this.settings.dataDir, await open());
      try {
        const name = `${input.name}/${entry.name}`;
        if (/\.zip$/i.test(entry.name)) {
          // Nested archives are kept, never unpacked: the limits above could not bound them.
          out.push(
            await this.keep(
              { name, path: temp.path },
              { name, sha256: temp.sha256, byteSize: temp.size, storedPath: null },
              'unknown',
            ),
          );
        } else {
          out.push(
            ...(await this.stageOne({
              name,
              path: temp.path,
              sha256: temp.sha256,
              size: temp.size,
              storedPath: null,
            })),
          );
        }
      } finally {
        await rm(temp.path, { force: true });
      }
    });
    return out;
  }

  /** Keeps a file that is not a table: an attachment, a workflows/integrations document, or an unknown file. */
  private async keep(
    input: InputFile,
    base: { name: string; sha256: string; byteSize: number; storedPath?: string | null },
    kind: ExportKind,
    confidence = 1,
    evidence: string[] = [],
  ): Promise<FileResult> {
    const storedPath = await storeContent(this.settings.dataDir, 'files', input.path, base.sha256, {
      move: false,
      ext: path.extname(input.name).toLowerCase(),
    });
    const hinted = kindFromFileName(input.name);
    const finalKind = kind === 'attachment' && hinted === 'integrations' ? 'integrations' : kind;
    const f = await insertSourceFile(this.db, this.companyId, this.migrationId, {
      ...base,
      status: 'kept',
      kind: finalKind,
      kindConfidence: confidence,
      kindEvidence: evidence.length
        ? evidence
        : [finalKind === 'attachment' ? 'not a table: kept as a file for the files export' : 'kept as it is'],
      storedPath,
    });
    return resultOf(f, false);
  }
}
