// The staging use cases the HTTP API and the CLI share: create a migration, stage files into it (then
// consolidate), list what was recognised, override a file's kind, list staged records with issues.
import path from 'node:path';
import { proposeColumnRoles } from '../actimo/columns.ts';
import type { Knex } from '../db.ts';
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import { companyDataDir } from '../tenants/company-files.ts';
import { type ConsolidationSummary, consolidate, summarise } from './consolidate.service.ts';
import { type FileResult, Ingest, type InputFile, type StagingSettings } from './ingest.service.ts';
import {
  emptyTotals,
  type FileIssueCount,
  issueCountsByFile,
  type MigrationTotals,
  migrationTotals,
} from './overview.repository.ts';
import {
  findMigration,
  findSourceFile,
  insertMigration,
  listMigrations,
  listSourceFiles,
  type Migration,
  type SourceFile,
  updateSourceFile,
} from './source-file.repository.ts';
import { listMemberships, listStaged, type StagedQuery } from './staged.repository.ts';
import { EXPORT_KINDS, type ExportKind, isTabularKind } from './vocabulary.ts';

export interface StageResult {
  migrationId: number;
  files: FileResult[];
  summary: ConsolidationSummary;
}

export type MigrationOverview = Migration & MigrationTotals;

/** A source file with the issues found in its rows. */
export type SourceFileWithIssues = SourceFile & { issues: FileIssueCount[] };

export class StagingService {
  constructor(
    private readonly db: Knex,
    private readonly settings: StagingSettings,
  ) {}

  /** The company's own folder: its uploads, attachments and temporary files never mix with another's. */
  private settingsFor(companyId: number): StagingSettings {
    return { ...this.settings, dataDir: companyDataDir(this.settings.dataDir, companyId) };
  }

  private tempDir(companyId: number): string {
    return path.join(companyDataDir(this.settings.dataDir, companyId), 'tmp');
  }

  async createMigration(companyId: number, name?: string): Promise<Migration> {
    const clean = (name ?? '').trim();
    if (clean.length > 255)
      throw new ValidationError('invalid_name', 'A migration name is at most 255 characters.');
    return insertMigration(
      this.db,
      companyId,
      clean || `Actimo migration ${new Date().toISOString().slice(0, 10)}`,
    );
  }

  async migration(companyId: number, migrationId: number): Promise<Migration> {
    const m = await findMigration(this.db, companyId, migrationId);
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
    return m;
  }

  listMigrations(companyId: number): Promise<Migration[]> {
    return listMigrations(this.db, companyId);
  }

  /** The company's migrations, newest first, each with its file, staged-record and issue totals. */
  async overviews(companyId: number): Promise<MigrationOverview[]> {
    const migrations = await listMigrations(this.db, companyId);
    const totals = await migrationTotals(this.db, companyId);
    return migrations.map((m) => ({ ...m, ...(totals.get(m.id) ?? emptyTotals()) }));
  }

  /** Stages the inputs (each one's failure is reported in its result) and re-consolidates the migration. */
  async stage(
    companyId: number,
    migrationId: number,
    inputs: readonly InputFile[],
    onRows?: (file: string, rows: number) => void,
  ): Promise<StageResult> {
    await this.migration(companyId, migrationId);
    const files = await new Ingest(
      this.db,
      this.settingsFor(companyId),
      companyId,
      migrationId,
      onRows,
    ).stageAll(inputs);
    const changed = files.some((f) => !f.alreadyStaged && f.status !== 'failed');
    const summary = changed
      ? await consolidate(this.db, companyId, migrationId, { tempDir: this.tempDir(companyId) })
      : await summarise(this.db, companyId, migrationId);
    return { migrationId, files, summary };
  }

  async files(companyId: number, migrationId: number): Promise<SourceFile[]> {
    await this.migration(companyId, migrationId);
    return listSourceFiles(this.db, companyId, migrationId);
  }

  /** The migration's files, each with the issues whose offending value is in that file. */
  async filesWithIssues(companyId: number, migrationId: number): Promise<SourceFileWithIssues[]> {
    const files = await this.files(companyId, migrationId);
    const issues = await issueCountsByFile(this.db, companyId, migrationId);
    return files.map((f) => ({ ...f, issues: issues.get(f.id) ?? [] }));
  }

  /** The admin says what a file is: its column roles are proposed again for that kind and the migration re-consolidated. */
  async overrideKind(
    companyId: number,
    migrationId: number,
    fileId: number,
    kind: string,
  ): Promise<SourceFile> {
    if (!(EXPORT_KINDS as readonly string[]).includes(kind) || kind === 'attachment') {
      throw new ValidationError(
        'invalid_kind',
        `"${kind}" is not an export kind; use one of ${EXPORT_KINDS.filter((k) => k !== 'attachment').join(', ')}.`,
      );
    }
    const file = await findSourceFile(this.db, companyId, fileId);
    if (!file || file.migrationId !== migrationId)
      throw new NotFoundError('file_not_found', `File ${fileId} is not in migration ${migrationId}.`);
    if (file.status !== 'staged' && isTabularKind(kind)) {
      throw new AppError(
        'unsupported',
        'file_not_tabular',
        `${file.name} was not read as a table (${file.status}), so it cannot be a ${kind} export.`,
      );
    }
    const roles = isTabularKind(kind) ? proposeColumnRoles(kind, file.columnProfiles) : [];
    const change = {
      kind: kind as ExportKind,
      kindConfidence: 1,
      kindOverridden: true,
      kindEvidence: [...file.kindEvidence, `set to ${kind} by the admin`],
      columnRoles: roles,
    };
    await updateSourceFile(this.db, companyId, fileId, change);
    await consolidate(this.db, companyId, migrationId, { tempDir: this.tempDir(companyId) });
    return { ...file, ...change };
  }

  async staged(companyId: number, migrationId: number, q: StagedQuery) {
    await this.migration(companyId, migrationId);
    return listStaged(this.db, companyId, migrationId, q);
  }

  /** Person–organization links, all or one person's (the primary one links the Person). */
  async memberships(companyId: number, migrationId: number, personId?: string) {
    await this.migration(companyId, migrationId);
    return listMemberships(this.db, companyId, migrationId, personId);
  }

  async summary(companyId: number, migrationId: number): Promise<ConsolidationSummary> {
    await this.migration(companyId, migrationId);
    return summarise(this.db, companyId, migrationId);
  }
}
