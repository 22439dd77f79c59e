// Rollback against a migration harness: the service, an engine to execute rollback runs in-process, and
// what the sandbox holds now (live records by id) for assertions.
import { type RollbackDeps, RollbackEngine } from '../../server/rollback/engine.ts';
import { RollbackService } from '../../server/rollback/service.ts';
import type { MigrationHarness } from './migration.ts';

export function rollbackService(h: MigrationHarness): RollbackService {
  const s = h.app.services;
  return new RollbackService({ db: h.app.testDb.db, clock: s.clock, pipedrive: s.pipedrive });
}

let n = 0;
export function rollbackEngine(h: MigrationHarness, o: Partial<RollbackDeps> = {}): RollbackEngine {
  const s = h.app.services;
  return new RollbackEngine({
    db: h.app.testDb.db,
    clock: s.clock,
    pipedrive: s.pipedrive,
    workerId: `rollback-${++n}`,
    ...o,
  });
}

export interface Live {
  persons: Map<number, Record<string, unknown>>;
  organizations: Map<number, Record<string, unknown>>;
  notes: Map<number, Record<string, unknown>>;
}

/** The company's live (not deleted) persons, organizations and notes in the sandbox. */
export function live(h: MigrationHarness): Live {
  const st = h.sb.sandbox.state(h.sb.companyId) as unknown as Record<
    'persons' | 'organizations' | 'notes',
    { records: Array<Record<string, unknown> & { id: number; deleted_at?: unknown }> }
  >;
  const pick = (k: 'persons' | 'organizations' | 'notes') =>
    new Map(st[k].records.filter((r) => r.deleted_at == null).map((r) => [r.id, r] as const));
  return { persons: pick('persons'), organizations: pick('organizations'), notes: pick('notes') };
}

/** Migrates everything staged (a full run executed in-process) and returns the run id. */
export async function migrateAll(h: MigrationHarness): Promise<number> {
  const run = await h.service.startFull(1, h.migrationId);
  const status = await h.engine().execute(1, run.id);
  if (status !== 'completed') throw new Error(`the migration run ended ${status}`);
  return run.id;
}

/** The codes of the custom fields the sandbox company has for `entity`, sorted. */
export function customFieldCodes(h: MigrationHarness, entity: 'person' | 'organization'): string[] {
  return h.sb.sandbox
    .state(h.sb.companyId)
    .fields[entity].filter((f) => f.is_custom)
    .map((f) => f.code)
    .sort();
}
