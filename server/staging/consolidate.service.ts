// Consolidation: a migration's raw rows → staged records keyed by Actimo id, with provenance and issues.
// Deterministic and idempotent: each run replaces the migration's staged records as a whole, inside one
// transaction (a failure leaves the previous result intact). Memory stays bounded: rows are read in
// pages, and grouping by id goes through hash-partitioned spill files (fact-spill.ts).
import path from 'node:path';
import type { ColumnRole } from '../actimo/columns.ts';
import type { Knex } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import { issueSummary, runCrossChecks, updateIssueCounts } from './checks.repository.ts';
import { type FactGroup, FactSpill } from './fact-spill.ts';
import {
  type ConsolidationOptions,
  DEFAULT_OPTIONS,
  type Fact,
  type FactKind,
  type FactPayload,
  type FileMap,
  factsOfRow,
} from './facts.ts';
import { mimeOf } from './file-store.ts';
import type { MembershipOut, StagedOut } from './reduce.ts';
import { reduceGroup } from './reduce.ts';
import {
  findMigration,
  listSourceFiles,
  type SourceFile,
  setMigrationStatus,
} from './source-file.repository.ts';
import { readRows } from './source-rows.repository.ts';
import {
  clearConsolidation,
  countRows,
  ENTITY_TABLE,
  insertIssues,
  insertMemberships,
  insertStaged,
} from './staged.repository.ts';
import { type Entity, isTabularKind, type StagingIssue } from './vocabulary.ts';

const ROW_PAGE = 2000;

export interface ConsolidationSummary {
  migrationId: number;
  counts: Record<Exclude<Entity, 'membership'> | 'membership', number>;
  issues: Array<{ entity: string; code: string; severity: string; count: number }>;
}

export interface ConsolidationInput {
  /** Column roles per file id; a file not listed uses the roles stored with it (the proposal or the admin's map). */
  roles?: ReadonlyMap<number, ColumnRole[]>;
  options?: ConsolidationOptions;
  /** Where facts are spilled while grouping (a folder under DATA_DIR). */
  tempDir: string;
}

export async function consolidate(
  db: Knex,
  companyId: number,
  migrationId: number,
  input: ConsolidationInput,
): Promise<ConsolidationSummary> {
  if (!(await findMigration(db, companyId, migrationId))) {
    throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
  }
  const files = await listSourceFiles(db, companyId, migrationId);
  const tables: FileMap[] = files
    .filter((f) => f.status === 'staged' && isTabularKind(f.kind))
    .map((f) => ({
      fileId: f.id,
      sha256: f.sha256,
      kind: f.kind as FileMap['kind'],
      roles: input.roles?.get(f.id) ?? f.columnRoles,
    }));
  const attachments = files.filter((f) => f.kind === 'attachment' && f.status === 'kept');
  const options = input.options ?? DEFAULT_OPTIONS;

  const expected = files
    .filter((f) => tables.some((t) => t.fileId === f.id))
    .reduce((n, f) => n + f.rowCount, 0);
  const spill = await FactSpill.open(input.tempDir, expected);
  try {
    await db.transaction(async (trx) => {
      await clearConsolidation(trx, companyId, migrationId);
      for (const table of tables) await collectFacts(trx, companyId, table, options, spill);
      // One bucket's records in flight: the database writes bucket N (in its own thread or process)
      // while this thread reduces bucket N+1; waiting before sending the next keeps memory bounded.
      let writing: Promise<void> = Promise.resolve();
      for await (const bucket of spill.groups()) {
        const out = reduceBucket(bucket, attachments);
        await writing;
        writing = writeBucket(trx, companyId, migrationId, out);
        writing.catch(() => undefined);
      }
      await writing;
      await runCrossChecks(trx, companyId, migrationId);
      await updateIssueCounts(trx, companyId, migrationId);
      await setMigrationStatus(trx, companyId, migrationId, 'staged');
    });
  } finally {
    await spill.close();
  }
  return summarise(db, companyId, migrationId);
}

