// The migration engine's API as the panel sees it (server/http/routes/migration.routes.ts): the plan,
// the sample and its field-level diff, accepting it, the full run with pause / resume / cancel, its
// status and its progress as server-sent events. Every answer is checked before a screen sees it.
import { z } from 'zod';
import type { ApiClient } from './client.ts';
import type { EventStream, ServerEvent } from './events.ts';

export const ENGINE_ENTITIES = ['organization', 'person', 'note', 'activity', 'file'] as const;
export type EngineEntity = (typeof ENGINE_ENTITIES)[number];

const entityPlanSchema = z.object({
  create: z.number(),
  merge: z.number(),
  skip: z.number(),
  /** Already written by an earlier run with the same payload. */
  done: z.number(),
  reasons: z.record(z.string(), z.number()),
});
export type EntityPlan = z.infer<typeof entityPlanSchema>;

const estimateSchema = z.object({
  lines: z.array(z.object({ op: z.string(), requests: z.number(), tokens: z.number() })),
  requests: z.number(),
  tokens: z.number(),
  burstLimit: z.number(),
  seconds: z.number(),
  dailyAllowance: z.number(),
  days: z.number(),
});
export type Estimate = z.infer<typeof estimateSchema>;

export const planSchema = z.object({
  policy: z.string(),
  mapVersion: z.number(),
  /** Per kind of record; a kind this server does not migrate is absent. */
  entities: z.record(z.string(), entityPlanSchema),
  owners: z.object({ matched: z.number(), defaulted: z.number() }),
  existing: z.object({ persons: z.number(), organizations: z.number() }),
  estimate: estimateSchema,
});
export type Plan = z.infer<typeof planSchema>;

export const RUN_STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

/** Records per entity and state (planned, pending, done, failed, unknown, skipped). */
const countsSchema = z.record(z.string(), z.record(z.string(), z.number()));
export type Counts = z.infer<typeof countsSchema>;

export const runSchema = z.object({
  id: z.number().int(),
  migrationId: z.number().int(),
  /** sample, full, delta or rollback; kinds a later server adds are shown by name. */
  kind: z.string(),
  status: z.enum(RUN_STATUSES),
  requested: z.enum(['pause', 'cancel']).nullable(),
  sampleSize: z.number().nullable(),
  estimate: z.record(z.string(), z.unknown()).nullable(),
  counts: countsSchema,
  requests: z.number(),
  tokens: z.number(),
  writes: z.number(),
  resumeAt: z.number().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type Run = z.infer<typeof runSchema>;

export const runStatusSchema = z.object({ run: runSchema.nullable(), counts: countsSchema });
export type RunState = z.infer<typeof runStatusSchema>;

const diffEntrySchema = z.object({
  target: z.string(),
  pipedriveKey: z.string(),
  sources: z.array(
    z.object({ fileName: z.string(), row: z.number(), header: z.string(), raw: z.string().nullable() }),
  ),
  transform: z.string(),
  sent: z.unknown(),
  readBack: z.unknown(),
  differs: z.boolean(),
});
export type DiffEntry = z.infer<typeof diffEntrySchema>;

const diffRecordSchema = z.object({
  recordId: z.number().int(),
  entity: z.string(),
  actimoId: z.string(),
  label: z.string().nullable(),
  pipedriveId: z.number().nullable(),
  state: z.string(),
  verified: z.boolean().nullable(),
  fields: z.array(diffEntrySchema),
});
export type DiffRecord = z.infer<typeof diffRecordSchema>;

export const diffPageSchema = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  records: z.array(diffRecordSchema),
});
export type DiffPage = z.infer<typeof diffPageSchema>;

/** One `progress` event of the run's stream. */
export const progressSchema = z.object({
  runId: z.number().int(),
  status: z.enum(RUN_STATUSES),
  phase: z.string().nullable().optional(),
  counts: countsSchema,
  requests: z.number(),
  tokens: z.number(),
  writes: z.number(),
  resumeAt: z.number().nullable(),
});
export type RunProgress = z.infer<typeof progressSchema>;

