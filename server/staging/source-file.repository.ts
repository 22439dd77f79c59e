// Migrations and their source files. Every function takes the company and scopes by it.
import type { ColumnRole } from '../actimo/columns.ts';
import type { ColumnProfile } from '../actimo/profile.ts';
import { type Knex, readBool, readId, readJson, readTimestamp, writeJson } from '../db.ts';
import type { ExportKind } from './vocabulary.ts';

export interface Migration {
  id: number;
  companyId: number;
  name: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export type FileStatus = 'staging' | 'staged' | 'failed' | 'kept';

export interface SourceFile {
  id: number;
  migrationId: number;
  name: string;
  sheetName: string | null;
  status: FileStatus;
  kind: ExportKind;
  kindConfidence: number;
  kindEvidence: string[];
  kindOverridden: boolean;
  error: { code: string; message: string } | null;
  encoding: string | null;
  delimiter: string | null;
  headerRowIndex: number | null;
  sha256: string;
  byteSize: number;
  rowCount: number;
  headers: string[];
  columnProfiles: ColumnProfile[];
  columnRoles: ColumnRole[];
  warnings: string[];
  storedPath: string | null;
  createdAt: string;
}

type Row = Record<string, unknown>;

function toMigration(r: Row): Migration {
  return {
    id: readId(r.id),
    companyId: readId(r.company_id),
    name: String(r.name),
    status: String(r.status),
    createdAt: readTimestamp(r.created_at)!,
    updatedAt: readTimestamp(r.updated_at)!,
  };
}

export async function insertMigration(db: Knex, companyId: number, name: string): Promise<Migration> {
  const [row] = await db('migrations')
    .insert({ company_id: companyId, name, status: 'draft' })
    .returning('*');
  return toMigration(row as Row);
}

export async function findMigration(db: Knex, companyId: number, id: number): Promise<Migration | undefined> {
  const row = await db('migrations').where({ company_id: companyId, id }).first();
  return row ? toMigration(row) : undefined;
}

export async function listMigrations(db: Knex, companyId: number): Promise<Migration[]> {
  const rows = await db('migrations').where({ company_id: companyId }).orderBy('id', 'desc');
  return rows.map(toMigration);
}

export async function setMigrationStatus(
  db: Knex,
  companyId: number,
  id: number,
  status: string,
): Promise<void> {
  await db('migrations').where({ company_id: companyId, id }).update({ status, updated_at: db.fn.now() });
}

function toFile(r: Row): SourceFile {
  return {
    id: readId(r.id),
    migrationId: readId(r.migration_id),
    name: String(r.name),
    sheetName: r.sheet_name ? String(r.sheet_name) : null,
    status: r.status as FileStatus,
    kind: r.kind as ExportKind,
    kindConfidence: Number(r.kind_confidence),
    kindEvidence: readJson<string[]>(r.kind_evidence),
    kindOverridden: readBool(r.kind_overridden),
    error: r.error_code ? { code: String(r.error_code), message: String(r.error_message ?? '') } : null,
    encoding: (r.encoding as string | null) ?? null,
    delimiter: (r.delimiter as string | null) ?? null,
    headerRowIndex:
      r.header_row_index === null || r.header_row_index === undefined ? null : Number(r.header_row_index),
    sha256: String(r.sha256),
    byteSize: Number(r.byte_size),
    rowCount: Number(r.row_count),
    headers: readJson<string[]>(r.headers),
    columnProfiles: readJson<ColumnProfile[]>(r.column_profiles),
    columnRoles: readJson<ColumnRole[]>(r.column_roles),
    warnings: readJson<string[]>(r.warnings),
    storedPath: (r.stored_path as string | null) ?? null,
    createdAt: readTimestamp(r.created_at)!,
  };
}

export type NewSourceFile = Pick<SourceFile, 'name' | 'status' | 'kind' | 'sha256' | 'byteSize'> &
  Partial<Omit<SourceFile, 'id' | 'migrationId' | 'createdAt'>>;

function toColumns(f: Partial<SourceFile>): Row {
  const out: Row = {};
  const set = (col: string, v: unknown) => {
    if (v !== undefined) out[col] = v;
  };
  set('name', f.name);
  if (f.sheetName !== undefined) out.sheet_name = f.sheetName ?? '';
  set('status', f.status);
  set('kind', f.kind);
  set('kind_confidence', f.kindConfidence);
  if (f.kindEvidence) out.kind_evidence = writeJson(f.kindEvidence);
  set('kind_overridden', f.kindOverridden);
  if (f.error !== undefined) {
    out.error_code = f.error?.code ?? null;
    out.error_message = f.error?.message ?? null;
  }
  set('encoding', f.encoding);
  set('delimiter', f.delimiter);
  set('header_row_index', f.headerRowIndex);
  set('sha256', f.sha256);
  set('byte_size', f.byteSize);
  set('row_count', f.rowCount);
  if (f.headers) out.headers = writeJson(f.headers);
  if (f.columnProfiles) out.column_profiles = writeJson(f.columnProfiles);
  if (f.columnRoles) out.column_roles = writeJson(f.columnRoles);
  if (f.warnings) out.warnings = writeJson(f.warnings);
  set('stored_path', f.storedPath);
  return out;
}

export async function insertSourceFile(
  db: Knex,
  companyId: number,
  migrationId: number,
  f: NewSourceFile,
): Promise<SourceFile> {
  const [row] = await db('source_files')
    .insert({ company_id: companyId, migration_id: migrationId, ...toColumns(f) })
    .returning('*');
  return toFile(row as Row);
}

export async function updateSourceFile(
  db: Knex,
  companyId: number,
  fileId: number,
  f: Partial<Omit<SourceFile, 'id' | 'migrationId' | 'createdAt'>>,
): Promise<void> {
  await db('source_files').where({ company_id: companyId, id: fileId }).update(toColumns(f));
}

export async function findSourceFile(
  db: Knex,
  companyId: number,
  fileId: number,
): Promise<SourceFile | undefined> {
  const row = await db('source_files').where({ company_id: companyId, id: fileId }).first();
  return row ? toFile(row) : undefined;
}

export async function findFileBySha(
  db: Knex,
  companyId: number,
  migrationId: number,
  sha256: string,
  sheetName: string | null,
): Promise<SourceFile | undefined> {
  const row = await db('source_files')
    .where({ company_id: companyId, migration_id: migrationId, sha256, sheet_name: sheetName ?? '' })
    .first();
  return row ? toFile(row) : undefined;
}

export async function listSourceFiles(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<SourceFile[]> {
  const rows = await db('source_files')
    .where({ company_id: companyId, migration_id: migrationId })
    .orderBy('id');
  return rows.map(toFile);
}

/** Deletes a file record and its rows (a failed or interrupted attempt, before a retry). */
export async function deleteSourceFile(db: Knex, companyId: number, fileId: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('source_rows').where({ company_id: companyId, file_id: fileId }).delete();
    await trx('source_files').where({ company_id: companyId, id: fileId }).delete();
  });
}
