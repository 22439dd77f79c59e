// Every file a company gives us lives under its own folder, and an uninstall removes the folder whole:
// no upload or attachment of one company is stored where another's could point at it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { saveInstallation } from '../../server/tenants/installation.repository.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const FIXTURE = path.resolve('test/fixtures/quirks/users-semicolon-decimal-comma.csv');
const token = (companyId: number) =>
  jwt.sign({ userId: 1, companyId }, 'jwt', { algorithm: 'HS256', expiresIn: 300 });

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(ENGINES)('company files on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-files-'));
    t = await startTestApp(engine, {
      env: {
        DATA_DIR: dataDir,
        PIPEDRIVE_CLIENT_ID: 'cid',
        PIPEDRIVE_CLIENT_SECRET: 'secret',
        PIPEDRIVE_JWT_SECRET: 'jwt',
        TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32),
      },
    });
    for (const id of [31, 32]) {
      await upsertCompany(t.testDb.db, { id, name: `Company ${id}`, mode: 'marketplace' });
      await saveInstallation(t.testDb.db, id, {
        userId: 1,
        apiDomain: 'https://x.pipedrive.com',
        accessTokenEnc: 'v1.k1.a.b.c',
        refreshTokenEnc: 'v1.k1.a.b.c',
        expiresAt: new Date(Date.now() + 3_600_000),
        scope: 'base',
      });
    }
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = async (companyId: number) => {
    const m = await t.http
      .post('/api/migrations')
      .set('Authorization', `Bearer ${token(companyId)}`)
      .send({ name: 'm' });
    expect(m.status).toBe(201);
    const res = await t.http
      .post(`/api/migrations/${m.body.id}/files`)
      .set('Authorization', `Bearer ${token(companyId)}`)
      .attach('file', FIXTURE, 'users.csv');
    expect(res.status).toBe(201);
  };

  it('stores each company’s uploads under its own folder, even the same bytes', async () => {
    await upload(31);
    await upload(32);
    const stored31 = filesUnder(path.join(dataDir, 'companies', '31'));
    const stored32 = filesUnder(path.join(dataDir, 'companies', '32'));
    expect(stored31.filter((f) => f.startsWith('uploads/'))).toHaveLength(1);
    expect(stored32.filter((f) => f.startsWith('uploads/'))).toEqual(
      stored31.filter((f) => f.startsWith('uploads/')),
    );
    expect(readdirSync(dataDir)).toEqual(['companies']);
  });

  it('removes the uninstalled company’s folder and keeps the other’s', async () => {
    const res = await t.http
      .delete('/auth/pipedrive/callback')
      .auth('cid', 'secret')
      .send({ client_id: 'cid', company_id: 31, user_id: 1, timestamp: 1 });
    expect(res.status).toBe(200);
    expect(existsSync(path.join(dataDir, 'companies', '31'))).toBe(false);
    expect(
      filesUnder(path.join(dataDir, 'companies', '32')).filter((f) => f.startsWith('uploads/')),
    ).toHaveLength(1);
  });
});
