// The rebuild artifacts over real HTTP on both engines: an export set with the workflows and integrations
// documents (from the fixture generator) uploaded with the tables; the list of downloads with their
// availability; the workflow reference and guide; the integrations document; a malformed workflows export
// refused with its file and JSON path; a migration without those exports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

describe.each(ENGINES)('rebuild artifacts API on %s', (engine) => {
  let app: TestApp;
  let dir: string;
  let migrationId: number;
  let documents: { flows: number; steps: number; integrations: number };

  const upload = async (files: string[]) => {
    const id = (await app.http.post('/api/migrations').send({ name: 'artifacts' }).expect(201)).body
      .id as number;
    let req = app.http.post(`/api/migrations/${id}/files`);
    for (const f of files) req = req.attach('file', f);
    await req.expect(201);
    return id;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'artifacts-http-'));
    app = await startTestApp(engine, { env: { DATA_DIR: path.join(dir, 'data') } });
    const set = await generateExportSet({ dir: path.join(dir, 'set'), users: 60, seed: 3, documents: true });
    documents = set.documents!;
    migrationId = await upload(set.files);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every artifact with its availability, sources and download address', async () => {
    const body = (await app.http.get(`/api/migrations/${migrationId}/artifacts`).expect(200)).body;
    expect(body.migrationId).toBe(migrationId);
    expect(
      body.artifacts.map((a: { name: string; available: boolean; url: string; sources: string[] }) => [
        a.name,
        a.available,
        a.url,
        a.sources.length,
      ]),
    ).toEqual([
      ['workflows.json', true, `/api/migrations/${migrationId}/artifacts/workflows.json`, 1],
      ['workflows.md', true, `/api/migrations/${migrationId}/artifacts/workflows.md`, 1],
      ['integrations.json', true, `/api/migrations/${migrationId}/artifacts/integrations.json`, 1],
      ['integrations.md', true, `/api/migrations/${migrationId}/artifacts/integrations.md`, 1],
      ['custom-fields.json', true, `/api/migrations/${migrationId}/map/schema.json`, 9],
      ['custom-fields.md', true, `/api/migrations/${migrationId}/map/schema.md`, 9],
    ]);
    // Per generated flow, the training and the survey have no equivalent, and so has a message by SMS or
    // push; the learning path's three courses neither.
    const ref = (await app.http.get(`/api/migrations/${migrationId}/artifacts/workflows.json`).expect(200))
      .body;
    const bySmsOrPush = ref.flows.filter((f: { steps: Array<{ channel: string | null }> }) =>
      ['sms', 'push'].includes(f.steps[0]!.channel ?? ''),
    ).length;
    expect(body.artifacts[0].summary).toBe(
      `${documents.flows} flow(s), ${documents.steps} step(s), ${2 * (documents.flows - 1) + 3 + bySmsOrPush} without a Pipedrive equivalent`,
    );
    expect(body.artifacts[2].summary).toBe('3 integration(s)');
  });

  it('serves the workflow reference as a JSON download with every flow, and the rebuild guide', async () => {
    const res = await app.http.get(`/api/migrations/${migrationId}/artifacts/workflows.json`).expect(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="workflows-migration-${migrationId}.json"`,
    );
    const ref = JSON.parse(res.text);
    expect(ref.counts.flows).toBe(documents.flows);
    expect(ref.counts.steps).toBe(documents.steps);
    expect(ref.files.map((f: { name: string; flows: number }) => [f.name, f.flows])).toEqual([
      ['workflows.json', documents.flows],
    ]);
    expect(ref.flows.at(-1)).toMatchObject({ id: 'lp-1', name: 'Safety basics', kind: 'learning_path' });
    // The property the guide does not use is kept as written (formula characters included).
    expect(ref.flows[0].extra).toEqual({ createdBy: '=HYPERLINK("x")' });
    const guide = await app.http.get(`/api/migrations/${migrationId}/artifacts/workflows.md`).expect(200);
    expect(guide.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(guide.text).toContain('\n## Onboarding ');
    expect(guide.text).toContain('- Trigger: Person created — Actimo: contact\\_created');
    expect(guide.text).toContain('\n## Safety basics\n');
  });

  it('serves the integrations document with a replacement for each integration', async () => {
    const doc = (await app.http.get(`/api/migrations/${migrationId}/artifacts/integrations.json`).expect(200))
      .body;
    expect(
      doc.integrations.map((i: { name: string; category: string; replacements: Array<{ kind: string }> }) => [
        i.name,
        i.category,
        i.replacements.map((r) => r.kind),
      ]),
    ).toEqual([
      ['Personio sync', 'hris', ['marketplace_app', 'api_sync']],
      ['Azure AD', 'identity', ['built_in', 'manual']],
      ['Teams notifications', 'chat', ['marketplace_app', 'automation']],
    ]);
    const md = await app.http.get(`/api/migrations/${migrationId}/artifacts/integrations.md`).expect(200);
    expect(md.text).toContain('| Azure AD | identity / sign-in | into Actimo | users, groups |');
  });

  it('refuses a malformed workflows export with the file and the JSON path, and says so in the list', async () => {
    const bad = path.join(dir, 'bad', 'workflows.json');
    mkdirSync(path.dirname(bad), { recursive: true });
    writeFileSync(bad, JSON.stringify({ workflows: [{ id: 'a', steps: [{ name: 'no type' }] }] }));
    const id = await upload([bad]);
    const res = await app.http.get(`/api/migrations/${id}/artifacts/workflows.json`).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'step_without_type',
      details: { file: 'workflows.json', path: '$.workflows[0].steps[0]' },
    });
    expect(res.body.error.message).toBe(
      'workflows.json, at $.workflows[0].steps[0]: a step needs a type (or action), found an object with name',
    );
    const list = (await app.http.get(`/api/migrations/${id}/artifacts`).expect(200)).body;
    expect(list.artifacts[1]).toMatchObject({
      name: 'workflows.md',
      available: false,
      sources: ['workflows.json'],
      unavailable: { code: 'step_without_type', details: { path: '$.workflows[0].steps[0]' } },
    });
  });

  it('says an artifact is not available when its export was not uploaded', async () => {
    const set = await generateExportSet({ dir: path.join(dir, 'plain'), users: 20, seed: 4 });
    const id = await upload(set.files.slice(0, 1));
    const res = await app.http.get(`/api/migrations/${id}/artifacts/integrations.md`).expect(404);
    expect(res.body.error).toMatchObject({
      code: 'artifact_not_available',
      message: `No integrations export was uploaded to migration ${id}.`,
    });
    const list = (await app.http.get(`/api/migrations/${id}/artifacts`).expect(200)).body;
    expect(list.artifacts.map((a: { available: boolean }) => a.available)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('answers 404 for a migration that does not exist', async () => {
    const res = await app.http.get('/api/migrations/999999/artifacts').expect(404);
    expect(res.body.error.code).toBe('migration_not_found');
  });
});
