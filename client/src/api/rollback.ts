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
