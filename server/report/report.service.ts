// The reconciliation report of a migration, and its skip files. The staging half is read here (source
// rows, staged records, the field map's destinations and % populated, the source's engagement scores);
// the engine half comes from an `EngineFactsSource` (the engine's tables, wired by the composition root).
// Without a source, or before any run, the engine sections say "no run yet".
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { MappingService } from '../mapping/map.service.ts';
import { findMigration, listSourceFiles } from '../staging/source-file.repository.ts';
import type { ArtifactsService } from './artifacts.service.ts';
import { buildReport, type StagingFacts } from './build.ts';
import type { EngineFacts, ReconciliationReport } from './model.ts';
import {
  mappedNotes,
  type StagedEntity,
  sourceRowsByNumber,
  stagedCounts,
  stagedEngagementScores,
  stagedRowsOf,
} from './report.repository.ts';
import { type SkippedRow, skipCsv } from './skip-csv.ts';

/** A staged record the engine did not write: skipped or failed, with its reason code. */
export interface SkippedRecord {
  entity: StagedEntity;
  /** The staged record's Actimo id (`staged_*.actimo_id`). */
  actimoId: string;
  reason: string;
  detail: string | null;
}

/** What the engine knows about a migration; null facts: no run yet. */
export interface EngineFactsSource {
  facts(companyId: number, migrationId: number): Promise<EngineFacts | null>;
  skipped(companyId: number, migrationId: number): Promise<SkippedRecord[]>;
}

const KIND_OF: Record<StagedEntity, string> = {
  person: 'users',
  organization: 'companies',
  activity: 'activities',
  file: 'files',
};

export class ReportService {
  constructor(
    private readonly d: {
      db: Knex;
      clock: Clock;
      maps: MappingService;
      artifacts: ArtifactsService;
      /** The engine's facts; absent until the engine is wired. */
      engine?: EngineFactsSource;
    },
  ) {}

  private async migration(companyId: number, migrationId: number) {
    const m = await findMigration(this.d.db, companyId, migrationId);
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
    return m;
  }

  /** What staging and the field map know. */
  async stagingFacts(companyId: number, migrationId: number, userId: number | null): Promise<StagingFacts> {
    const m = await this.migration(companyId, migrationId);
    const db = this.d.db;
    const files = (await listSourceFiles(db, companyId, migrationId)).filter((f) => f.status === 'staged');
    const sourceRows: StagingFacts['sourceRows'] = {};
    for (const [entity, kind] of Object.entries(KIND_OF) as Array<[StagedEntity, string]>) {
      const of = files.filter((f) => f.kind === kind);
      if (of.length) sourceRows[entity] = of.reduce((n, f) => n + f.rowCount, 0);
    }
    const mapped = await mappedNotes(db, companyId, migrationId);
    if (sourceRows.person !== undefined) sourceRows.mapped_note = mapped.sourceRows;
    const staged = await stagedCounts(db, companyId, migrationId, mapped.persons.length);
    const columns: StagingFacts['columns'] = [];
    if (files.length) {
      const view = await this.d.maps.view(companyId, migrationId, userId);
      for (const f of view.files) {
        const rows = files.find((x) => x.id === f.fileId)?.rowCount ?? 0;
        for (const c of f.columns) {
          const feed = c.feeds.find((x) => x.entity && x.target);
          columns.push({
            fileId: f.fileId,
            fileName: f.name,
            kind: f.kind,
            column: c.column,
            header: c.header,
            destination: c.destination,
            target: feed ? `${feed.entity}.${feed.target}` : null,
            rows,
            populated: c.profile?.nonEmpty ?? 0,
          });
        }
      }
    }
    const sourceEngagement = await stagedEngagementScores(db, companyId, migrationId);
    const downloads = (await this.d.artifacts.list(companyId, migrationId)).artifacts.map((a) => ({
      name: a.name,
      title: a.title,
      url: a.url,
      available: a.available,
    }));
    return { migrationId, migrationName: m.name, sourceRows, staged, columns, sourceEngagement, downloads };
  }

  async report(companyId: number, migrationId: number, userId: number | null): Promise<ReconciliationReport> {
    const staging = await this.stagingFacts(companyId, migrationId, userId);
    const engine = this.d.engine ? await this.d.engine.facts(companyId, migrationId) : null;
    return buildReport(staging, engine, new Date(this.d.clock.now()));
  }

  /**
   * The skip files: per source export, its rows that were skipped or failed, under its own header.
   * Before any run there is nothing to list: a `no_run_yet` conflict.
   */
  async skipFiles(
    companyId: number,
    migrationId: number,
  ): Promise<Array<{ fileId: number; fileName: string; csv: string; rows: number }>> {
    await this.migration(companyId, migrationId);
    const facts = this.d.engine ? await this.d.engine.facts(companyId, migrationId) : null;
    if (!facts || facts.runs.length === 0)
      throw new AppError(
        'conflict',
        'no_run_yet',
        `Migration ${migrationId} has not run yet: no row was skipped.`,
      );
    const skipped = await this.d.engine!.skipped(companyId, migrationId);
    const db = this.d.db;
    // Where each skipped record's source row is: the file and row its Actimo id came from.
    const wanted = new Map<number, Map<number, SkippedRecord>>();
    for (const entity of ['organization', 'person', 'file', 'activity'] as const) {
      const of = skipped.filter((s) => s.entity === entity);
      if (of.length === 0) continue;
      const where = await stagedRowsOf(
        db,
        companyId,
        migrationId,
        entity,
        of.map((s) => s.actimoId),
      );
      for (const s of of) {
        const at = where.get(s.actimoId);
        if (!at)
          throw new AppError(
            'conflict',
            'skipped_record_not_staged',
            `${entity} ${s.actimoId} is not staged in migration ${migrationId}: re-stage before reading the skip files.`,
          );
        const rowsOf = wanted.get(at.fileId) ?? new Map<number, SkippedRecord>();
        rowsOf.set(at.row, s);
        wanted.set(at.fileId, rowsOf);
      }
    }
    const byFile = new Map<number, SkippedRow[]>();
    for (const [fileId, rowsOf] of wanted) {
      const cells = await sourceRowsByNumber(db, companyId, fileId, [...rowsOf.keys()]);
      byFile.set(
        fileId,
        [...rowsOf].map(([row, s]) => {
          const found = cells.get(row);
          if (!found)
            throw new AppError(
              'conflict',
              'source_row_missing',
              `Row ${row} of file ${fileId} is no longer stored.`,
            );
          return { row, cells: found, reason: s.reason, detail: s.detail };
        }),
      );
    }
    const files = await listSourceFiles(db, companyId, migrationId);
    return [...byFile.entries()].map(([fileId, rows]) => {
      const f = files.find((x) => x.id === fileId)!;
      return {
        fileId,
        fileName: `skipped-${path.basename(f.name).replace(/\.[^.]+$/, '')}${f.sheetName ? `-${f.sheetName}` : ''}.csv`,
        csv: skipCsv(f.headers, rows, f.delimiter ?? ','),
        rows: rows.length,
      };
    });
  }
}
