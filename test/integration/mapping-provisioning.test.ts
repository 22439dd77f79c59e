// Custom-field provisioning against the Pipedrive sandbox through the official SDK, on both engines:
// three runs create each field once; fields the account already has are adopted, and a same-named field
// of another type blocks until the admin chooses; a schema that does not fit the plan is said before
// anything is created; and the payload of a provisioned map is accepted by Pipedrive and reads back the same.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameValue, type TraceEntry } from '../../server/mapping/index.ts';
import { listRecordedFields } from '../../server/pipedrive/field-schema.repository.ts';
import { writeSettings } from '../../server/tenants/settings.repository.ts';
import { DEFAULT_SETTINGS } from '../../server/tenants/settings.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';
import { OPTION_FIELD_FITS } from '../helpers/mapping.ts';
import { startTestSandbox, T0, type TestSandbox } from '../helpers/sandbox.ts';

const OUR_PERSON_FIELDS = [
  'Actimo ID',
  'Department',
  'Engagement score',
  'Courses started',
  'Courses completed',
  'Last training date',
  'Quiz score',
  'Message open rate',
  'Message click rate',
  'Message delivery status',
  'Message count',
  'Last survey response',
  'Survey score',
];

interface Setup {
  app: TestApp;
  sb: TestSandbox;
  migrationId: number;
  close(): Promise<void>;
}

