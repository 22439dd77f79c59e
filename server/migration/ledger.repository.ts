// The ledger: append-only, one row per intended write to Pipedrive. Intents are written in one statement
// before a batch is sent; the answers in one transaction after (with the records they touch).
import { type Knex, readJson, updateMany, writeJson } from '../db.ts';
import type { LedgerOp, LedgerState } from './types.ts';

export interface LedgerIntent {
  recordId: number;
  seq: number;
  op: LedgerOp;
  request: unknown;
  /** `request` already as JSON (the caller made it once and reuses it). */
  requestJson?: string;
  fingerprint: string;
  beforeImage?: Record<string, unknown> | null;
}

export interface LedgerRow extends LedgerIntent {
  id: number;
  runId: number;
  state: LedgerState;
  responseId: number | null;
  responseUpdateTime: string | null;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
}

type Row = Record<string, unknown>;

function toLedger(r: Row): LedgerRow {
  return {
    id: Number(r.id),
    runId: Number(r.run_id),
    recordId: Number(r.record_id),
    seq: Number(r.seq),
    op: r.op as LedgerOp,
    state: r.state as LedgerState,
    request: readJson<unknown>(r.request),
    fingerprint: String(r.fingerprint),
    beforeImage: r.before_image == null ? null : readJson<Record<string, unknown>>(r.before_image),
    responseId: r.response_id == null ? null : Number(r.response_id),
    responseUpdateTime: r.response_update_time == null ? null : String(r.response_update_time),
    attempts: Number(r.attempts),
    errorCode: r.error_code == null ? null : String(r.error_code),
    errorMessage: r.error_message == null ? null : String(r.error_message),
    createdAt: Number(r.created_at),
  };
}

/** A few statements for the whole batch (13 columns × 300 rows: well under either driver's variable limit). */
export async function writeIntents(
  db: Knex,
  companyId: number,
  migrationId: number,
  runId: number,
  intents: readonly LedgerIntent[],
  now: number,
): Promise<void> {
  const rows = intents.map((i) => ({
    company_id: companyId,
    migration_id: migrationId,
    record_id: i.recordId,
    run_id: runId,
    seq: i.seq,
    op: i.op,
    state: 'intent',
    request: i.requestJson ?? writeJson(i.request),
    fingerprint: i.fingerprint,
    before_image: i.beforeImage ? writeJson(i.beforeImage) : null,
    attempts: 1,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 300) await db('ledger').insert(rows.slice(i, i + 300));
}

export interface LedgerResult {
  seq: number;
  state: LedgerState;
  responseId?: number | null;
  responseUpdateTime?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
}

/** The answers of a batch in one statement per few hundred rows (matched on the run and seq). */
export async function writeResults(
  trx: Knex,
  companyId: number,
  runId: number,
  results: readonly LedgerResult[],
  now: number,
): Promise<void> {
  await updateMany(trx, 'ledger', {
    where: { company_id: companyId, run_id: runId },
    key: ['seq'],
    columns: {
      seq: 'integer',
      state: 'text',
      response_id: 'bigint',
      response_update_time: 'text',
      error_code: 'text',
      error_message: 'text',
    },
    rows: results.map((r) => ({
      seq: r.seq,
      state: r.state,
      response_id: r.responseId ?? null,
      response_update_time: r.responseUpdateTime ?? null,
      error_code: r.errorCode ?? null,
      error_message: r.errorMessage?.slice(0, 2000) ?? null,
    })),
    set: { updated_at: now },
  });
}

/** Writes whose outcome is not known: still `intent` (a crash) or `unknown` (timeout, dropped connection). */
export async function openWrites(db: Knex, companyId: number, migrationId: number): Promise<LedgerRow[]> {
  const rows = await db('ledger')
    .where({ company_id: companyId, migration_id: migrationId })
    .whereIn('state', ['intent', 'unknown'])
    .orderBy('id');
  return rows.map(toLedger);
}

export async function ledgerFor(
  db: Knex,
  companyId: number,
  migrationId: number,
  filter: { runId?: number; recordId?: number } = {},
): Promise<LedgerRow[]> {
  const q = db('ledger').where({ company_id: companyId, migration_id: migrationId }).orderBy('id');
  if (filter.runId !== undefined) q.andWhere('run_id', filter.runId);
  if (filter.recordId !== undefined) q.andWhere('record_id', filter.recordId);
  return (await q).map(toLedger);
}

export async function maxSeq(db: Knex, companyId: number, runId: number): Promise<number> {
  const r = await db('ledger').where({ company_id: companyId, run_id: runId }).max({ m: 'seq' }).first();
  return r?.m == null ? 0 : Number(r.m);
}

/** Counts of ledger rows by op and state (for reports and tests). */
export async function ledgerCounts(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<Record<string, number>> {
  const rows = await db('ledger')
    .where({ company_id: companyId, migration_id: migrationId })
    .select('op', 'state')
    .count({ n: '*' })
    .groupBy('op', 'state');
  return Object.fromEntries(
    (rows as Array<Record<string, unknown>>).map((r) => [`${r.op}:${r.state}`, Number(r.n)]),
  );
}
