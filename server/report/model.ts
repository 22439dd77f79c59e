// The reconciliation report of a migration: records per object and final state with reason codes, owner
// resolution, the field coverage matrix, verification mismatches, requests, tokens and duration, and the
// engagement-score distribution. Two halves: what staging and the field map know now (source rows,
// staged records, % populated, the source's scores), and what the engine's runs know (`EngineFacts`,
// filled from migration_records, the ledger and runs; null while nothing has run, and the report then
// says "no run yet" for those sections). Pure types and the invariant check.

/**
 * Objects the engine writes, in the order it writes them (decision 0006). A person's note is counted on
 * one of two lines: `note` when the person has companies besides its primary one (the note lists them,
 * plus any mapped values), `mapped_note` when it has none and the note holds only values the field map
 * sends to a note ("notes from mapped fields").
 */
export const REPORT_ENTITIES = ['organization', 'person', 'note', 'mapped_note', 'file', 'activity'] as const;
export type ReportEntity = (typeof REPORT_ENTITIES)[number];

/** Final states of a staged record after the runs. `not_run`: planned, pending or unknown so far. */
export const FINAL_STATES = ['created', 'updated', 'skipped', 'failed', 'rolled_back', 'not_run'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

/** The engine's counts for one object: every staged record in exactly one final state. */
export interface EngineObjectCounts {
  states: Record<FinalState, number>;
  /** Reason codes of skipped and failed records (e.g. `duplicate_in_pipedrive`, `http_400`). */
  reasons: { skipped: Record<string, number>; failed: Record<string, number> };
}

export interface OwnerResolution {
  /** Owner e-mails found among the Pipedrive users (lower case), with the user and the records they own. */
  matched: Array<{ email: string; userId: number | null; records: number }>;
  /**
   * Owner e-mails of the Actimo export that matched no user (lower case; null: the export named no owner),
   * with the records that went to the default owner instead (`fallbackUserId`, the connection's user).
   */
  defaulted: Array<{ email: string | null; records: number; fallbackUserId: number | null }>;
  /** Records whose owner matched a user or went to the default owner (the sums of the lists); null: not recorded. */
  counts?: { matched: number; defaulted: number } | null;
  /** Why the per-e-mail lists are empty although records were written (absent: they are complete). */
  unavailable?: string;
}

export interface Mismatch {
  entity: ReportEntity;
  actimoKey: string;
  pipedriveId: number | null;
  /** Our logical field and the Pipedrive key it was written to. */
  field: string;
  target: string;
  sent: string | null;
  readBack: string | null;
}

/** What the engine knows; the lead fills it from the engine's tables when the engine lands. */
export interface EngineFacts {
  runs: Array<{
    id: number;
    kind: string;
    status: string;
    startedAt: string | null;
    finishedAt: string | null;
    requests: number;
    tokens: number;
  }>;
  objects: Partial<Record<ReportEntity, EngineObjectCounts>>;
  owners: OwnerResolution;
  /** Per destination (`person.email`, `organization.domain`…): records written and verified by read-back. */
  verified: Record<string, { written: number; verified: number }>;
  mismatches: Mismatch[];
  /** Engagement scores as written to Pipedrive (one per person). */
  migratedEngagement: number[];
}

export interface Histogram {
  /** Ten bins over 0–100: [0,10), [10,20) … [90,100]. */
  bins: Array<{ from: number; to: number; count: number }>;
  total: number;
  /** Scores outside 0–100 (counted, not binned). */
  outside: number;
}

export interface ObjectReport {
  entity: ReportEntity;
  /**
   * Rows in the exports this object is read from; null for derived objects (secondary-company notes). For
   * notes from mapped fields: the rows holding the values the map sends to those notes.
   */
  sourceRows: number | null;
  /** Rows folded into a newer row of the same Actimo id (newest wins). */
  mergedRows: number | null;
  /** Records after consolidation (one per Actimo id; a row without an id is a record of its own). */
  staged: number;
  /** Null: no run yet. */
  states: Record<FinalState, number> | null;
  reasons: EngineObjectCounts['reasons'] | null;
}

export interface CoverageRow {
  fileId: number;
  fileName: string;
  kind: string;
  column: number;
  header: string;
  /** Where it lands, in words ("Person · Email", "not migrated: no destination"). */
  destination: string;
  /** `entity.field` of the destination, when it has one. */
  target: string | null;
  rows: number;
  populated: number;
  /** 0–100, one decimal. */
  populatedPct: number;
  /** 0–100, one decimal: of the records written, the share whose value read back equal. Null: no run yet. */
  verifiedPct: number | null;
}

export interface ReconciliationReport {
  migrationId: number;
  migrationName: string;
  generatedAt: string;
  /** The runs the engine counts come from; empty: no run yet. */
  runs: EngineFacts['runs'];
  totals: { requests: number; tokens: number; durationMs: number | null } | null;
  objects: ObjectReport[];
  owners: OwnerResolution | null;
  coverage: CoverageRow[];
  mismatches: Mismatch[] | null;
  engagement: { source: Histogram; migrated: Histogram | null };
  /** The rebuild artifacts and the schema document, downloadable from the report. */
  downloads: Array<{ name: string; title: string; url: string; available: boolean }>;
}

export interface InvariantViolation {
  entity: ReportEntity;
  message: string;
}

/**
 * Every source row is in exactly one final state: rows = merged + staged with no record lacking a row,
 * and once a run exists, every staged record is in exactly one of the final states (and the reason codes
 * of skips and failures count them all). Returns what does not add up (empty: it adds up).
 */
export function checkInvariant(report: ReconciliationReport): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  for (const o of report.objects) {
    if (o.mergedRows !== null && o.mergedRows < 0)
      out.push({
        entity: o.entity,
        message: `${o.staged} staged records from ${o.sourceRows} source rows: a record without a source row`,
      });
    if (o.sourceRows !== null && o.mergedRows !== null && o.sourceRows !== o.mergedRows + o.staged)
      out.push({
        entity: o.entity,
        message: `${o.sourceRows} source rows, but ${o.mergedRows} merged + ${o.staged} staged = ${o.mergedRows + o.staged}`,
      });
    if (o.states) {
      const sum = FINAL_STATES.reduce((n, s) => n + o.states![s], 0);
      if (sum !== o.staged)
        out.push({
          entity: o.entity,
          message: `${o.staged} staged records, but the final states add up to ${sum}`,
        });
      for (const s of FINAL_STATES)
        if (o.states[s] < 0)
          out.push({ entity: o.entity, message: `a negative count of ${s}: ${o.states[s]}` });
      for (const kind of ['skipped', 'failed'] as const) {
        const reasons = Object.values(o.reasons?.[kind] ?? {}).reduce((n, v) => n + v, 0);
        if (reasons !== o.states[kind])
          out.push({
            entity: o.entity,
            message: `${o.states[kind]} ${kind}, but their reason codes count ${reasons}`,
          });
      }
    }
  }
  return out;
}

export function histogram(scores: Iterable<number>): Histogram {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  let total = 0;
  let outside = 0;
  for (const s of scores) {
    total++;
    if (!Number.isFinite(s) || s < 0 || s > 100) {
      outside++;
      continue;
    }
    bins[Math.min(9, Math.floor(s / 10))]!.count++;
  }
  return { bins, total, outside };
}