/** A sandbox company and the app pointed at it, with the generated English set staged into a migration. */
async function setup(
  engine: 'sqlite' | 'postgres',
  plan: 'lite' | 'growth',
  exportDir: string,
): Promise<Setup> {
  // A ticking clock: three provisioning runs pass the sandbox's burst window.
  const sb = await startTestSandbox({ clock: { start: T0 }, company: { name: 'Acme HR', plan, seats: 2 } });
  const data = mkdtempSync(path.join(os.tmpdir(), 'mapping-prov-'));
  const app = await startTestApp(engine, {
    env: { DATA_DIR: data },
    services: { localPipedrive: { apiUrl: sb.url, apiToken: sb.apiToken, target: 'sandbox' } },
  });
  await writeSettings(app.testDb.db, 1, { ...DEFAULT_SETTINGS, pipedrivePlan: plan, seats: 2 });
  const migrationId = (await app.http.post('/api/migrations').send({}).expect(201)).body.id;
  let req = app.http.post(`/api/migrations/${migrationId}/files`);
  for (const f of (await generateExportSet({ dir: exportDir, users: 200, language: 'en', seed: 9 })).files)
    req = req.attach('file', f);
  await req.expect(201);
  return {
    app,
    sb,
    migrationId,
    close: async () => {
      await app.close();
      await sb.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function confirm(s: Setup): Promise<number> {
  const m = (await s.app.http.get(`/api/migrations/${s.migrationId}/map`).expect(200)).body;
  expect(m.blockers).toEqual([]);
  return (
    await s.app.http
      .post(`/api/migrations/${s.migrationId}/map/confirm`)
      .send({ version: m.version })
      .expect(200)
  ).body.version;
}

const customFields = (s: Setup, entity: 'person' | 'organization') =>
  s.sb.sandbox
    .state(s.sb.companyId)
    .fields[entity].filter((f) => f.is_custom)
    .map((f) => f.name);

describe.each(ENGINES)('provisioning custom fields against the sandbox on %s', (engine) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mapping-prov-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('on an account without our fields', () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup(engine, 'growth', path.join(dir, 'a'));
    });
    afterAll(async () => s.close());

    it('refuses to provision a map that is not confirmed', async () => {
      const res = await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(409);
      expect(res.body.error.code).toBe('map_not_confirmed');
      expect(customFields(s, 'person')).toEqual([]);
    });

    it('says what it would create and that it fits the plan, before creating anything', async () => {
      const res = await s.app.http.get(`/api/migrations/${s.migrationId}/map/provisioning`).expect(200);
      expect(res.body.plan.capacity).toEqual({
        plan: 'growth',
        cap: 100,
        used: 0,
        toCreate: 14,
        fits: true,
        over: 0,
        candidates: expect.any(Array),
      });
      expect(
        res.body.plan.fields.map((f: { name: string; action: string }) => `${f.name}: ${f.action}`),
      ).toEqual([...OUR_PERSON_FIELDS.map((n) => `${n}: create`), 'Actimo ID: create']);
      expect(customFields(s, 'person')).toEqual([]);
    });

    it('creates each field once however often it runs', async () => {
      await confirm(s);
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push((await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(200)).body);
      expect(runs.map((r) => [r.result.created.length, r.result.kept.length, r.exact])).toEqual([
        [14, 0, true],
        [0, 14, true],
        [0, 14, true],
      ]);
      expect(customFields(s, 'person')).toEqual(OUR_PERSON_FIELDS);
      expect(customFields(s, 'organization')).toEqual(['Actimo ID']);
      const creates = s.sb.sandbox.requests
        .list({ companyId: s.sb.companyId })
        .filter((r) => r.method === 'POST' && /Fields$/.test(r.path));
      expect(creates).toHaveLength(14);
      const recorded = await listRecordedFields(s.app.testDb.db, 1);
      const state = s.sb.sandbox.state(s.sb.companyId).fields;
      expect(recorded.map((r) => [r.entity, r.logicalName, r.code, r.createdByUs])).toEqual(
        recorded.map((r) => [
          r.entity,
          r.logicalName,
          state[r.entity].find((f) => f.name === r.name)!.code,
          true,
        ]),
      );
      const status = recorded.find((r) => r.logicalName === 'employment_status__c');
      expect(status).toBeUndefined();
    });

    it('builds payloads Pipedrive accepts and reads back as sent', async () => {
      const org = (
        await s.app.http
          .get(`/api/migrations/${s.migrationId}/map/preview/organization?actimoId=9001`)
          .expect(200)
      ).body;
      expect(org.exact).toBe(true);
      const orgId = (
        await s.sb.pd.organizations.addOrganization({ AddOrganizationRequest: org.payload.body })
      ).data!.id!;
      const preview = (
        await s.app.http
          .get(`/api/migrations/${s.migrationId}/map/preview/person?actimoId=100004`)
          .expect(200)
      ).body;
      expect(preview.exact).toBe(true);
      const body = { ...preview.payload.body, org_id: orgId };
      const created = (await s.sb.pd.persons.addPerson({ AddPersonRequest: body })).data!;
      const back = (await s.sb.pd.persons.getPerson({ id: created.id! })).data as unknown as Record<
        string,
        unknown
      >;
      const readBack = (key: string) =>
        key.startsWith('custom_fields.')
          ? (back.custom_fields as Record<string, unknown>)[key.slice('custom_fields.'.length)]
          : back[key];
      const compared = (preview.payload.trace as TraceEntry[]).map((t) => [
        t.target,
        sameValue(t.valueType, t.value, readBack(t.pipedriveKey)),
      ]);
      expect(compared.every(([, same]) => same)).toBe(true);
      expect(compared.length).toBeGreaterThan(12);
      const schema = (await s.app.http.get(`/api/migrations/${s.migrationId}/map/schema.json`).expect(200))
        .body;
      expect(
        schema.fields.every(
          (f: { status: string; fieldCode: string }) =>
            f.status === 'created' && /^[0-9a-f]{40}$/.test(f.fieldCode),
        ),
      ).toBe(true);
    });
  });

  describe('when Pipedrive loses an answer or refuses a field', () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup(engine, 'lite', path.join(dir, 'd'));
    });
    afterAll(async () => s.close());

    it('finds a field whose creation answer was lost instead of creating it again', async () => {
      await confirm(s);
      // The write is applied, then the connection drops: the outcome is unknown to us.
      s.sb.sandbox.faults.inject({ kind: 'drop_after_write', match: { operation: 'addPersonField' } });
      const done = (await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(200)).body;
      expect(done.result.created).toHaveLength(14);
      expect(customFields(s, 'person')).toEqual(OUR_PERSON_FIELDS);
      const dropped = s.sb.sandbox.requests
        .list({ companyId: s.sb.companyId, operation: 'addPersonField' })
        .filter((r) => r.fault);
      expect(dropped.map((r) => r.fault)).toEqual(['drop_after_write']);
    });

    it('stops when Pipedrive refuses a field for the plan cap, keeping what it created, and says so on the next run', async () => {
      // Our settings say Growth, the account is Lite: Pipedrive refuses the 31st custom field.
      await writeSettings(s.app.testDb.db, 1, { ...DEFAULT_SETTINGS, pipedrivePlan: 'growth', seats: 2 });
      s.sb.sandbox.updateSettings({ limits: { burst: false, search: true, budget: true } });
      for (let i = 0; i < 14; i++)
        await s.sb.pd.organizationFields.addOrganizationField({
          AddOrganizationFieldRequest: { field_name: `Region ${i}`, field_type: 'varchar' },
        });
      s.sb.sandbox.updateSettings({ limits: { burst: true, search: true, budget: true } });
      // Everything is there already: the run creates nothing.
      const again = (await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(200))
        .body;
      expect(again.result.created).toEqual([]);
      await listRecordedFields(s.app.testDb.db, 1).then((r) => expect(r).toHaveLength(14));
      // Someone deletes one of our fields in Pipedrive and fills the account up to its 30 custom fields.
      const quiz = s.sb.sandbox.state(s.sb.companyId).fields.person.find((f) => f.name === 'Quiz score')!;
      await s.sb.pd.personFields.deletePersonField({ field_code: quiz.code });
      for (const n of [14, 15, 16])
        await s.sb.pd.organizationFields.addOrganizationField({
          AddOrganizationFieldRequest: { field_name: `Region ${n}`, field_type: 'varchar' },
        });
      const refused = await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(409);
      expect(refused.body.error.code).toBe('custom_field_limit_reached');
      expect(refused.body.error.message).toMatch(
        /^Pipedrive refused to create "Quiz score": .+\. Fields created so far are recorded; drop or fold metrics and provision again\.$/,
      );
      await writeSettings(s.app.testDb.db, 1, { ...DEFAULT_SETTINGS, pipedrivePlan: 'lite', seats: 2 });
      const blocked = await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(409);
      expect(blocked.body.error.details.plan.capacity).toMatchObject({
        cap: 30,
        used: 30,
        toCreate: 1,
        fits: false,
        over: 1,
      });
    });
  });

  describe('on an account that already has some of the fields', () => {
    let s: Setup;
    let departmentCode: string;
    let engagementCode: string;
    beforeAll(async () => {
      s = await setup(engine, 'growth', path.join(dir, 'b'));
      const engagement = await s.sb.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'Engagement score', field_type: 'double' },
      });
      engagementCode = engagement.data!.field_code;
      const dept = await s.sb.pd.personFields.addPersonField({
        AddPersonFieldRequest: {
          field_name: 'Department',
          field_type: 'enum',
          options: [{ label: 'Sales' }, { label: 'HR' }],
        },
      });
      departmentCode = dept.data!.field_code;
    });
    afterAll(async () => s.close());
    /** Asks for the account's field `fieldCode` as the destination of Person · Department. */
    const departmentTo = (version: number, fieldCode: string) =>
      s.app.http.patch(`/api/migrations/${s.migrationId}/map/destinations`).send({
        version,
        changes: [{ entity: 'person', field: 'department', destination: { kind: 'existing', fieldCode } }],
      });

    it('adopts a field of the same name and type, and blocks on a same-named field of another type', async () => {
      await confirm(s);
      const res = await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(409);
      expect(res.body.error.code).toBe('provisioning_blocked');
      const fields = res.body.error.details.plan.fields as Array<{
        name: string;
        action: string;
        choices?: string[];
      }>;
      expect(fields.find((f) => f.name === 'Engagement score')?.action).toBe('adopt');
      expect(fields.find((f) => f.name === 'Department')).toMatchObject({
        action: 'clash',
        choices: ['use_existing', 'rename', 'drop', 'note'],
      });
      expect(res.body.error.message).toBe(
        'Nothing was created: Department: the account already has a single option field named "Department", but ours is a text field: use the existing field, rename ours, leave department out, or put it in a note.',
      );
      expect(customFields(s, 'person')).toEqual(['Engagement score', 'Department']);
    });

    it('lists the account’s custom fields with the destinations each can hold', async () => {
      const res = await s.app.http.get(`/api/migrations/${s.migrationId}/map/account-fields`).expect(200);
      expect(res.body).toEqual({
        person: [
          {
            code: engagementCode,
            name: 'Engagement score',
            type: 'double',
            typeLabel: 'number',
            options: [],
            fits: [
              'engagementScore',
              'coursesStarted',
              'coursesCompleted',
              'quizAverage',
              'messageOpenRate',
              'messageClickRate',
              'messageCount',
              'surveyScore',
            ],
          },
          {
            code: departmentCode,
            name: 'Department',
            type: 'enum',
            typeLabel: 'single option',
            options: ['Sales', 'HR'],
            fits: OPTION_FIELD_FITS,
          },
        ],
        organization: [],
      });
    });

    it('refuses an existing field whose type cannot hold the values, saying which types can', async () => {
      const m = (await s.app.http.get(`/api/migrations/${s.migrationId}/map`).expect(200)).body;
      const res = await departmentTo(m.version, engagementCode).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'destination_does_not_fit',
        message:
          '"Engagement score" is a number field; Department needs text, autocomplete text, long text, single option, multiple options.',
      });
      const after = (await s.app.http.get(`/api/migrations/${s.migrationId}/map`).expect(200)).body;
      expect(after.version).toBe(m.version);
    });

    it('uses the existing field once the admin chooses it and maps the values it has no option for', async () => {
      let m = (await s.app.http.get(`/api/migrations/${s.migrationId}/map`).expect(200)).body;
      m = (await departmentTo(m.version, departmentCode).expect(200)).body;
      const users = m.files.find((f: { kind: string }) => f.kind === 'users');
      const dept = users.columns.find((c: { header: string }) => c.header === 'Department');
      // "Sales" and "HR" are the field's own labels; the other three need the admin.
      expect(dept.flags).toEqual([
        {
          code: 'unmapped_values',
          blocking: true,
          message:
            '3 values of "Department" match no option of Person · existing field "Department" (single option) ("Lager", "Kundeservice", "Drift; Nord"): map each to an option or leave it empty',
        },
      ]);
      expect(m.blockers.map((b: { code: string }) => b.code)).toEqual(['unmapped_values']);
      m = (
        await s.app.http
          .patch(`/api/migrations/${s.migrationId}/map/source`)
          .send({
            version: m.version,
            changes: [
              {
                fileId: users.fileId,
                column: dept.column,
                values: { Lager: 'Sales', 'Drift; Nord': null, Kundeservice: null },
              },
            ],
          })
          .expect(200)
      ).body;
      expect(m.blockers).toEqual([]);
      await s.app.http
        .post(`/api/migrations/${s.migrationId}/map/confirm`)
        .send({ version: m.version })
        .expect(200);
      const done = (await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(200)).body;
      expect(done.result.adopted.map((f: { name: string }) => f.name)).toEqual(['Engagement score']);
      expect(done.result.created).toHaveLength(12);
      expect(customFields(s, 'person')).toEqual([
        'Engagement score',
        'Department',
        ...OUR_PERSON_FIELDS.filter((n) => n !== 'Department' && n !== 'Engagement score'),
      ]);
      const preview = (
        await s.app.http
          .get(`/api/migrations/${s.migrationId}/map/preview/person?actimoId=100004`)
          .expect(200)
      ).body;
      const sales = s.sb.sandbox.state(s.sb.companyId).fields.person.find((f) => f.code === departmentCode)!
        .options!;
      const sent = preview.payload.body.custom_fields[departmentCode];
      expect(sent === undefined || sales.some((o) => o.id === sent)).toBe(true);
    });
  });

  describe('on an account whose plan has little room left', () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup(engine, 'lite', path.join(dir, 'c'));
      // The account's own 22 fields, made faster than a Lite API token's burst window allows.
      s.sb.sandbox.updateSettings({ limits: { burst: false, search: true, budget: true } });
      for (let i = 0; i < 22; i++)
        await s.sb.pd.organizationFields.addOrganizationField({
          AddOrganizationFieldRequest: { field_name: `Region ${i}`, field_type: 'varchar' },
        });
      s.sb.sandbox.updateSettings({ limits: { burst: true, search: true, budget: true } });
    });
    afterAll(async () => s.close());

    it('says before creating anything that the schema does not fit, and which metrics could go', async () => {
      await confirm(s);
      const res = await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(409);
      expect(res.body.error.details.plan.capacity).toMatchObject({
        plan: 'lite',
        cap: 30,
        used: 22,
        toCreate: 14,
        fits: false,
        over: 6,
      });
      expect(
        res.body.error.details.plan.capacity.candidates.slice(0, 6).map((c: { name: string }) => c.name),
      ).toEqual([
        'Survey score',
        'Last survey response',
        'Message count',
        'Message delivery status',
        'Message click rate',
        'Message open rate',
      ]);
      expect(customFields(s, 'person')).toEqual([]);
    });

    it('fits once the admin folds six metrics into a note', async () => {
      const m = (await s.app.http.get(`/api/migrations/${s.migrationId}/map`).expect(200)).body;
      const fold = [
        'surveyScore',
        'lastSurveyResponse',
        'messageCount',
        'messageDeliveryStatus',
        'messageClickRate',
        'messageOpenRate',
      ];
      const edited = (
        await s.app.http
          .patch(`/api/migrations/${s.migrationId}/map/destinations`)
          .send({
            version: m.version,
            changes: fold.map((field) => ({ entity: 'person', field, destination: { kind: 'note' } })),
          })
          .expect(200)
      ).body;
      await s.app.http
        .post(`/api/migrations/${s.migrationId}/map/confirm`)
        .send({ version: edited.version })
        .expect(200);
      const done = (await s.app.http.post(`/api/migrations/${s.migrationId}/map/provision`).expect(200)).body;
      expect(done.plan.capacity).toMatchObject({ used: 22, toCreate: 8, fits: true });
      expect(customFields(s, 'person')).toHaveLength(7);
      const preview = (
        await s.app.http
          .get(`/api/migrations/${s.migrationId}/map/preview/person?actimoId=100004`)
          .expect(200)
      ).body;
      expect(preview.payload.note).toMatch(/^<p><b>From Actimo<\/b><\/p><ul><li>Message open rate: /);
    });
  });
});
