// Files of one upload are staged and answered in the order they were sent, however long each takes to
// land on disk: the panel matches the answer to the files it sent by that order.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

/** A users export big enough to still be writing when a small file sent after it is done. */
function bigUsers(rows: number): Buffer {
  const lines = ['User ID,First name,Last name,Email'];
  for (let i = 0; i < rows; i++) lines.push(`u-${i},Anne,Hansen ${i},anne${i}@example.dk`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe.each(ENGINES)('upload order on %s', (engine) => {
  let app: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-order-'));
    app = await startTestApp(engine, { env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stages a large file sent first before a small one sent after it', async () => {
    const id = (await app.http.post('/api/migrations').send({}).expect(201)).body.id;
    const res = await app.http
      .post(`/api/migrations/${id}/files`)
      .attach('file', bigUsers(60_000), 'users.csv')
      .attach('file', Buffer.from('Company ID,Name\nc-1,Nordlys A/S\n'), 'companies.csv')
      .attach('file', Buffer.from('User ID,Company ID\nu-1,c-1\n'), 'memberships.csv')
      .expect(201);
    expect(res.body.files.map((f: { name: string; rows: number }) => [f.name, f.rows])).toEqual([
      ['users.csv', 60_000],
      ['companies.csv', 1],
      ['memberships.csv', 1],
    ]);
    const files = await app.http.get(`/api/migrations/${id}/files`).expect(200);
    expect(files.body.files.map((f: { name: string }) => f.name)).toEqual([
      'users.csv',
      'companies.csv',
      'memberships.csv',
    ]);
  });
});
