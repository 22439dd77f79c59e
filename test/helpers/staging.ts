// Staging fixtures into a private test database through the same service the API and the CLI use.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputFile } from '../../server/staging/ingest.service.ts';
import type { StagedRecordView } from '../../server/staging/staged.repository.ts';
import { type StageResult, StagingService } from '../../server/staging/staging.service.ts';
import type { Entity } from '../../server/staging/vocabulary.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import type { TestDb } from './db.ts';

export const QUIRKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'quirks');

export const TEST_ZIP_LIMITS = {
  maxEntries: 100,
  maxEntryBytes: 8 * 2 ** 20,
  maxTotalBytes: 16 * 2 ** 20,
  maxRatio: 100,
};

export interface StagingHarness {
  service: StagingService;
  dataDir: string;
  /** Writes bytes to a temporary file named `name` and returns it as an input. */
  bytes(name: string, data: Buffer | string): InputFile;
  fixture(name: string): InputFile;
  stage(migrationId: number, inputs: InputFile[]): Promise<StageResult>;
  newMigration(): Promise<number>;
  records(migrationId: number, entity: Exclude<Entity, 'membership'>): Promise<Map<string, StagedRecordView>>;
  close(): void;
}

export async function stagingHarness(
  t: TestDb,
  companyId = 1,
  maxFileBytes = 64 * 2 ** 20,
): Promise<StagingHarness> {
  await upsertCompany(t.db, { id: companyId, name: `Company ${companyId}`, mode: 'local' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-staging-'));
  const inputs = path.join(dataDir, 'inputs');
  const service = new StagingService(t.db, { dataDir, maxFileBytes, zip: TEST_ZIP_LIMITS });
  let n = 0;
  return {
    service,
    dataDir,
    bytes(name, data) {
      const dir = path.join(inputs, String(n++));
      const file = path.join(dir, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, data);
      return { name, path: file };
    },
    fixture: (name) => ({ name, path: path.join(QUIRKS, name) }),
    stage: (migrationId, files) => service.stage(companyId, migrationId, files),
    newMigration: async () => (await service.createMigration(companyId, 'test')).id,
    async records(migrationId, entity) {
      const page = await service.staged(companyId, migrationId, { entity, offset: 0, limit: 500 });
      return new Map(page.records.map((r) => [r.actimoId, r]));
    },
    close: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
