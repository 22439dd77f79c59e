// The field-map API over real HTTP on 127.0.0.1, on both engines: the proposal for an uploaded export set,
// source and destination edits (a column change re-runs consolidation), version conflicts, confirmation,
// the value preview, the schema and specification documents, profiles (save, export, import, apply), a
// restart, the next upload with the same headers, and tenant scoping.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { DEPARTMENT_AS_OPTIONS, destinationOf } from '../helpers/mapping.ts';
import { QUIRKS } from '../helpers/staging.ts';

interface Column {
  column: number;
  header: string;
  field: string | null;
  destination: string;
  origin: string;
  reason: string;
  decided: boolean;
  flags: Array<{ code: string }>;
}
interface MapBody {
  version: number;
  status: string;
  files: Array<{
    fileId: number;
    name: string;
    kind: string;
    columns: Column[];
    fieldChoices: Array<{ field: string; label: string }>;
  }>;
  destinations: Array<{
    entity: string;
    field: string;
    destination: Record<string, unknown>;
    origin: string;
    choices: {
      standard: Array<{ key: string; label: string }>;
      custom: boolean;
      note: boolean;
      ignore: boolean;
    };
  }>;
  blockers: Array<{ code: string; message: string }>;
  canConfirm: boolean;
}

const column = (m: MapBody, kind: string, header: string, nth = 0) =>
  m.files.filter((f) => f.kind === kind)[nth]!.columns.find((c) => c.header === header)!;
const fileOf = (m: MapBody, kind: string, nth = 0) => m.files.filter((f) => f.kind === kind)[nth]!;