async function collectFacts(
  db: Knex,
  companyId: number,
  table: FileMap,
  options: ConsolidationOptions,
  spill: FactSpill,
): Promise<void> {
  // The next page is read (by the database's thread or process) while this one becomes facts.
  for await (const page of readRows(db, companyId, table.fileId, ROW_PAGE)) {
    const facts: Fact[] = [];
    for (const { row, cells } of page) for (const f of factsOfRow(table, row, cells, options)) facts.push(f);
    await spill.add(facts);
  }
}

/** Reduces one bucket: people first, since the winning user row's company list feeds the memberships. */
function reduceBucket(bucket: FactGroup[], attachments: SourceFile[]): ReducedBucket {
  const records: StagedOut[] = [];
  const links: MembershipOut[] = [];
  const issues: Array<{ entity: Entity; actimoId: string; issue: StagingIssue }> = [];
  const derived = new Map<string, FactPayload[]>();
  const take = (kind: FactKind, key: string, facts: FactPayload[]) => {
    const out = reduceGroup(kind, key, facts);
    for (const f of out.derived ?? []) derived.set(f.key, [...(derived.get(f.key) ?? []), f.payload]);
    for (const r of out.records) {
      if (r.entity === 'file') attachFile(r, attachments);
      // A membership reduction only reports issues about its person; it stages no person itself.
      if (kind !== 'membership') records.push(r);
      for (const issue of r.issues) issues.push({ entity: r.entity, actimoId: r.actimoId, issue });
    }
    links.push(...out.memberships);
  };
  for (const g of bucket) if (g.kind === 'person') take(g.kind, g.key, g.facts);
  for (const g of bucket) {
    if (g.kind === 'membership') {
      take(g.kind, g.key, [...(derived.get(g.key) ?? []), ...g.facts]);
      derived.delete(g.key);
    } else if (g.kind !== 'person') take(g.kind, g.key, g.facts);
  }
  for (const [key, facts] of [...derived.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    take('membership', key, facts);
  return { records, links, issues };
}

interface ReducedBucket {
  records: StagedOut[];
  links: MembershipOut[];
  issues: Array<{ entity: Entity; actimoId: string; issue: StagingIssue }>;
}

async function writeBucket(
  db: Knex,
  companyId: number,
  migrationId: number,
  { records, links, issues }: ReducedBucket,
): Promise<void> {
  await insertStaged(db, companyId, migrationId, records);
  await insertMemberships(db, companyId, migrationId, links);
  await insertIssues(db, companyId, migrationId, issues);
}

/** Resolves a files-export row to the attachment uploaded with it (by path inside the upload, else by name). */
function attachFile(r: StagedOut, attachments: readonly SourceFile[]): void {
  const wanted = String(r.data.path ?? r.data.fileName ?? '')
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '');
  const byPath = attachments.filter((a) => a.name === wanted || a.name.endsWith(`/${wanted}`));
  const byName = attachments.filter((a) => path.posix.basename(a.name) === path.posix.basename(wanted));
  const found = byPath[0] ?? (byName.length === 1 ? byName[0] : undefined);
  if (!found || !wanted) {
    r.issues.push({
      code: 'file_missing',
      severity: 'error',
      field: 'path',
      message: `"${wanted || '(no path)'}" was not in the upload; upload the files export's files with its manifest`,
    });
    return;
  }
  r.data.fileName ??= path.posix.basename(found.name);
  r.data.storedPath = found.storedPath;
  r.data.size = found.byteSize;
  r.data.sha256 = found.sha256;
  r.data.mime = mimeOf(found.name);
}

export async function summarise(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<ConsolidationSummary> {
  const counts = {
    person: await countRows(db, companyId, migrationId, ENTITY_TABLE.person),
    organization: await countRows(db, companyId, migrationId, ENTITY_TABLE.organization),
    membership: await countRows(db, companyId, migrationId, 'staged_memberships'),
    metrics: await countRows(db, companyId, migrationId, ENTITY_TABLE.metrics),
    activity: await countRows(db, companyId, migrationId, ENTITY_TABLE.activity),
    file: await countRows(db, companyId, migrationId, ENTITY_TABLE.file),
  };
  return { migrationId, counts, issues: await issueSummary(db, companyId, migrationId) };
}
