import { describe, expect, it } from 'vitest';
import type { ColumnParse } from '../../server/actimo/columns.ts';
import { secondaryOrganizationsNote } from '../../server/mapping/notes.ts';
import {
  buildOrganizationPayload,
  buildPersonPayload,
  type PayloadRefs,
} from '../../server/mapping/payload.ts';
import type { StagedOrganizationInput, StagedPersonInput } from '../../server/mapping/payload-read.ts';
import { sameValue } from '../../server/mapping/payload-values.ts';
import { resolveMap } from '../../server/mapping/resolve.ts';
import { DEFAULT_SCHEMA } from '../../server/mapping/schema.ts';
import type { RecordedField } from '../../server/pipedrive/field-schema.repository.ts';
import type { AccountFields } from '../../server/pipedrive/fields.ts';
import { proposedColumn, proposedDocument, proposedFile } from '../helpers/mapping.ts';

const text: ColumnParse = { type: 'text' };
const col = (column: number, header: string, field: string, parse: ColumnParse = text) =>
  proposedColumn(column, header, field, { parse });

const USERS = proposedFile(1, 'users.csv', 'users', [
  col(0, 'User ID', 'actimoId', { type: 'id' }),
  col(1, 'First name', 'firstName'),
  col(2, 'Last name', 'lastName'),
  col(3, 'Email', 'email', { type: 'email' }),
  col(4, 'Mobile', 'phone', { type: 'phone', defaultCountry: 'DK' }),
  col(5, 'Job title', 'jobTitle'),
  { ...col(6, 'Department', 'department'), whitespace: 'collapse' },
  col(7, 'Company ID', 'companyIds', { type: 'list', separator: '|' }),
  col(8, 'Created', 'addTime', { type: 'date', orders: {}, excelSerial: true }),
  { ...col(9, 'Status', 'employmentStatus'), values: { aktiv: 'Active', orlov: 'On Leave', ukendt: null } },
  col(10, 'Hire date', 'hireDate', { type: 'date', orders: {}, excelSerial: true }),
]);
const ENGAGEMENT = proposedFile(2, 'engagement.csv', 'engagement', [
  col(0, 'User ID', 'personId', { type: 'id' }),
  col(1, 'Score', 'engagementScore', { type: 'number', decimal: ',' }),
]);
const COMPANIES = proposedFile(3, 'companies.csv', 'companies', [
  col(0, 'Company ID', 'actimoId', { type: 'id' }),
  col(1, 'Name', 'name'),
  col(2, 'City', 'city'),
  col(3, 'Zip', 'postalCode'),
  col(4, 'Website', 'domain'),
  col(5, 'Industry', 'industry'),
  col(6, 'Employees', 'employeeCount', { type: 'number', decimal: '.' }),
]);

const doc = proposedDocument([USERS, ENGAGEMENT, COMPANIES]);

const code = (logicalName: string) => logicalName.replace(/__c$/, '').padEnd(40, '0').slice(0, 40);
const recorded: RecordedField[] = DEFAULT_SCHEMA.map((f) => ({
  entity: f.entity,
  logicalName: f.logicalName,
  code: code(`${f.entity === 'person' ? 'p' : 'o'}${f.logicalName}`),
  name: f.name,
  type: f.type,
  options: f.options ? f.options.map((label, i) => ({ id: 11 + i, label })) : null,
  createdByUs: true,
}));
const P = (logicalName: string) => code(`p${logicalName}`);
const O = (logicalName: string) => code(`o${logicalName}`);

const account: AccountFields = {
  person: [],
  organization: [
    {
      code: 'industry',
      name: 'Industry',
      type: 'enum',
      isCustom: false,
      options: [
        { id: 51, label: 'Retail' },
        { id: 52, label: 'Logistics' },
      ],
    },
    { code: 'employee_count', name: 'Number of employees', type: 'int', isCustom: false, options: null },
  ],
};

const map = resolveMap(4, doc, recorded, account);

const refs: PayloadRefs = {
  organizationIdFor: (id) => ({ '9001': 7 })[id],
  ownerFor: () => ({ id: 10_000_001, defaulted: false }),
  visibleTo: 3,
};

