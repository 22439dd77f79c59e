// The staging API over real HTTP on 127.0.0.1, on both engines: uploads (multipart, streamed), what was
// recognised, kind overrides, staged records with issues, size limits and tenant scoping.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { QUIRKS } from '../helpers/staging.ts';

const fixture = (name: string) => readFileSync(path.join(QUIRKS, name));

/** A raw request, so tests control Content-Length and chunking exactly. */
function rawUpload(
  baseUrl: string,
  urlPath: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; json: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${urlPath}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    req.write(body);
    req.end();
  });
}

function multipart(boundary: string, name: string, content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

describe.each(ENGINES)('staging API on %s', (engine) => {
  let app: TestApp;
  let dataDir: string;
  let migrationId: number;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-http-'));
    app = await startTestApp(engine, { env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a migration', async () => {
    const res = await app.http.post('/api/migrations').send({ name: 'Spring move' }).expect(201);
    expect(res.body).toMatchObject({ companyId: 1, name: 'Spring move', status: 'draft' });
    migrationId = res.body.id;
    const list = await app.http.get('/api/migrations').expect(200);
    expect(list.body.migrations.map((m: { id: number }) => m.id)).toEqual([migrationId]);
  });

  it('stages uploaded files and answers with what it recognised and staged', async () => {
    const res = await app.http
      .post(`/api/migrations/${migrationId}/files`)
      .attach('file', fixture('users-semicolon-decimal-comma.csv'), 'brugere æøå.csv')
      .attach('file', fixture('companies-with-a-company-without-users.csv'), 'companies.csv')
      .expect(201);
    expect(
      res.body.files.map((f: Record<string, unknown>) => [
        f.name,
        f.kind,
        f.rows,
        f.encoding,
        f.delimiter,
        f.status,
      ]),
    ).toEqual([
      ['brugere æøå.csv', 'users', 2, 'utf-8', ';', 'staged'],
      ['companies.csv', 'companies', 3, 'utf-8', ',', 'staged'],
    ]);
    expect(res.body.summary.counts).toMatchObject({ person: 2, organization: 3, membership: 2 });
  });

  it('lists the files with their detection evidence, profiles and proposed column roles, but not where they are stored', async () => {
    const res = await app.http.get(`/api/migrations/${migrationId}/files`).expect(200);
    const [users] = res.body.files;
    expect(users).toMatchObject({ kind: 'users', headerRowIndex: 0, sheetName: null, status: 'staged' });
    expect(users.storedPath).toBeUndefined();
    expect(users.kindEvidence[0]).toMatch(/^headers "Medarbejder id" \(actimoId\), .*"E-mail" \(email\)/);
    expect(users.columnRoles.find((r: { header: string }) => r.header === 'E-mail')).toEqual({
      column: 3,
      header: 'E-mail',
      field: 'email',
      confidence: 0.95,
      reason: 'header "E-mail" is a known name for email',
      parse: { type: 'email' },
    });
    expect(
      users.columnProfiles.find((p: { header: string }) => p.header === 'Ansættelsesdato'),
    ).toMatchObject({
      type: 'date',
      nullRate: 0,
      date: { formats: ['DD-MM-YYYY'], orders: { '-': 'dmy' }, needsOrder: false },
    });
  });

  it('pages staged records with their issues', async () => {
    const res = await app.http
      .get(`/api/migrations/${migrationId}/staged/person?limit=1&offset=1`)
      .expect(200);
    expect(res.body).toMatchObject({ offset: 1, limit: 1, total: 2 });
    expect(res.body.records.map((r: { actimoId: string }) => r.actimoId)).toEqual(['u-2']);
    const orgs = await app.http
      .get(`/api/migrations/${migrationId}/staged/organization?code=company_without_users`)
      .expect(200);
    expect(
      orgs.body.records.map((r: { actimoId: string; issues: Array<{ code: string }> }) => [
        r.actimoId,
        r.issues.map((i) => i.code),
      ]),
    ).toEqual([['c-3', ['company_without_users']]]);
    await app.http.get(`/api/migrations/${migrationId}/staged/planet`).expect(400);
    const links = await app.http.get(`/api/migrations/${migrationId}/memberships?personId=u-1`).expect(200);
    expect(links.body.memberships).toEqual([
      { personId: 'u-1', organizationId: 'c-1', isPrimary: true, source: 'users', provenance: [1, 1, 7] },
    ]);
  });

  it('answers a failed upload with the reason, and keeps what was staged', async () => {
    const res = await app.http
      .post(`/api/migrations/${migrationId}/files`)
      .attach('file', fixture('users-header-only.csv'), 'users-header-only.csv')
      .expect(400);
    expect(res.body.error).toMatchObject({
      code: 'header_only',
      message: 'users-header-only.csv has a header row but no data rows: there is nothing to stage.',
    });
    const staged = await app.http.get(`/api/migrations/${migrationId}/staged/person`).expect(200);
    expect(staged.body.total).toBe(2);
  });

  it('refuses a 2 GB upload from its Content-Length, before reading it', async () => {
    const res = await rawUpload(
      app.baseUrl,
      `/api/migrations/${migrationId}/files`,
      { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 * 1024 ** 3 + 1) },
      Buffer.from('--x\r\n'),
    );
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: 'upload_too_large' });
    expect(res.json.error?.message).toBe(
      'The upload is larger than 2147483648 bytes (UPLOAD_MAX_BYTES). Nothing from it was staged; split the exports or zip them.',
    );
  });

  it('refuses a body that is not multipart', async () => {
    const res = await app.http.post(`/api/migrations/${migrationId}/files`).send({ file: 'x' }).expect(415);
    expect(res.body.error.code).toBe('multipart_required');
  });

  it('overrides a file kind', async () => {
    const files = (await app.http.get(`/api/migrations/${migrationId}/files`)).body.files;
    const res = await app.http
      .patch(`/api/migrations/${migrationId}/files/${files[1].id}`)
      .send({ kind: 'unknown' })
      .expect(200);
    expect(res.body).toMatchObject({ kind: 'unknown', kindOverridden: true, columnRoles: [] });
    const orgs = await app.http.get(`/api/migrations/${migrationId}/staged/organization`).expect(200);
    expect(orgs.body.total).toBe(0);
  });

  it("never shows one company's migration to another", async () => {
    const other = await startTestApp(engine, {
      resolveTenant: () => ({ companyId: 2, userId: 9, mode: 'marketplace' }),
    });
    try {
      await upsertCompany(other.testDb.db, { id: 2, name: 'Other', mode: 'marketplace' });
      const mine = await other.http.post('/api/migrations').send({}).expect(201);
      expect(mine.body.companyId).toBe(2);
      await other.http.get(`/api/migrations/${mine.body.id + 1000}`).expect(404);
    } finally {
      await other.close();
    }
    await app.http.get(`/api/migrations/${migrationId + 1000}/files`).expect(404);
  });
});

describe('staging API upload limit while streaming', () => {
  let app: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'actimo-limit-'));
    app = await startTestApp('sqlite', { env: { UPLOAD_MAX_BYTES: '2000', DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops a chunked upload (no Content-Length) once it passes UPLOAD_MAX_BYTES, and stages nothing', async () => {
    const m = (await app.http.post('/api/migrations').send({}).expect(201)).body.id;
    const big = Buffer.from(`User ID,First name\n${'u,Anne\n'.repeat(1000)}`);
    const res = await rawUpload(
      app.baseUrl,
      `/api/migrations/${m}/files`,
      { 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' },
      multipart('b', 'users.csv', big),
    );
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe('upload_too_large');
    const files = await app.http.get(`/api/migrations/${m}/files`).expect(200);
    expect(files.body.files).toEqual([]);
  });
});
