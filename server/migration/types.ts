// The vocabulary of the migration engine (decision 0006), shared by the plan, the run and the API.

export const ENTITIES = ['organization', 'person', 'note', 'file', 'activity'] as const;
export type EngineEntity = (typeof ENTITIES)[number];

export type RecordAction = 'create' | 'merge' | 'skip';
export type RecordState = 'planned' | 'pending' | 'done' | 'failed' | 'unknown' | 'skipped';
export const RECORD_STATES: readonly RecordState[] = [
  'planned',
  'pending',
  'done',
  'failed',
  'unknown',
  'skipped',
];

export type RunKind = 'sample' | 'full' | 'delta' | 'rollback';
export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

export type LedgerOp = 'create' | 'update' | 'delete' | 'restore' | 'upload';
export type LedgerState = 'intent' | 'sent' | 'done' | 'failed' | 'unknown';

/** Counts per entity and state. */
export type Counts = Record<string, Partial<Record<RecordState, number>>>;

export function emptyCounts(): Counts {
  return Object.fromEntries(ENTITIES.map((e) => [e, {}]));
}