function anne(over: Partial<Record<string, string | number | string[]>> = {}): StagedPersonInput {
  return {
    actimoId: '100001',
    values: {
      actimoId: '100001',
      firstName: 'Anne',
      lastName: 'Hansen',
      fullName: 'Anne Hansen',
      email: 'anne@example.dk',
      phone: '+4520000001',
      jobTitle: '=Head of ops',
      department: 'Drift;   Nord',
      companyIds: ['9001', '9002'],
      addTime: '2024-03-05',
      employmentStatus: 'aktiv',
      hireDate: '2020-01-02',
      ...over,
    },
    provenance: {
      actimoId: [1, 4, 0],
      firstName: [1, 4, 1],
      lastName: [1, 4, 2],
      email: [1, 4, 3],
      phone: [1, 4, 4],
      jobTitle: [1, 4, 5],
      department: [1, 4, 6],
      companyIds: [1, 4, 7],
      addTime: [1, 4, 8],
      employmentStatus: [1, 4, 9],
      hireDate: [1, 4, 10],
    },
    metrics: {
      values: { personId: '100001', engagementScore: 72.456 },
      provenance: { engagementScore: [2, 9, 1] },
    },
    memberships: [
      { organizationId: '9001', isPrimary: true, provenance: [1, 4, 7] },
      { organizationId: '9002', isPrimary: false, provenance: [1, 4, 7] },
    ],
    rows: new Map([
      [
        '1:4',
        [
          '100001',
          'Anne',
          'Hansen',
          'ANNE@example.dk',
          '20 00 00 01',
          '=Head of ops',
          'Drift;   Nord',
          '9001|9002',
          '05-03-2024',
          'aktiv',
          '02-01-2020',
        ],
      ],
      ['2:9', ['100001', '72,456']],
    ]),
  };
}

