// The bulk writer of consolidation (COPY on PostgreSQL, json_each on SQLite) stores every value byte-exact:
// text with the characters COPY escapes, JSON with nested arrays, nulls, booleans and non-BMP characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMigration } from '../../server/staging/source-file.repository.ts';
import {
  insertIssues,
  insertMemberships,
  insertStaged,
  listMemberships,
  listStaged,
} from '../../server/staging/staged.repository.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';

const AWKWARD = 'tab\there, new\nline, cr\r, back\\slash, \\N, quote " and \' æøå 👩🏽‍💻';

describe.each(ENGINES)('bulk insert of staged records on %s', (engine) => {
  let t: TestDb;
  let migrationId: number;
  beforeAll(async () => {
    t = await createTestDb(engine);
    await upsertCompany(t.db, { id: 1, name: 'One', mode: 'local' });
    await upsertCompany(t.db, { id: 2, name: 'Two', mode: 'local' });
    migrationId = (await insertMigration(t.db, 1, 'bulk')).id;
    await t.db.transaction(async (trx) => {
      await insertStaged(trx, 1, migrationId, [
        {
          entity: 'person',
          actimoId: 'p\t1',
          personId: null,
          data: { fullName: AWKWARD, companyIds: ['9001', '9\\002'], active: true, score: 7.25 },
          provenance: { fullName: [3, 1, 2], companyIds: [3, 1, 4] },
          issues: [],
        },
        {
          entity: 'metrics',
          actimoId: 'p\t1',
          personId: 'p\t1',
          data: { personId: 'p\t1', messageCount: 0 },
          provenance: {},
          issues: [{ code: 'user_not_found', severity: 'warning', message: 'x' }],
        },
      ]);
      await insertMemberships(trx, 1, migrationId, [
        {
          personId: 'p\t1',
          organizationId: '9\\002',
          isPrimary: true,
          source: 'users',
          provenance: [3, 1, 4],
        },
        {
          personId: 'p\t1',
          organizationId: '9001',
          isPrimary: false,
          source: 'memberships',
          provenance: [5, 2, 0],
        },
      ]);
      await insertIssues(trx, 1, migrationId, [
        {
          entity: 'person',
          actimoId: 'p\t1',
          issue: {
            code: 'invalid_email',
            severity: 'error',
            field: 'email',
            message: AWKWARD,
            source: [3, 1, 5],
          },
        },
        {
          entity: 'person',
          actimoId: 'p\t1',
          issue: { code: 'missing_name', severity: 'error', message: 'none' },
        },
      ]);
    });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('reads back every value of a staged record exactly as it was written', async () => {
    const persons = await listStaged(t.db, 1, migrationId, { entity: 'person', offset: 0, limit: 10 });
    expect(persons).toEqual({
      total: 1,
      records: [
        {
          entity: 'person',
          actimoId: 'p\t1',
          personId: null,
          values: { fullName: AWKWARD, companyIds: ['9001', '9\\002'], active: true, score: 7.25 },
          provenance: { fullName: [3, 1, 2], companyIds: [3, 1, 4] },
          issues: [
            { code: 'invalid_email', severity: 'error', field: 'email', message: AWKWARD, source: [3, 1, 5] },
            { code: 'missing_name', severity: 'error', message: 'none' },
          ],
        },
      ],
    });
    const metrics = await listStaged(t.db, 1, migrationId, { entity: 'metrics', offset: 0, limit: 10 });
    expect(metrics.records.map((r) => [r.actimoId, r.personId, r.values])).toEqual([
      ['p\t1', 'p\t1', { personId: 'p\t1', messageCount: 0 }],
    ]);
    expect(await t.db('staged_person_metrics').select('issue_count')).toEqual([{ issue_count: 1 }]);
  });

  it('reads back memberships with their primary flag and provenance', async () => {
    expect(await listMemberships(t.db, 1, migrationId)).toEqual([
      {
        personId: 'p\t1',
        organizationId: '9001',
        isPrimary: false,
        source: 'memberships',
        provenance: [5, 2, 0],
      },
      { personId: 'p\t1', organizationId: '9\\002', isPrimary: true, source: 'users', provenance: [3, 1, 4] },
    ]);
  });

  it('writes the records under the given company and migration only', async () => {
    for (const table of ['staged_persons', 'staged_person_metrics', 'staged_memberships', 'staging_issues']) {
      const rows = await t.db(table).select('company_id', 'migration_id');
      expect(rows.map((r) => [Number(r.company_id), Number(r.migration_id)])).toEqual(
        rows.map(() => [1, migrationId]),
      );
    }
    expect(await listStaged(t.db, 2, migrationId, { entity: 'person', offset: 0, limit: 10 })).toEqual({
      total: 0,
      records: [],
    });
  });
});
