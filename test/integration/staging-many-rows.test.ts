// Consolidation of files larger than one page of raw rows and one spill bucket, on both engines: every
// row is read exactly once (page boundaries included) and keeps its exact provenance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { type StagingHarness, stagingHarness } from '../helpers/staging.ts';

const USERS = 12_345;
const id = (n: number) => `U${String(n).padStart(5, '0')}`;

function usersCsv(): string {
  const lines = ['User ID,First name,Last name,Email'];
  for (let n = 1; n <= USERS; n++) lines.push(`${id(n)},Ida ${n},Ærø,ida.${n}@example.dk`);
  return `${lines.join('\r\n')}\r\n`;
}

describe.each(ENGINES)(`staging ${USERS} users from one file on %s`, (engine) => {
  let t: TestDb;
  let h: StagingHarness;
  let migrationId: number;
  let fileId: number;
  beforeAll(async () => {
    t = await createTestDb(engine);
    h = await stagingHarness(t);
    migrationId = await h.newMigration();
    const result = await h.stage(migrationId, [h.bytes('users.csv', usersCsv())]);
    fileId = result.files[0]!.fileId!;
  });
  afterAll(async () => {
    h.close();
    await t.destroy();
  });

  it('stages one person per row', async () => {
    const page = await h.service.staged(1, migrationId, { entity: 'person', offset: 0, limit: 1 });
    expect(page.total).toBe(USERS);
  });

  it('keeps the values and provenance of the rows on both sides of each page of raw rows', async () => {
    for (const n of [1, 1999, 2000, 2001, 4000, 4001, 12_000, USERS]) {
      const page = await h.service.staged(1, migrationId, { entity: 'person', offset: n - 1, limit: 1 });
      expect(page.records.map((r) => [r.actimoId, r.values, r.provenance])).toEqual([
        [
          id(n),
          {
            actimoId: id(n),
            firstName: `Ida ${n}`,
            lastName: 'Ærø',
            fullName: `Ida ${n} Ærø`,
            email: `ida.${n}@example.dk`,
          },
          { firstName: [fileId, n, 1], lastName: [fileId, n, 2], email: [fileId, n, 3] },
        ],
      ]);
    }
  });
});
