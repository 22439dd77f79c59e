// Puts the reconciliation report together from what staging and the field map know and, once the engine
// has run, from its facts. Pure.
import {
  type CoverageRow,
  type EngineFacts,
  FINAL_STATES,
  type FinalState,
  histogram,
  type ObjectReport,
  REPORT_ENTITIES,
  type ReconciliationReport,
  type ReportEntity,
} from './model.ts';

export interface StagingFacts {
  migrationId: number;
  migrationName: string;
  /**
   * Rows of the staged exports each object is read from (secondary-company notes have none: they are
   * derived; notes from mapped fields: the rows their values come from).
   */
  sourceRows: Partial<Record<ReportEntity, number>>;
  staged: Record<ReportEntity, number>;
  /** Every column of every staged export, with its destination from the field map. */
  columns: Array<Omit<CoverageRow, 'populatedPct' | 'verifiedPct'>>;
  /** The engagement scores of the staged persons (one per person that has one). */
  sourceEngagement: number[];
  downloads: ReconciliationReport['downloads'];
}

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export function buildReport(s: StagingFacts, engine: EngineFacts | null, now: Date): ReconciliationReport {
  const ran = engine !== null && engine.runs.length > 0;
  const objects: ObjectReport[] = REPORT_ENTITIES.map((entity) => {
    const rows = s.sourceRows[entity];
    const staged = s.staged[entity];
    const counts = ran ? engine.objects[entity] : undefined;
    let states: Record<FinalState, number> | null = null;
    if (ran) {
      states = Object.fromEntries(FINAL_STATES.map((st) => [st, counts?.states[st] ?? 0])) as Record<
        FinalState,
        number
      >;
      // Staged records the engine has no row for yet were not planned in any run.
      if (!counts) states.not_run = staged;
    }
    return {
      entity,
      sourceRows: rows ?? null,
      mergedRows: rows === undefined ? null : rows - staged,
      staged,
      states,
      reasons: ran ? (counts?.reasons ?? { skipped: {}, failed: {} }) : null,
    };
  });
  const coverage: CoverageRow[] = s.columns.map((c) => {
    const v = ran && c.target ? engine.verified[c.target] : undefined;
    return {
      ...c,
      populatedPct: pct(c.populated, c.rows),
      verifiedPct: !ran || !c.target ? null : v && v.written > 0 ? pct(v.verified, v.written) : null,
    };
  });
  let totals: ReconciliationReport['totals'] = null;
  if (ran) {
    const starts = engine.runs.map((r) => r.startedAt).filter((x): x is string => x !== null);
    const ends = engine.runs.map((r) => r.finishedAt).filter((x): x is string => x !== null);
    const durationMs = engine.runs.reduce<number | null>((sum, r) => {
      if (!r.startedAt || !r.finishedAt) return sum;
      return (sum ?? 0) + (Date.parse(r.finishedAt) - Date.parse(r.startedAt));
    }, null);
    totals = {
      requests: engine.runs.reduce((n, r) => n + r.requests, 0),
      tokens: engine.runs.reduce((n, r) => n + r.tokens, 0),
      durationMs: starts.length && ends.length ? durationMs : null,
    };
  }
  return {
    migrationId: s.migrationId,
    migrationName: s.migrationName,
    generatedAt: now.toISOString(),
    runs: ran ? engine.runs : [],
    totals,
    objects,
    owners: ran ? engine.owners : null,
    coverage,
    mismatches: ran ? engine.mismatches : null,
    engagement: {
      source: histogram(s.sourceEngagement),
      migrated: ran ? histogram(engine.migratedEngagement) : null,
    },
    downloads: s.downloads,
  };
}
