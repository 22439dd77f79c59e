// runs: one per sample or full run, with its status, the settings and map version it used, its estimate,
// live counts, what it spent, and `resume_at` while paused for the daily budget.
import { type Knex, readJson, writeJson } from '../db.ts';
import type { Counts, RunKind, RunStatus } from './types.ts';
import { emptyCounts } from './types.ts';

export interface Run {
  id: number;
  migrationId: number;
  kind: RunKind;
  status: RunStatus;
  requested: 'pause' | 'cancel' | null;
  mapVersion: number | null;
  sampleSize: number | null;
  settings: Record<string, unknown>;
  estimate: Record<string, unknown> | null;
  counts: Counts;
  requests: number;
  tokens: number;
  writes: number;
  resumeAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** Who asked for the run (`user:<id>` from the panel or API, `cli` from the command line). */
  startedBy: string | null;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v == null ? null : Number(v));

function toRun(r: Row): Run {
  return {
    id: Number(r.id),
    migrationId: Number(r.migration_id),
    kind: r.kind as RunKind,
    status: r.status as RunStatus,
    requested: (r.requested as Run['requested']) ?? null,
    mapVersion: num(r.map_version),
    sampleSize: num(r.sample_size),
    settings: readJson<Record<string, unknown>>(r.settings),
    estimate: r.estimate == null ? null : readJson<Record<string, unknown>>(r.estimate),
    counts: readJson<Counts>(r.counts),
    requests: Number(r.requests),
    tokens: Number(r.tokens),
    writes: Number(r.writes),
    resumeAt: num(r.resume_at),
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    updatedAt: Number(r.updated_at),
    errorCode: r.error_code == null ? null : String(r.error_code),
    errorMessage: r.error_message == null ? null : String(r.error_message),
    startedBy: r.started_by == null ? null : String(r.started_by),
  };
}

export async function createRun(
  db: Knex,
  companyId: number,
  migrationId: number,
  r: {
    kind: RunKind;
    sampleSize: number | null;
    settings: Record<string, unknown>;
    estimate: Record<string, unknown> | null;
    mapVersion: number | null;
    startedBy?: string | null;
  },
  now: number,
): Promise<Run> {
  const [row] = await db('runs')
    .insert({
      company_id: companyId,
      migration_id: migrationId,
      kind: r.kind,
      status: 'queued',
      map_version: r.mapVersion,
      sample_size: r.sampleSize,
      started_by: r.startedBy ?? null,
      settings: writeJson(r.settings),
      estimate: r.estimate ? writeJson(r.estimate) : null,
      counts: writeJson(emptyCounts()),
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const id = Number(typeof row === 'object' ? (row as { id: unknown }).id : row);
  const run = await getRun(db, companyId, id);
  if (!run) throw new Error('the run just created is gone');
  return run;
}

export async function getRun(db: Knex, companyId: number, runId: number): Promise<Run | undefined> {
  const r = await db('runs').where({ company_id: companyId, id: runId }).first();
  return r ? toRun(r) : undefined;
}

export async function listRuns(db: Knex, companyId: number, migrationId: number): Promise<Run[]> {
  const rows = await db('runs')
    .where({ company_id: companyId, migration_id: migrationId })
    .orderBy('id', 'desc');
  return rows.map(toRun);
}

/** The run of a migration that is not finished (queued, running or paused), if any. */
export async function activeRun(db: Knex, companyId: number, migrationId: number): Promise<Run | undefined> {
  const r = await db('runs')
    .where({ company_id: companyId, migration_id: migrationId })
    .whereIn('status', ['queued', 'running', 'paused'])
    .orderBy('id', 'desc')
    .first();
  return r ? toRun(r) : undefined;
}

export interface RunPatch {
  status?: RunStatus;
  requested?: 'pause' | 'cancel' | null;
  counts?: Counts;
  requests?: number;
  tokens?: number;
  writes?: number;
  resumeAt?: number | null;
  startedAt?: number;
  finishedAt?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  estimate?: Record<string, unknown>;
}

export async function updateRun(
  db: Knex,
  companyId: number,
  runId: number,
  p: RunPatch,
  now: number,
  onlyIfStatus?: readonly RunStatus[],
): Promise<boolean> {
  const patch: Row = { updated_at: now };
  if (p.status !== undefined) patch.status = p.status;
  if (p.requested !== undefined) patch.requested = p.requested;
  if (p.counts !== undefined) patch.counts = writeJson(p.counts);
  if (p.requests !== undefined) patch.requests = p.requests;
  if (p.tokens !== undefined) patch.tokens = p.tokens;
  if (p.writes !== undefined) patch.writes = p.writes;
  if (p.resumeAt !== undefined) patch.resume_at = p.resumeAt;
  if (p.startedAt !== undefined) patch.started_at = p.startedAt;
  if (p.finishedAt !== undefined) patch.finished_at = p.finishedAt;
  if (p.errorCode !== undefined) patch.error_code = p.errorCode;
  if (p.errorMessage !== undefined) patch.error_message = p.errorMessage?.slice(0, 2000) ?? null;
  if (p.estimate !== undefined) patch.estimate = writeJson(p.estimate);
  const q = db('runs').where({ company_id: companyId, id: runId });
  if (onlyIfStatus) q.whereIn('status', onlyIfStatus as RunStatus[]);
  return (await q.update(patch)) === 1;
}

/** Runs a worker should pick up: queued, running (interrupted) or paused past their `resume_at`. */
export async function runnableRuns(
  db: Knex,
  now: number,
): Promise<Array<{ companyId: number; runId: number; kind: RunKind }>> {
  const rows = await db('runs')
    .where((q) =>
      q
        .whereIn('status', ['queued', 'running'])
        .orWhere((p) =>
          p.where('status', 'paused').whereNotNull('resume_at').andWhere('resume_at', '<=', now),
        ),
    )
    .orderBy('id')
    .select('company_id', 'id', 'kind');
  return rows.map((r) => ({
    companyId: Number(r.company_id),
    runId: Number(r.id),
    kind: r.kind as RunKind,
  }));
}