const base = (id: number) => `/api/migrations/${id}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Indexes what is in Pipedrive and decides per record; slow for large companies, hence a long timeout. */
export function makePlan(api: ApiClient, migrationId: number, signal?: AbortSignal): Promise<Plan> {
  return api.post(`${base(migrationId)}/plan`, planSchema, { ...opts(signal), timeoutMs: 300_000 });
}

export function startSample(api: ApiClient, migrationId: number, size?: number): Promise<Run> {
  return api.post(`${base(migrationId)}/sample`, runSchema, {
    body: size === undefined ? {} : { size },
    timeoutMs: 300_000,
  });
}

export interface DiffQuery {
  page: number;
  pageSize: number;
  mismatchesOnly: boolean;
  search: string;
}

export function fetchSampleDiff(
  api: ApiClient,
  migrationId: number,
  q: DiffQuery,
  signal?: AbortSignal,
): Promise<DiffPage> {
  const search = q.search.trim();
  return api.get(`${base(migrationId)}/sample/diff`, diffPageSchema, {
    query: {
      page: q.page,
      pageSize: q.pageSize,
      mismatches: q.mismatchesOnly ? 'true' : undefined,
      search: search === '' ? undefined : search,
    },
    ...opts(signal),
  });
}

/** Accepting the sample starts the full run. */
export function acceptSample(api: ApiClient, migrationId: number): Promise<Run> {
  return api.post(`${base(migrationId)}/sample/accept`, runSchema, { timeoutMs: 300_000 });
}

export function startFullRun(api: ApiClient, migrationId: number): Promise<Run> {
  return api.post(`${base(migrationId)}/run`, runSchema, { timeoutMs: 300_000 });
}

/** The latest run (or none) and the records per entity and state. */
export function fetchRunState(api: ApiClient, migrationId: number, signal?: AbortSignal): Promise<RunState> {
  return api.get(`${base(migrationId)}/run`, runStatusSchema, opts(signal));
}

export function fetchRuns(api: ApiClient, migrationId: number, signal?: AbortSignal): Promise<Run[]> {
  return api
    .get(`${base(migrationId)}/runs`, z.object({ runs: z.array(runSchema) }), opts(signal))
    .then((b) => b.runs);
}

export type RunAction = 'pause' | 'resume' | 'cancel';

export function controlRun(api: ApiClient, migrationId: number, action: RunAction): Promise<Run> {
  return api.post(`${base(migrationId)}/run/${action}`, runSchema);
}

export interface RunEventHandlers {
  onProgress(p: RunProgress): void;
  /** The run completed, paused or stopped. */
  onDone(status: RunStatus): void;
  onError?(error: Error, retrying: boolean): void;
}

/** Follows the active run's progress; the stream ends by itself when no run is active (204). */
export function followRun(api: ApiClient, migrationId: number, handlers: RunEventHandlers): EventStream {
  return api.events(`${base(migrationId)}/run/events`, {
    onEvent: (e: ServerEvent) => {
      if (e.event === 'progress') {
        const parsed = progressSchema.safeParse(JSON.parse(e.data));
        if (parsed.success) handlers.onProgress(parsed.data);
      } else if (e.event === 'done') {
        const parsed = z.object({ status: z.enum(RUN_STATUSES) }).safeParse(JSON.parse(e.data));
        if (parsed.success) handlers.onDone(parsed.data.status);
      }
    },
    onError: (error, retrying) => handlers.onError?.(error, retrying),
  });
}

const NO_PLAN: EntityPlan = { create: 0, merge: 0, skip: 0, done: 0, reasons: {} };

/** A kind's plan, all zero for a kind the server did not plan. */
export function entityPlan(plan: Plan, entity: EngineEntity): EntityPlan {
  return plan.entities[entity] ?? NO_PLAN;
}

/** Totals of a counts map: per entity, how many records in all and how many are finished. */
export function progressOf(counts: Counts, entity: string): { finished: number; total: number } {
  const c = counts[entity] ?? {};
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const finished = (c.done ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0) + (c.unknown ?? 0);
  return { finished, total };
}

const ALWAYS_SHOWN: readonly EngineEntity[] = ['organization', 'person', 'note'];

/** The kinds worth a line: organizations, people and notes always; activities and files when there are any. */
export function kindsIn(counts: Counts): EngineEntity[] {
  return ENGINE_ENTITIES.filter((e) => ALWAYS_SHOWN.includes(e) || progressOf(counts, e).total > 0);
}
