// From the engine's records to the report's counts: the rule that puts every migration record in exactly
// one final state (decision 0006's `migration_records`: action create | merge | skip, state planned |
// pending | done | failed | unknown | skipped, plus whether a rollback undid it). The lead's adapter reads
// the rows and calls `objectCounts`; the rule lives here so the report and its invariant agree. Pure.
import {
  type EngineObjectCounts,
  FINAL_STATES,
  type FinalState,
  REPORT_ENTITIES,
  type ReportEntity,
} from './model.ts';

export interface EngineRecordRow {
  entity: string;
  action: string;
  state: string;
  reasonCode: string | null;
  errorCode: string | null;
  /** A rollback deleted what we created, or restored what we updated. */
  rolledBack: boolean;
}

export function finalStateOf(r: EngineRecordRow): FinalState {
  if (r.rolledBack) return 'rolled_back';
  if (r.action === 'skip' || r.state === 'skipped') return 'skipped';
  if (r.state === 'failed') return 'failed';
  if (r.state === 'done') return r.action === 'merge' ? 'updated' : 'created';
  return 'not_run';
}

/** Counts per object; a skip without a reason code counts as `unspecified`, a failure without one as `unknown_error`. */
export function objectCounts(
  rows: Iterable<EngineRecordRow>,
): Partial<Record<ReportEntity, EngineObjectCounts>> {
  const out: Partial<Record<ReportEntity, EngineObjectCounts>> = {};
  for (const r of rows) {
    if (!(REPORT_ENTITIES as readonly string[]).includes(r.entity))
      throw new Error(`Unknown migration record entity "${r.entity}"`);
    const entity = r.entity as ReportEntity;
    const c = out[entity] ?? {
      states: Object.fromEntries(FINAL_STATES.map((s) => [s, 0])) as Record<FinalState, number>,
      reasons: { skipped: {}, failed: {} },
    };
    out[entity] = c;
    const state = finalStateOf(r);
    c.states[state]++;
    if (state === 'skipped') {
      const code = r.reasonCode ?? 'unspecified';
      c.reasons.skipped[code] = (c.reasons.skipped[code] ?? 0) + 1;
    } else if (state === 'failed') {
      const code = r.errorCode ?? 'unknown_error';
      c.reasons.failed[code] = (c.reasons.failed[code] ?? 0) + 1;
    }
  }
  return out;
}