describe('buildPersonPayload', () => {
  it('builds exactly the API v2 body: standard fields, custom fields by code, options as ids, numbers as numbers', () => {
    const r = buildPersonPayload(anne(), map, refs);
    expect(r.body).toEqual({
      name: 'Anne Hansen',
      emails: [{ value: 'anne@example.dk', primary: true, label: 'work' }],
      phones: [{ value: '+4520000001', primary: true, label: 'mobile' }],
      job_title: '=Head of ops',
      org_id: 7,
      owner_id: 10_000_001,
      add_time: '2024-03-05T00:00:00Z',
      visible_to: 3,
      custom_fields: {
        [P('actimo_id__c')]: '100001',
        [P('department__c')]: 'Drift; Nord',
        [P('hire_date__c')]: '2020-01-02',
        [P('employment_status__c')]: 11,
        [P('engagement_score__c')]: 72.46,
      },
    });
    expect(r.problems).toEqual([]);
    expect(r.skip).toBeNull();
    expect(r.note).toBeNull();
  });

  it('traces every value to its file, row, column and raw cell, with what was done to it', () => {
    const r = buildPersonPayload(anne(), map, refs);
    const entry = (target: string) => r.trace.find((t) => t.target === target)!;
    expect(entry('name')).toEqual({
      target: 'name',
      pipedriveKey: 'name',
      valueType: 'varchar',
      sources: [
        { fileId: 1, fileName: 'users.csv', row: 4, column: 1, header: 'First name', raw: 'Anne' },
        { fileId: 1, fileName: 'users.csv', row: 4, column: 2, header: 'Last name', raw: 'Hansen' },
      ],
      transform: 'first and last name joined → Name',
      value: 'Anne Hansen',
    });
    expect(entry('employmentStatus')).toMatchObject({
      pipedriveKey: `custom_fields.${P('employment_status__c')}`,
      valueType: 'enum',
      sources: [{ fileId: 1, row: 4, column: 9, header: 'Status', raw: 'aktiv' }],
      transform:
        'text; spaces trimmed; values "aktiv" → "Active", "orlov" → "On Leave", "ukendt" → empty → option id 11 of "Employment status"',
      value: 11,
    });
    expect(entry('engagementScore')).toMatchObject({
      valueType: 'double',
      sources: [{ fileId: 2, fileName: 'engagement.csv', row: 9, column: 1, header: 'Score', raw: '72,456' }],
      transform:
        'number, decimal comma (72,5 → 72.5); spaces trimmed → the engagement score of the latest period → number rounded to 2 decimals',
      value: 72.46,
    });
    expect(entry('organization')).toMatchObject({
      pipedriveKey: 'org_id',
      valueType: 'id',
      transform:
        'list split on "|"; spaces trimmed → the primary of 2 companies → Actimo company 9001 → Organization 7',
      value: 7,
    });
    expect(entry('addTime')).toMatchObject({ valueType: 'timestamp', value: '2024-03-05T00:00:00Z' });
    expect(r.trace.map((t) => t.target)).toEqual([
      'actimoId',
      'name',
      'email',
      'phone',
      'jobTitle',
      'organization',
      'owner',
      'addTime',
      'department',
      'hireDate',
      'employmentStatus',
      'engagementScore',
    ]);
  });

  it('always sets the Actimo ID, even when the record holds nothing else', () => {
    const r = buildPersonPayload(
      { actimoId: '7', values: { actimoId: '7', fullName: 'X' }, provenance: {} },
      map,
      { ...refs, visibleTo: null },
    );
    expect(r.body).toEqual({ name: 'X', owner_id: 10_000_001, custom_fields: { [P('actimo_id__c')]: '7' } });
  });

  it('leaves out what cannot be sent, with a reason, and still moves the record', () => {
    const r = buildPersonPayload(
      {
        ...anne({ employmentStatus: 'sabbatical', department: 'x'.repeat(300), hireDate: 'soon' }),
        memberships: [{ organizationId: '9009', isPrimary: true }],
      },
      map,
      refs,
    );
    const custom = (r.body as { custom_fields: Record<string, unknown> }).custom_fields;
    expect(Object.keys(custom)).toEqual([P('actimo_id__c'), P('engagement_score__c')]);
    expect(r.body).not.toHaveProperty('org_id');
    expect(r.problems.map((p) => [p.code, p.target, p.severity, p.message])).toEqual([
      [
        'organization_not_migrated',
        'organization',
        'warning',
        'Organization (primary company): Actimo company 9009 is not in Pipedrive, so the Person is not linked',
      ],
      [
        'value_too_long',
        'department',
        'dropped',
        'Department: 300 characters, over the 255 this field holds',
      ],
      ['not_a_date', 'hireDate', 'dropped', 'Hire date: "soon" is not a date'],
      [
        'option_not_found',
        'employmentStatus',
        'dropped',
        'Employment status: "sabbatical" matches no option (Active, On Leave, Terminated)',
      ],
    ]);
    expect(r.skip).toBeNull();
  });

  it('leaves a value the admin mapped to "empty" out, saying so with its reason code and nothing dropped', () => {
    const r = buildPersonPayload(anne({ employmentStatus: 'ukendt' }), map, refs);
    expect(r.body.custom_fields).not.toHaveProperty(P('employment_status__c'));
    expect(r.problems.map((p) => [p.code, p.target, p.severity, p.message])).toEqual([
      [
        'value_skipped',
        'employmentStatus',
        'info',
        'Employment status: "ukendt" is skipped by the value mapping: left empty',
      ],
    ]);
    expect(r.skip).toBeNull();
  });

  it('skips a record with an invalid value when the map says so', () => {
    const strict = { ...map, settings: { ...map.settings, invalidValue: 'skip_record' as const } };
    const r = buildPersonPayload(anne({ hireDate: 'soon' }), strict, refs);
    expect(r.skip).toEqual({
      code: 'not_a_date',
      target: 'hireDate',
      severity: 'skip',
      message: 'Hire date: "soon" is not a date; the map says to skip records with an invalid value',
    });
  });

  it('skips a person without a name, or names it after its e-mail when the map says so', () => {
    const nameless = anne({ firstName: '', lastName: '', fullName: '' });
    expect(buildPersonPayload(nameless, map, refs).skip?.code).toBe('missing_name');
    const byEmail = { ...map, settings: { ...map.settings, missingName: 'email' as const } };
    const r = buildPersonPayload(nameless, byEmail, refs);
    expect(r.skip).toBeNull();
    expect(r.body.name).toBe('anne@example.dk');
  });

  it('sends values routed to a note as a note, not in the body', () => {
    const noted = resolveMap(
      5,
      {
        ...doc,
        destinations: doc.destinations.map((d) =>
          d.entity === 'person' && d.field === 'department'
            ? { ...d, destination: { kind: 'note' as const } }
            : d,
        ),
      },
      recorded,
      account,
    );
    const r = buildPersonPayload(anne({ department: 'R&D <Nord>' }), noted, refs);
    expect(r.body.custom_fields).not.toHaveProperty(P('department__c'));
    expect(r.note).toBe('<p><b>From Actimo</b></p><ul><li>Department: R&amp;D &lt;Nord&gt;</li></ul>');
  });

  it('previews before provisioning with placeholder codes and option labels, and says it is not exact', () => {
    const offline = resolveMap(4, doc, [], undefined);
    expect(offline.exact).toBe(false);
    const r = buildPersonPayload(anne(), offline, {
      ...refs,
      organizationIdFor: () => undefined,
      ownerFor: () => undefined,
      pending: true,
    });
    expect(r.body.custom_fields).toMatchObject({
      'new:actimo_id__c': '100001',
      'new:employment_status__c': 'Active',
    });
    expect(r.body).not.toHaveProperty('owner_id');
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([
      ['reference_pending', 'info'],
      ['field_not_provisioned', 'info'],
    ]);
  });
});

