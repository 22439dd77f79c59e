// The downloadable documents of a migration (docs/report.md §API): what each is, whether it is
// available (and why not), and where to download it. Downloads go through ApiClient.download so they
// carry the signed token inside Pipedrive.
import { z } from 'zod';
import type { ApiClient, Download } from './client.ts';

export const artifactSchema = z.object({
  name: z.string(),
  title: z.string(),
  format: z.string(),
  url: z.string(),
  available: z.boolean(),
  sources: z.array(z.string()),
  summary: z.string().nullable(),
  unavailable: z
    .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
    .nullable(),
});
export type Artifact = z.infer<typeof artifactSchema>;

export async function listArtifacts(
  api: ApiClient,
  migrationId: number,
  signal?: AbortSignal,
): Promise<Artifact[]> {
  const body = await api.get(
    `/api/migrations/${migrationId}/artifacts`,
    z.object({ migrationId: z.number(), artifacts: z.array(artifactSchema) }),
    signal ? { signal } : {},
  );
  return body.artifacts;
}

export const skipFileSchema = z.object({
  fileId: z.number().int(),
  fileName: z.string(),
  rows: z.number(),
  url: z.string(),
});
export type SkipFile = z.infer<typeof skipFileSchema>;

/** The skip files: per source export, its rows a run skipped or failed (409 `no_run_yet` before a run). */
export async function listSkipFiles(
  api: ApiClient,
  migrationId: number,
  signal?: AbortSignal,
): Promise<SkipFile[]> {
  const body = await api.get(
    `/api/migrations/${migrationId}/report/skipped`,
    z.object({ files: z.array(skipFileSchema) }),
    signal ? { signal } : {},
  );
  return body.files;
}

/** The reconciliation report: the HTML page, or the JSON as served (saved under a name of our own). */
export function reportUrl(migrationId: number, format: 'html' | 'json'): string {
  return format === 'html'
    ? `/api/migrations/${migrationId}/report.html`
    : `/api/migrations/${migrationId}/report`;
}

/**
 * Fetches a document and hands it to the browser as a file to save, under the server's name (or
 * `fallbackName` when the server gives none).
 */
export async function saveArtifact(api: ApiClient, url: string, fallbackName?: string): Promise<Download> {
  const fetched = await api.download(url);
  const file = fallbackName && fetched.named === false ? { ...fetched, name: fallbackName } : fetched;
  const href = URL.createObjectURL(file.blob);
  try {
    const a = document.createElement('a');
    a.href = href;
    a.download = file.name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // Revoked after the click has been handled; the download keeps its own copy.
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  }
  return file;
}