describe.each(ENGINES)('field-map API on %s', (engine) => {
  let app: TestApp;
  let dir: string;
  let first: string[];
  let second: string[];
  let migrationId: number;
  let profileId: number;

  const upload = async (m: number, files: string[]) => {
    let req = app.http.post(`/api/migrations/${m}/files`);
    for (const f of files) req = req.attach('file', f);
    return req.expect(201);
  };
  const map = async (m = migrationId): Promise<MapBody> =>
    (await app.http.get(`/api/migrations/${m}/map`).expect(200)).body;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mapping-http-'));
    app = await startTestApp(engine, { env: { DATA_DIR: path.join(dir, 'data') } });
    first = (
      await generateExportSet({
        dir: path.join(dir, 'a'),
        users: 300,
        language: 'en',
        shuffle: true,
        seed: 5,
      })
    ).files;
    second = (
      await generateExportSet({
        dir: path.join(dir, 'b'),
        users: 300,
        language: 'en',
        shuffle: true,
        seed: 6,
      })
    ).files;
    migrationId = (await app.http.post('/api/migrations').send({ name: 'Nov export' }).expect(201)).body.id;
    await upload(migrationId, first);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('proposes a map for the uploaded exports on first read, and keeps it', async () => {
    const m = await map();
    expect(m).toMatchObject({ version: 1, status: 'draft', blockers: [], canConfirm: true });
    expect(m.files.map((f) => f.kind).sort()).toEqual(
      [
        'activities',
        'companies',
        'engagement',
        'files',
        'memberships',
        'messages',
        'surveys',
        'training',
        'users',
      ].sort(),
    );
    expect(column(m, 'users', 'Department')).toMatchObject({
      field: 'department',
      destination: 'Department → Person · our custom field "Department" (text)',
      origin: 'proposal',
      flags: [],
    });
    expect((await map()).version).toBe(1);
  });

  it('says what each column and each destination may be changed to, as the edit rules allow', async () => {
    const m = await map();
    expect(fileOf(m, 'companies').fieldChoices.slice(0, 2)).toEqual([
      { field: 'actimoId', label: 'Actimo ID' },
      { field: 'name', label: 'name' },
    ]);
    const dest = (entity: string, field: string) => destinationOf(m, entity, field)?.choices;
    expect(dest('person', 'email')).toEqual({
      standard: [{ key: 'emails', label: 'Email' }],
      custom: true,
      note: true,
      ignore: true,
    });
    expect(dest('person', 'name')).toEqual({
      standard: [{ key: 'name', label: 'Name' }],
      custom: false,
      note: false,
      ignore: false,
    });
    expect(dest('person', 'organization')).toEqual({
      standard: [{ key: 'org_id', label: 'Organization' }],
      custom: false,
      note: true,
      ignore: true,
    });
  });

  it('re-reads the file when a column changes, so staged records follow the map', async () => {
    const m = await map();
    const created = column(m, 'users', 'Created');
    const users = fileOf(m, 'users');
    const person = async () =>
      (await app.http.get(`/api/migrations/${migrationId}/staged/person?limit=1`).expect(200)).body.records[0]
        .values;
    expect(await person()).toHaveProperty('addTime');
    const res = await app.http
      .patch(`/api/migrations/${migrationId}/map/source`)
      .send({ version: m.version, changes: [{ fileId: users.fileId, column: created.column, field: null }] })
      .expect(200);
    expect(res.body.version).toBe(2);
    expect(column(res.body, 'users', 'Created')).toMatchObject({
      field: null,
      origin: 'admin',
      decided: true,
      destination: 'not migrated (ignored)',
    });
    expect(await person()).not.toHaveProperty('addTime');
    await app.http
      .patch(`/api/migrations/${migrationId}/map/source`)
      .send({ version: 2, changes: [{ fileId: users.fileId, column: created.column, field: 'addTime' }] })
      .expect(200);
    expect(await person()).toHaveProperty('addTime');
  });

  it('refuses an edit made on an older version, and an edit that makes no sense', async () => {
    const m = await map();
    const users = fileOf(m, 'users');
    const stale = await app.http
      .patch(`/api/migrations/${migrationId}/map/source`)
      .send({ version: 1, changes: [{ fileId: users.fileId, column: 0, accept: true }] })
      .expect(409);
    expect(stale.body.error.code).toBe('map_changed');
    const bad = await app.http
      .patch(`/api/migrations/${migrationId}/map/destinations`)
      .send({
        version: m.version,
        changes: [{ entity: 'person', field: 'actimoId', destination: { kind: 'ignore' } }],
      })
      .expect(400);
    expect(bad.body.error).toMatchObject({
      code: 'destination_required',
      message: 'Actimo ID must land in Pipedrive: it is how records are found again.',
    });
    await app.http
      .patch(`/api/migrations/${migrationId}/map/source`)
      .send({ version: m.version, changes: [] })
      .expect(400);
    expect((await map()).version).toBe(m.version);
  });

  it('changes destinations and settings', async () => {
    const m = await map();
    const res = await app.http
      .patch(`/api/migrations/${migrationId}/map/destinations`)
      .send({
        version: m.version,
        changes: [
          {
            entity: 'person',
            field: 'department',
            destination: { kind: 'custom', name: 'Afdeling (Actimo)' },
          },
          { entity: 'person', field: 'messageDeliveryStatus', destination: { kind: 'note' } },
        ],
        settings: { missingName: 'email' },
      })
      .expect(200);
    const dest = (field: string) => destinationOf(res.body as MapBody, 'person', field);
    expect(dest('department')).toMatchObject({
      destination: {
        kind: 'custom',
        logicalName: 'department__c',
        name: 'Afdeling (Actimo)',
        type: 'varchar',
      },
      origin: 'admin',
    });
    expect(dest('messageDeliveryStatus')?.destination).toEqual({ kind: 'note' });
    expect(res.body.settings.missingName).toBe('email');
    expect(column(res.body, 'messages', 'Delivery status').destination).toBe(
      'Message delivery status → Person · a note ("From Actimo")',
    );
  });

  it('shows what each value of an option column becomes, and adds a new option to our field through the column edit', async () => {
    // A migration of its own: the other tests follow one map version by version.
    const own = (await app.http.post('/api/migrations').send({ name: 'Options' }).expect(201)).body.id;
    await upload(own, first);
    let m = await map(own);
    m = (
      await app.http
        .patch(`/api/migrations/${own}/map/destinations`)
        .send({
          version: m.version,
          changes: [DEPARTMENT_AS_OPTIONS],
        })
        .expect(200)
    ).body;
    const users = fileOf(m, 'users');
    type OptionColumn = Column & {
      values?: Record<string, string | null>;
      optionMapping: {
        options: string[];
        values: Array<{ value: string; count: number; option: string | null; status: string }>;
      } | null;
    };
    const dept = column(m, 'users', 'Department') as OptionColumn;
    // Counted over the raw rows of the generated export (seed 5), most frequent first.
    expect(dept.optionMapping).toEqual({
      where: 'Person · our custom field "Department" (single option)',
      options: ['Sales', 'HR'],
      canAddOptions: true,
      values: [
        { value: 'HR', count: 68, option: 'HR', status: 'option' },
        { value: 'Sales', count: 62, option: 'Sales', status: 'option' },
        { value: 'Drift; Nord', count: 61, option: null, status: 'unmatched' },
        { value: 'Kundeservice', count: 56, option: null, status: 'unmatched' },
        { value: 'Lager', count: 56, option: null, status: 'unmatched' },
      ],
      unmatched: 3,
    });
    expect(dept.flags.map((f) => f.code)).toEqual(['unmapped_values']);
    const res = await app.http
      .patch(`/api/migrations/${own}/map/source`)
      .send({
        version: m.version,
        changes: [
          {
            fileId: users.fileId,
            column: dept.column,
            values: { Lager: 'Warehouse', 'Drift; Nord': null, Kundeservice: 'HR' },
            newOptions: ['Warehouse'],
          },
        ],
      })
      .expect(200);
    const after = column(res.body, 'users', 'Department') as OptionColumn;
    expect(after.optionMapping).toEqual({
      where: 'Person · our custom field "Department" (single option)',
      options: ['Sales', 'HR', 'Warehouse'],
      canAddOptions: true,
      values: [
        { value: 'HR', count: 68, option: 'HR', status: 'option' },
        { value: 'Sales', count: 62, option: 'Sales', status: 'option' },
        { value: 'Drift; Nord', count: 61, option: null, status: 'empty' },
        { value: 'Kundeservice', count: 56, option: 'HR', status: 'option' },
        { value: 'Lager', count: 56, option: 'Warehouse', status: 'option' },
      ],
      unmatched: 0,
    });
    expect(after.flags).toEqual([]);
    expect(destinationOf(res.body as MapBody, 'person', 'department')?.destination).toEqual({
      kind: 'custom',
      logicalName: 'department__c',
      name: 'Department',
      type: 'enum',
      options: ['Sales', 'HR', 'Warehouse'],
    });
    const email = users.columns.find((c) => c.field === 'email')!;
    const refused = await app.http
      .patch(`/api/migrations/${own}/map/source`)
      .send({
        version: res.body.version,
        changes: [{ fileId: users.fileId, column: email.column, newOptions: ['Warehouse'] }],
      })
      .expect(400);
    expect(refused.body.error).toMatchObject({
      code: 'not_an_option_field',
      message: `"${email.header}" does not feed a single or multiple option field, so it has no options to add to.`,
    });
  });

  it('previews the exact payload of a record, and says what is not known before provisioning', async () => {
    const res = await app.http
      .get(`/api/migrations/${migrationId}/map/preview/person?actimoId=100010`)
      .expect(200);
    expect(res.body).toMatchObject({
      entity: 'person',
      actimoId: '100010',
      exact: false,
      pendingReferences: ['org_id', 'owner_id'],
    });
    const body = res.body.payload.body;
    expect(body.name).toEqual(expect.any(String));
    expect(body.emails).toEqual([{ value: 'user10@example.dk', primary: true, label: 'work' }]);
    expect(body.custom_fields['new:actimo_id__c']).toBe('100010');
    expect(body.custom_fields['new:department__c']).toEqual(expect.any(String));
    expect(res.body.payload.note).toMatch(
      /^<p><b>From Actimo<\/b><\/p><ul><li>Message delivery status: (delivered|bounced)<\/li><\/ul>$/,
    );
    const email = res.body.payload.trace.find((t: { target: string }) => t.target === 'email');
    expect(email).toMatchObject({
      pipedriveKey: 'emails',
      valueType: 'emails',
      sources: [{ header: 'Email', raw: 'user10@example.dk' }],
    });
    // User 100010 is in two companies (the generator links every tenth user to two).
    expect(res.body.secondaryOrganizationsNote).toMatch(
      /^<p>Also works for this company in Actimo:<\/p><ul><li>.+ \(Actimo company 9002\)<\/li><\/ul><p>Actimo user 100010<\/p>$/,
    );
    await app.http.get(`/api/migrations/${migrationId}/map/preview/person?actimoId=nobody`).expect(404);
    await app.http.get(`/api/migrations/${migrationId}/map/preview/planet`).expect(400);
  });

  it('writes the schema document and the mapping specification, with the gaps', async () => {
    const schema = await app.http.get(`/api/migrations/${migrationId}/map/schema.json`).expect(200);
    expect(
      schema.body.fields.map((f: { logicalName: string; status: string }) => [f.logicalName, f.status]),
    ).toEqual([
      ['actimo_id__c', 'not provisioned'],
      ['department__c', 'not provisioned'],
      ['engagement_score__c', 'not provisioned'],
      ['courses_started__c', 'not provisioned'],
      ['courses_completed__c', 'not provisioned'],
      ['last_training_date__c', 'not provisioned'],
      ['quiz_score__c', 'not provisioned'],
      ['message_open_rate__c', 'not provisioned'],
      ['message_click_rate__c', 'not provisioned'],
      ['message_count__c', 'not provisioned'],
      ['last_survey_response__c', 'not provisioned'],
      ['survey_score__c', 'not provisioned'],
      ['actimo_id__c', 'not provisioned'],
    ]);
    const md = await app.http.get(`/api/migrations/${migrationId}/map/schema.md`).expect(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.headers['content-disposition']).toBe(
      `attachment; filename="custom-fields-migration-${migrationId}.md"`,
    );
    expect(md.text).toContain(
      '| Person | Afdeling (Actimo) | `department__c` | text | (not created yet) | Department: the department or team | not provisioned |',
    );
    const spec = await app.http.get(`/api/migrations/${migrationId}/map/spec.md`).expect(200);
    expect(spec.text).toContain('## users.csv (users)');
    expect(spec.text).toContain(
      '- surveys.csv, "Survey": surveyName is staged but nothing in Pipedrive holds it',
    );
    expect(spec.text).toContain(
      '- Site location (person): no column feeds it; nothing is written to Person · our custom field "Site location" (text)',
    );
    const json = await app.http.get(`/api/migrations/${migrationId}/map/spec.json`).expect(200);
    expect(json.body.files).toHaveLength(9);
    expect(json.body.gaps.columnsWithoutDestination).toHaveLength(1);
  });

  it('confirms the map and saves it as a named profile', async () => {
    const m = await map();
    const users = fileOf(m, 'users');
    const edited = await app.http
      .patch(`/api/migrations/${migrationId}/map/source`)
      .send({
        version: m.version,
        changes: [{ fileId: users.fileId, column: column(m, 'users', 'Job title').column, field: null }],
      })
      .expect(200);
    const res = await app.http
      .post(`/api/migrations/${migrationId}/map/confirm`)
      .send({ version: edited.body.version, profile: 'Actimo export, Nov 2026' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'confirmed', confirmedBy: 1, canConfirm: false });
    expect(res.body.confirmedAt).toEqual(expect.any(String));
    expect(res.body.savedProfile).toMatchObject({ name: 'Actimo export, Nov 2026', version: 1 });
    profileId = res.body.savedProfile.id;
    const again = await app.http
      .post(`/api/migrations/${migrationId}/map/profiles`)
      .send({ name: 'Actimo export, Nov 2026' })
      .expect(201);
    expect(again.body.version).toBe(2);
  });

  it('keeps the changed map across a restart and applies it to the next upload with the same headers', async () => {
    // A second app on the same database: nothing of the map lives in memory.
    const restarted = createApp({
      config: app.config,
      db: app.testDb.db,
      logger: createLogger('silent'),
      services: app.services,
    });
    const http = supertest(restarted);
    const kept: MapBody = (await http.get(`/api/migrations/${migrationId}/map`).expect(200)).body;
    expect(kept).toMatchObject({ status: 'confirmed' });
    expect(column(kept, 'users', 'Job title').field).toBeNull();

    const next = (await http.post('/api/migrations').send({ name: 'Dec export' }).expect(201)).body.id;
    let req = http.post(`/api/migrations/${next}/files`);
    for (const f of second) req = req.attach('file', f);
    await req.expect(201);
    const m: MapBody = (await http.get(`/api/migrations/${next}/map`).expect(200)).body;
    expect(column(m, 'users', 'Job title')).toMatchObject({
      field: null,
      origin: 'profile',
      decided: true,
      reason: 'ignored as in profile "Actimo export, Nov 2026" v2',
    });
    expect(column(m, 'users', 'Email')).toMatchObject({ field: 'email', origin: 'profile' });
    expect(m.destinations.find((d) => d.field === 'department')).toMatchObject({
      destination: { kind: 'custom', name: 'Afdeling (Actimo)' },
      origin: 'profile',
    });
  });

  it('maps a newer export added to the same migration as the one before it, and asks for confirmation again', async () => {
    const users = second.find((f) => path.basename(f) === 'users.csv')!;
    await upload(migrationId, [users]);
    const m = await map();
    expect(m.status).toBe('draft');
    expect(m.files.filter((f) => f.kind === 'users')).toHaveLength(2);
    expect(column(m, 'users', 'Job title', 1)).toMatchObject({
      field: null,
      reason: 'ignored as in "users.csv" of this migration',
    });
    const versions = await app.http.get(`/api/migrations/${migrationId}/map/versions`).expect(200);
    expect(versions.body.versions[0]).toMatchObject({
      version: m.version,
      status: 'draft',
      note: 'users.csv mapped as users.csv',
    });
  });

  it('exports a profile as JSON, imports it under a new name, and refuses what is not a profile', async () => {
    const exported = await app.http.get(`/api/mapping-profiles/${profileId}`).expect(200);
    expect(exported.headers['content-disposition']).toBe(
      'attachment; filename="mapping-profile-actimo-export-nov-2026-v1.json"',
    );
    const doc = JSON.parse(exported.text);
    expect(doc).toMatchObject({
      format: 'actimo-pipedrive/mapping-profile',
      formatVersion: 1,
      name: 'Actimo export, Nov 2026',
      version: 1,
    });
    const imported = await app.http.post('/api/mapping-profiles?name=Imported').send(doc).expect(201);
    expect(imported.body).toMatchObject({ name: 'Imported', version: 1 });
    const bad = await app.http.post('/api/mapping-profiles').send({ format: 'csv' }).expect(400);
    expect(bad.body.error.code).toBe('invalid_profile');
    const list = await app.http.get('/api/mapping-profiles').expect(200);
    expect(
      list.body.profiles.map((p: { name: string; version: number }) => `${p.name} v${p.version}`),
    ).toEqual(['Actimo export, Nov 2026 v2', 'Actimo export, Nov 2026 v1', 'Imported v1']);
  });

  it('blocks confirmation until an ambiguous day/month order is chosen, then re-reads the dates', async () => {
    const m0 = (await app.http.post('/api/migrations').send({}).expect(201)).body.id;
    await app.http
      .post(`/api/migrations/${m0}/files`)
      .attach('file', path.join(QUIRKS, 'users-ambiguous-day-month.csv'))
      .expect(201);
    const m = await map(m0);
    expect(m.blockers.map((b) => b.code)).toContain('ambiguous_date_order');
    const blocked = await app.http
      .post(`/api/migrations/${m0}/map/confirm`)
      .send({ version: m.version })
      .expect(400);
    expect(blocked.body.error.code).toBe('map_not_ready');
    expect(blocked.body.error.details.blockers.length).toBe(m.blockers.length);
    const dated = m.files[0]!.columns.filter((c) => c.flags.some((f) => f.code === 'ambiguous_date_order'));
    const res = await app.http
      .patch(`/api/migrations/${m0}/map/source`)
      .send({
        version: m.version,
        changes: dated.map((c) => ({
          fileId: m.files[0]!.fileId,
          column: c.column,
          parse: { type: 'date', orders: { '/': 'dmy', '-': 'dmy', '.': 'dmy' }, excelSerial: true },
        })),
      })
      .expect(200);
    expect(res.body.blockers.filter((b: { code: string }) => b.code === 'ambiguous_date_order')).toEqual([]);
    const issues = await app.http.get(`/api/migrations/${m0}/staged/person?code=ambiguous_date`).expect(200);
    expect(issues.body.total).toBe(0);
  });

  it("never shows one company's map to another", async () => {
    await upsertCompany(app.testDb.db, { id: 2, name: 'Other', mode: 'marketplace' });
    const other = createApp({
      config: app.config,
      db: app.testDb.db,
      logger: createLogger('silent'),
      services: app.services,
      resolveTenant: () => ({ companyId: 2, userId: 9, mode: 'marketplace' }),
    });
    const res = await supertest(other).get(`/api/migrations/${migrationId}/map`).expect(404);
    expect(res.body.error.code).toBe('migration_not_found');
    await supertest(other).get(`/api/mapping-profiles/${profileId}`).expect(404);
    expect((await supertest(other).get('/api/mapping-profiles').expect(200)).body.profiles).toEqual([]);
  });
});
