// From the engine's records to the report's counts: the rule that puts every migration record in exactly
// one final state (decision 0006's `migration_records`: action create | merge | skip, state planned |
// pending | done | failed | unknown | skipped, plus whether a rollback undid it). The lead's adapter reads
// the rows and calls `objectCounts`; the rule lives here so the report and its invariant agree. Also the
// owners per e-mail from the records' owner resolution (`ownerResolution`). Pure.
import {
  type EngineObjectCounts,
  FINAL_STATES,
  type FinalState,
  type OwnerResolution,
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

/** Records (persons, activities) that share one owner resolution: the e-mail asked, the user used, whether defaulted. */
export interface OwnerGroup {
  email: string | null;
  userId: number | null;
  defaulted: boolean;
  records: number;
}

/**
 * Per owner e-mail (trimmed, lower case, as the engine matches it): the records whose owner matched that
 * Pipedrive user, and the e-mails that matched none with the records given the default owner (a record
 * whose export named no owner counts under a null e-mail). Most records first, then by e-mail.
 */
export function ownerResolution(groups: Iterable<OwnerGroup>): OwnerResolution {
  const matched = new Map<string, { email: string; userId: number | null; records: number }>();
  const defaulted = new Map<
    string,
    { email: string | null; records: number; fallbackUserId: number | null }
  >();
  for (const g of groups) {
    const email = g.email === null || g.email.trim() === '' ? null : g.email.trim().toLowerCase();
    const key = `${email ?? ''}\u0000${g.userId ?? ''}`;
    if (!g.defaulted && email !== null) {
      const m = matched.get(key) ?? { email, userId: g.userId, records: 0 };
      m.records += g.records;
      matched.set(key, m);
    } else {
      const d = defaulted.get(key) ?? { email, records: 0, fallbackUserId: g.userId };
      d.records += g.records;
      defaulted.set(key, d);
    }
  }
  const order = (
    a: { email: string | null; records: number },
    b: { email: string | null; records: number },
  ) =>
    b.records - a.records ||
    (a.email === null ? 1 : 0) - (b.email === null ? 1 : 0) ||
    (a.email ?? '').localeCompare(b.email ?? '');
  const m = [...matched.values()].sort(order);
  const d = [...defaulted.values()].sort(order);
  return {
    matched: m,
    defaulted: d,
    counts: {
      matched: m.reduce((n, x) => n + x.records, 0),
      defaulted: d.reduce((n, x) => n + x.records, 0),
    },
  };
}
