// The rebuild artifacts of a migration, from the exports kept with it: the workflow reference (JSON and
// the Markdown guide), the integrations document (JSON and Markdown), and the custom-field schema
// document the field map already serves. Every read is scoped to the company.
import { readFile } from 'node:fs/promises';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { AppError, isAppError, NotFoundError } from '../errors.ts';
import { findMigration, listSourceFiles, type SourceFile } from '../staging/source-file.repository.ts';
import { integrationsDocument, type StoredDocument, workflowReference } from './artifact-documents.ts';
import type { IntegrationsDocument } from './integrations.ts';
import type { WorkflowReference } from './workflows.ts';

export type ArtifactName =
  | 'workflows.json'
  | 'workflows.md'
  | 'integrations.json'
  | 'integrations.md'
  | 'custom-fields.json'
  | 'custom-fields.md';

export interface ArtifactEntry {
  name: ArtifactName;
  title: string;
  format: 'json' | 'markdown';
  /** Where to download it (under /api). */
  url: string;
  available: boolean;
  /** The kept exports it is made from. */
  sources: string[];
  /** What it holds, in words, when available. */
  summary: string | null;
  /** Why it is not available: no export uploaded, or the export cannot be read (file and path named). */
  unavailable: { code: string; message: string; details?: unknown } | null;
}

export interface ArtifactList {
  migrationId: number;
  artifacts: ArtifactEntry[];
}

const TITLES = {
  workflows: 'Workflow and learning-path reference',
  integrations: 'Integrations and their Pipedrive replacements',
  schema: 'Custom-field schema',
} as const;

export class ArtifactsService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  private async files(
    companyId: number,
    migrationId: number,
    kind: 'workflows' | 'integrations',
  ): Promise<StoredDocument[]> {
    const m = await findMigration(this.db, companyId, migrationId);
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
    const kept = (await listSourceFiles(this.db, companyId, migrationId)).filter(
      (f: SourceFile) => f.kind === kind && f.status === 'kept',
    );
    return Promise.all(
      kept.map(async (f) => {
        if (!f.storedPath)
          throw new AppError(
            'unavailable',
            'export_not_stored',
            `${f.name} was recognised but its bytes were not kept.`,
          );
        return { fileId: f.id, name: f.name, sha256: f.sha256, bytes: await readFile(f.storedPath) };
      }),
    );
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  async workflows(companyId: number, migrationId: number): Promise<WorkflowReference> {
    const files = await this.files(companyId, migrationId, 'workflows');
    if (files.length === 0)
      throw new NotFoundError(
        'artifact_not_available',
        `No workflows export was uploaded to migration ${migrationId}.`,
      );
    return workflowReference(migrationId, files, this.now());
  }

  async integrations(companyId: number, migrationId: number): Promise<IntegrationsDocument> {
    const files = await this.files(companyId, migrationId, 'integrations');
    if (files.length === 0)
      throw new NotFoundError(
        'artifact_not_available',
        `No integrations export was uploaded to migration ${migrationId}.`,
      );
    return integrationsDocument(migrationId, files, this.now());
  }

  async list(companyId: number, migrationId: number): Promise<ArtifactList> {
    const m = await findMigration(this.db, companyId, migrationId);
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
    const all = await listSourceFiles(this.db, companyId, migrationId);
    const base = `/api/migrations/${migrationId}`;
    const names = (kind: string) =>
      all.filter((f) => f.kind === kind && f.status === 'kept').map((f) => f.name);
    const attempt = async <T>(build: () => Promise<T>, words: (v: T) => string) => {
      try {
        return { summary: words(await build()), unavailable: null };
      } catch (err) {
        if (!isAppError(err) || err.kind === 'unavailable') throw err;
        return {
          summary: null,
          unavailable: {
            code: err.code,
            message: err.message,
            ...(err.details ? { details: err.details } : {}),
          },
        };
      }
    };
    const wf = await attempt(
      () => this.workflows(companyId, migrationId),
      (r) =>
        `${r.counts.flows} flow(s), ${r.counts.steps} step(s), ${r.counts.withoutEquivalent} without a Pipedrive equivalent`,
    );
    const ig = await attempt(
      () => this.integrations(companyId, migrationId),
      (d) =>
        `${d.integrations.length} integration(s)${d.unreadable.length ? `, ${d.unreadable.length} document(s) to read by hand` : ''}`,
    );
    const staged = all.filter((f) => f.status === 'staged').map((f) => f.name);
    const schema = staged.length
      ? {
          summary: 'every custom field the migration creates or adopts, with its Pipedrive field code',
          unavailable: null,
        }
      : {
          summary: null,
          unavailable: {
            code: 'nothing_staged',
            message: 'No export has been staged yet: there is no field map to describe.',
          },
        };
    const entry = (
      name: ArtifactName,
      title: string,
      url: string,
      sources: string[],
      s: { summary: string | null; unavailable: ArtifactEntry['unavailable'] },
    ): ArtifactEntry => ({
      name,
      title,
      format: name.endsWith('.json') ? 'json' : 'markdown',
      url,
      available: s.unavailable === null,
      sources,
      summary: s.summary,
      unavailable: s.unavailable,
    });
    return {
      migrationId,
      artifacts: [
        entry('workflows.json', TITLES.workflows, `${base}/artifacts/workflows.json`, names('workflows'), wf),
        entry(
          'workflows.md',
          `${TITLES.workflows}: rebuild guide`,
          `${base}/artifacts/workflows.md`,
          names('workflows'),
          wf,
        ),
        entry(
          'integrations.json',
          TITLES.integrations,
          `${base}/artifacts/integrations.json`,
          names('integrations'),
          ig,
        ),
        entry(
          'integrations.md',
          TITLES.integrations,
          `${base}/artifacts/integrations.md`,
          names('integrations'),
          ig,
        ),
        entry('custom-fields.json', TITLES.schema, `${base}/map/schema.json`, staged, schema),
        entry('custom-fields.md', TITLES.schema, `${base}/map/schema.md`, staged, schema),
      ],
    };
  }
}
