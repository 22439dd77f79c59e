// The staging API as the panel sees it: migrations, uploads, recognised files, kind corrections and
// staged records. Every answer is checked against these schemas before a screen sees it.
import { z } from 'zod';
import type { ApiClient } from './client.ts';
import { ApiError } from './errors.ts';
import type { UploadProgress } from './upload.ts';

const migrationFields = {
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/** Counts per staged entity (person, organization, membership, metrics, activity, file). */
const entityCounts = z.record(z.string(), z.number());

export const migrationOverviewSchema = z.object({
  ...migrationFields,
  fileCounts: z.object({ total: z.number(), staged: z.number(), kept: z.number(), failed: z.number() }),
  stagedCounts: entityCounts,
  issueCounts: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
});
export type MigrationOverview = z.infer<typeof migrationOverviewSchema>;

export const migrationSchema = z.object(migrationFields);
export type Migration = z.infer<typeof migrationSchema>;

const summaryIssue = z.object({
  entity: z.string(),
  code: z.string(),
  severity: z.string(),
  count: z.number(),
});
export type SummaryIssue = z.infer<typeof summaryIssue>;

export const summarySchema = z.object({ counts: entityCounts, issues: z.array(summaryIssue) });
export type StagingSummary = z.infer<typeof summarySchema>;

export const migrationDetailSchema = migrationSchema.extend({ summary: summarySchema });
export type MigrationDetail = z.infer<typeof migrationDetailSchema>;

export const sourceFileSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  sheetName: z.string().nullable(),
  status: z.string(),
  kind: z.string(),
  kindConfidence: z.number(),
  kindEvidence: z.array(z.string()),
  kindOverridden: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  headerRowIndex: z.number().int().nullable(),
  byteSize: z.number(),
  rowCount: z.number(),
  headers: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Issues whose offending value is in this file's rows (absent from the answer to a kind change). */
  issues: z.array(summaryIssue).default([]),
});
export type SourceFile = z.infer<typeof sourceFileSchema>;

export const fileResultSchema = z.object({
  fileId: z.number().int().nullable(),
  name: z.string(),
  sheetName: z.string().nullable(),
  kind: z.string(),
  kindConfidence: z.number(),
  status: z.enum(['staged', 'kept', 'failed']),
  rows: z.number(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  alreadyStaged: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type FileResult = z.infer<typeof fileResultSchema>;

export const stageResultSchema = z.object({
  migrationId: z.number().int(),
  files: z.array(fileResultSchema),
  summary: summarySchema,
});
export type StageResult = z.infer<typeof stageResultSchema>;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
const provenance = z.tuple([z.number(), z.number(), z.number()]);

export const stagedIssueSchema = z.object({
  code: z.string(),
  severity: z.string(),
  message: z.string(),
  field: z.string().optional(),
  source: provenance.optional(),
});
export type StagedIssue = z.infer<typeof stagedIssueSchema>;

export const stagedRecordSchema = z.object({
  entity: z.string(),
  actimoId: z.string(),
  personId: z.string().nullable(),
  values: z.record(z.string(), scalar),
  provenance: z.record(z.string(), provenance),
  issues: z.array(stagedIssueSchema),
});
export type StagedRecord = z.infer<typeof stagedRecordSchema>;

export const stagedPageSchema = z.object({
  offset: z.number(),
  limit: z.number(),
  total: z.number(),
  records: z.array(stagedRecordSchema),
});
export type StagedPage = z.infer<typeof stagedPageSchema>;

const migrationPath = (id: number) => `/api/migrations/${id}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export async function listMigrations(api: ApiClient, signal?: AbortSignal): Promise<MigrationOverview[]> {
  const body = await api.get(
    '/api/migrations',
    z.object({ migrations: z.array(migrationOverviewSchema) }),
    opts(signal),
  );
  return body.migrations;
}

export function createMigration(api: ApiClient, name: string): Promise<Migration> {
  const trimmed = name.trim();
  return api.post('/api/migrations', migrationSchema, { body: trimmed ? { name: trimmed } : {} });
}

export function fetchMigration(api: ApiClient, id: number, signal?: AbortSignal): Promise<MigrationDetail> {
  return api.get(migrationPath(id), migrationDetailSchema, opts(signal));
}

export async function listFiles(api: ApiClient, id: number, signal?: AbortSignal): Promise<SourceFile[]> {
  const body = await api.get(
    `${migrationPath(id)}/files`,
    z.object({ files: z.array(sourceFileSchema) }),
    opts(signal),
  );
  return body.files;
}

/** The admin says what a file is; the server re-reads the migration with that kind. */
export function setFileKind(api: ApiClient, migrationId: number, fileId: number, kind: string) {
  return api.patch(`${migrationPath(migrationId)}/files/${fileId}`, sourceFileSchema, { body: { kind } });
}

/** Uploads files (several, or a zip) in one request; the server stages them all, then consolidates once. */
export function uploadExports(
  api: ApiClient,
  migrationId: number,
  files: readonly File[],
  options: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<StageResult> {
  return api.upload(`${migrationPath(migrationId)}/files`, {
    files,
    fieldName: 'file',
    schema: stageResultSchema,
    ...options,
  });
}

/** When every file of an upload failed, the server answers with an error listing each file's result. */
export function fileResultsOf(error: unknown): FileResult[] | null {
  if (!(error instanceof ApiError)) return null;
  const parsed = z.object({ files: z.array(fileResultSchema) }).safeParse(error.details);
  return parsed.success ? parsed.data.files : null;
}

export interface StagedQuery {
  offset: number;
  limit: number;
  /** Only records with at least one issue. */
  withIssues?: boolean;
  /** Only records with an issue of this code. */
  code?: string | null;
}

export function fetchStaged(
  api: ApiClient,
  migrationId: number,
  entity: string,
  q: StagedQuery,
  signal?: AbortSignal,
): Promise<StagedPage> {
  return api.get(`${migrationPath(migrationId)}/staged/${encodeURIComponent(entity)}`, stagedPageSchema, {
    query: {
      offset: q.offset,
      limit: q.limit,
      withIssues: q.withIssues ? 'true' : undefined,
      code: q.code ?? undefined,
    },
    ...opts(signal),
  });
}
