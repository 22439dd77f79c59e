import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenUsageStore } from '../../server/pipedrive/token-usage.repository.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';

describe.each(ENGINES)('token usage store on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
    await upsertCompany(t.db, { id: 5, name: 'Acme', mode: 'local' });
    await upsertCompany(t.db, { id: 6, name: 'Other', mode: 'local' });
  });
  afterAll(async () => t.destroy());

  it('adds concurrent spending without losing an update, per company and day', async () => {
    const store = tokenUsageStore(t.db);
    await Promise.all(Array.from({ length: 40 }, () => store.add(5, '2026-11-25', 5, 1)));
    await store.add(5, '2026-11-26', 3, 1);
    await store.add(6, '2026-11-25', 7, 2);
    expect(await store.read(5, '2026-11-25')).toEqual({ tokens: 200, requests: 40 });
    expect(await store.read(5, '2026-11-26')).toEqual({ tokens: 3, requests: 1 });
    expect(await store.read(6, '2026-11-25')).toEqual({ tokens: 7, requests: 2 });
    expect(await store.read(6, '2026-11-24')).toEqual({ tokens: 0, requests: 0 });
  });
});
