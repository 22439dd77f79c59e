// Rollback as the panel sees it (docs/rollback.md §API): the dry run (what would be deleted, restored
// and kept, with a confirmation token), starting it with that token, and its status. Its progress and
// pause / resume / cancel go through the run routes like any run (engine.ts).
import { z } from 'zod';
import type { ApiClient } from './client.ts';
import { runSchema } from './engine.ts';

export interface RollbackOptions {
  force: boolean;
  removeFields: boolean;
}

const conflictSchema = z.object({
  key: z.string(),
  wrote: z.unknown(),
  now: z.unknown(),
  before: z.unknown().optional(),
});

export const planLineSchema = z.object({
  recordId: z.number().nullable(),
  entity: z.string(),
  pipedriveId: z.number().nullable(),
  fieldCode: z.string().nullable(),
  action: z.string(),
  reason: z.string(),
  detail: z
    .object({
      label: z.string().nullable().optional(),
      actimoKey: z.string().optional(),
      conflicts: z.array(conflictSchema).optional(),
      fieldName: z.string().optional(),
      holders: z.number().optional(),
      migrationIds: z.array(z.number()).optional(),
    })
    .passthrough(),
});
export type PlanLine = z.infer<typeof planLineSchema>;

const summarySchema = z.record(z.string(), z.record(z.string(), z.number()));

export const dryRunSchema = z.object({
  migrationId: z.number(),
  scope: z.object({ runId: z.number().nullable() }),
  force: z.boolean(),
  removeFields: z.boolean(),
  summary: summarySchema,
  items: z.array(planLineSchema),
  token: z.string(),
});
export type DryRun = z.infer<typeof dryRunSchema>;

export const rollbackStatusSchema = z.object({
  run: runSchema.nullable(),
  settings: z.record(z.string(), z.unknown()).nullable(),
  summary: summarySchema,
});
export type RollbackStatus = z.infer<typeof rollbackStatusSchema>;

const base = (id: number) => `/api/migrations/${id}/rollback`;

/** Reads every record the rollback would touch; slow for large migrations, hence a long timeout. */
export function rollbackDryRun(api: ApiClient, migrationId: number, o: RollbackOptions): Promise<DryRun> {
  return api.post(`${base(migrationId)}/dry-run`, dryRunSchema, { body: o, timeoutMs: 300_000 });
}

/** Starts the rollback the dry run showed; refused (409 plan_changed) when the migration changed since. */
export function startRollback(api: ApiClient, migrationId: number, token: string, o: RollbackOptions) {
  return api.post(base(migrationId), runSchema, { body: { ...o, token }, timeoutMs: 120_000 });
}

export function fetchRollbackStatus(api: ApiClient, migrationId: number, signal?: AbortSignal) {
  return api.get(base(migrationId), rollbackStatusSchema, signal ? { signal } : {});
}

export const auditEntrySchema = z.object({
  id: z.number(),
  /** When the operation was written, in ms since the epoch. */
  at: z.number(),
  runId: z.number(),
  runKind: z.string(),
  startedBy: z.string().nullable(),
  recordId: z.number().nullable(),
  entity: z.string(),
  actimoKey: z.string().nullable(),
  label: z.string().nullable(),
  op: z.string(),
  pipedriveId: z.number().nullable(),
  result: z.string(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextAfterId: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** What to look a record up by: its Actimo id (or record id), or its Pipedrive id. */
export type AuditSearch = { record: string } | { pipedriveId: number };

/** The history of one record (every operation of every run on it), oldest first, a page at a time. */
export function fetchAudit(
  api: ApiClient,
  migrationId: number,
  search: AuditSearch,
  afterId?: number,
  signal?: AbortSignal,
): Promise<AuditPage> {
  return api.get(`/api/migrations/${migrationId}/audit`, auditPageSchema, {
    query: { ...search, afterId, limit: 100 },
    ...(signal ? { signal } : {}),
  });
}

export const conflictsSchema = z.object({
  runId: z.number().nullable(),
  items: z.array(planLineSchema.extend({ id: z.number() })),
});

/** What a rollback run kept (changed since), restored in part, forced or failed on; the first 500. */
export function fetchRollbackConflicts(
  api: ApiClient,
  migrationId: number,
  runId: number,
  signal?: AbortSignal,
) {
  return api.get(`${base(migrationId)}/conflicts`, conflictsSchema, {
    query: { runId, limit: 500 },
    ...(signal ? { signal } : {}),
  });
}