describe('buildOrganizationPayload', () => {
  const org: StagedOrganizationInput = {
    actimoId: '9001',
    values: {
      actimoId: '9001',
      name: 'Hansen A/S',
      city: 'Århus',
      postalCode: '8000',
      address: '8000 Århus',
      domain: 'hansen.dk',
      industry: 'retail',
      employeeCount: 250,
    },
    provenance: {
      actimoId: [3, 1, 0],
      name: [3, 1, 1],
      city: [3, 1, 2],
      postalCode: [3, 1, 3],
      domain: [3, 1, 4],
      industry: [3, 1, 5],
      employeeCount: [3, 1, 6],
    },
  };

  it('uses the standard Industry and Number of employees fields where the account has them', () => {
    const r = buildOrganizationPayload(org, map, refs);
    expect(r.body).toEqual({
      name: 'Hansen A/S',
      address: { value: '8000 Århus', locality: 'Århus', postal_code: '8000' },
      website: 'hansen.dk',
      industry: 51,
      employee_count: 250,
      visible_to: 3,
      custom_fields: { [O('actimo_id__c')]: '9001' },
    });
    expect(r.trace.find((t) => t.target === 'address')?.sources.map((s) => s.header)).toEqual([
      'Zip',
      'City',
    ]);
  });

  it('falls back to our custom fields where the account has no usable standard field', () => {
    const bare = resolveMap(4, doc, recorded, { person: [], organization: [] });
    const r = buildOrganizationPayload(org, bare, refs);
    expect(r.body.custom_fields).toEqual({
      [O('actimo_id__c')]: '9001',
      [O('industry__c')]: 'retail',
      [O('employee_count__c')]: 250,
    });
    expect(r.body).not.toHaveProperty('industry');
  });
});

describe('sameValue', () => {
  it.each([
    ['double', 72.46, '72.46', true],
    ['double', 72.46, 72.5, false],
    ['int', 250, '250', true],
    ['date', '2020-01-02', '2020-01-02T00:00:00Z', true],
    ['date', '2020-01-02', '2020-01-03', false],
    ['timestamp', '2024-03-05T00:00:00Z', '2024-03-05 00:00:00', true],
    ['timestamp', '2024-03-05T00:00:00Z', '2024-03-05T01:00:00+01:00', true],
    ['enum', 11, { id: 11 }, true],
    ['enum', 11, '12', false],
    ['set', [3, 1], [1, 3], true],
    ['set', [3, 1], { type: 'set', values: [{ id: 1 }, { id: 3 }] }, true],
    [
      'emails',
      [{ value: 'Anne@Example.dk', primary: true }],
      [{ value: 'anne@example.dk', primary: true, label: 'work' }],
      true,
    ],
    [
      'emails',
      [{ value: 'anne@example.dk', primary: true }],
      [{ value: 'bo@example.dk', primary: true }],
      false,
    ],
    [
      'phones',
      [{ value: '+4520000001', primary: true }],
      [{ value: '+45 20 00 00 01', primary: true, label: 'mobile' }],
      true,
    ],
    ['id', 7, { value: 7, name: 'Hansen A/S' }, true],
    ['varchar', 'Drift; Nord', 'Drift; Nord ', true],
    ['varchar', 'Drift', 'drift', false],
    ['varchar', '', null, true],
    ['varchar', 'x', null, false],
  ] as const)('compares %s %j with %j read back: %s', (type, sent, back, same) => {
    expect(sameValue(type, sent, back)).toBe(same);
  });
});

describe('secondaryOrganizationsNote', () => {
  it('lists the companies besides the primary one, with their names', () => {
    expect(secondaryOrganizationsNote(anne(), (id) => ({ '9002': 'Jensen & Co' })[id])).toBe(
      '<p>Also works for this company in Actimo:</p><ul><li>Jensen &amp; Co (Actimo company 9002)</li></ul><p>Actimo user 100001</p>',
    );
  });

  it('is null for a person with one company', () => {
    expect(
      secondaryOrganizationsNote(
        { ...anne(), memberships: [{ organizationId: '9001', isPrimary: true }] },
        () => undefined,
      ),
    ).toBeNull();
  });
});
