// Every quirk of real Actimo exports (shared/ACTIMO-EXPORTS.md) stages with the right values, on both
// engines. Fixtures are named after the quirk; binary ones (encodings) are made here from code.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { type StagingHarness, stagingHarness } from '../helpers/staging.ts';

const ENCODED_USERS =
  'User ID,First name,Last name,Email,Job title\r\ne-1,Søren,Ærø Ååse ÆØÅ,soren@example.dk,Café ü chef\r\ne-2,Zoë,Müller,zoe@example.dk,Team lead\r\n';
const EMOJI_USERS =
  'User ID,First name,Last name,Email\ne-3,Åse,Østergaard 😀,ase@example.dk\ne-4,Bo,🚀 Berg,bo@example.dk\n';

function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (endian === 'be') body.swap16();
  return Buffer.concat([Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

describe.each(ENGINES)('staging the quirks of real exports on %s', (engine) => {
  let t: TestDb;
  let h: StagingHarness;
  beforeAll(async () => {
    t = await createTestDb(engine);
    h = await stagingHarness(t);
  });
  afterAll(async () => {
    h.close();
    await t.destroy();
  });

  it('reads a Danish export: semicolons, Danish headers, day-first dates and decimal commas', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [
      h.fixture('users-semicolon-decimal-comma.csv'),
      h.fixture('engagement-semicolon-decimal-comma.csv'),
    ]);
    expect(r.files.map((f) => [f.kind, f.delimiter, f.encoding, f.rows])).toEqual([
      ['users', ';', 'utf-8', 2],
      ['engagement', ';', 'utf-8', 3],
    ]);
    const persons = await h.records(m, 'person');
    expect(persons.get('u-1')?.values).toEqual({
      actimoId: 'u-1',
      firstName: 'Søren',
      lastName: 'Ærø',
      fullName: 'Søren Ærø',
      email: 'soren@example.dk',
      phone: '+4520123456',
      jobTitle: 'Lagerchef',
      department: 'Lager',
      companyIds: ['c-1'],
      hireDate: '2026-11-24',
      addTime: '2026-11-24',
    });
    expect(persons.get('u-2')?.values.phone).toBe('+4531223344');
    expect(persons.get('u-2')?.values.hireDate).toBe('2025-02-01');
    const users = r.files[0]!.fileId!;
    expect(persons.get('u-1')?.provenance.email).toEqual([users, 1, 3]);
    const metrics = await h.records(m, 'metrics');
    const engagement = r.files[1]!.fileId!;
    // The latest period wins, not the last row: u-1's 31-10 score is 80,25.
    expect(metrics.get('u-1')?.values.engagementScore).toBe(80.25);
    expect(metrics.get('u-1')?.provenance.engagementScore).toEqual([engagement, 3, 1]);
    expect(metrics.get('u-2')?.values.engagementScore).toBe(64);
  });

  it.each([
    [
      'users-utf8-bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ENCODED_USERS)]),
      'utf-8-bom',
    ],
    ['users-utf16le-bom.csv', utf16(ENCODED_USERS, 'le'), 'utf-16le'],
    ['users-utf16be-bom.csv', utf16(ENCODED_USERS, 'be'), 'utf-16be'],
    ['users-windows1252.csv', iconv.encode(ENCODED_USERS, 'win1252'), 'windows-1252'],
    ['users-utf8-no-bom.csv', Buffer.from(ENCODED_USERS), 'utf-8'],
  ])('decodes %s byte-exact', async (name, bytes, encoding) => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.bytes(name, bytes)]);
    expect(r.files[0]).toMatchObject({ kind: 'users', encoding, rows: 2, status: 'staged' });
    const persons = await h.records(m, 'person');
    expect(persons.get('e-1')?.values.lastName).toBe('Ærø Ååse ÆØÅ');
    expect(Buffer.from(String(persons.get('e-1')?.values.jobTitle))).toEqual(Buffer.from('Café ü chef'));
    expect(persons.get('e-2')?.values.fullName).toBe('Zoë Müller');
  });

  it.each([
    ['users-emoji-utf8.csv', Buffer.from(EMOJI_USERS)],
    ['users-emoji-utf16le-bom.csv', utf16(EMOJI_USERS, 'le')],
  ])('keeps emoji byte-exact in %s', async (name, bytes) => {
    const m = await h.newMigration();
    await h.stage(m, [h.bytes(name, bytes)]);
    const persons = await h.records(m, 'person');
    expect(Buffer.from(String(persons.get('e-3')?.values.lastName))).toEqual(
      Buffer.from('Østergaard 😀', 'utf8'),
    );
    expect(persons.get('e-4')?.values.fullName).toBe('Bo 🚀 Berg');
  });

  it('skips title lines above the header row and says so', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.fixture('users-title-line-above-header.csv')]);
    const files = await h.service.files(1, m);
    expect(files[0]).toMatchObject({
      kind: 'users',
      headerRowIndex: 2,
      headers: ['User ID', 'First name', 'Last name', 'Email'],
    });
    expect(files[0]?.warnings).toEqual(['Skipped 2 title line(s) above the header row.']);
    expect(r.files[0]?.rows).toBe(2);
    expect((await h.records(m, 'person')).get('t-2')?.values.email).toBe('bo@example.dk');
  });

  it('keeps quoted newlines, delimiters and quotes inside fields of a CRLF file', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('users-crlf-quoted-newlines.csv')]);
    const q1 = (await h.records(m, 'person')).get('q-1')!;
    expect(q1.values.lastName).toBe('Hansen, Jr.');
    expect(q1.values.department).toBe('Sales\r\nNorth');
    expect(q1.values.jobTitle).toBe('Lead, "Key" accounts');
  });

  it('drops trailing empty columns and lines, and reports cells beyond the header', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.fixture('users-trailing-empty-columns-ragged-rows.csv')]);
    expect(r.files[0]?.rows).toBe(3);
    const files = await h.service.files(1, m);
    expect(files[0]?.headers).toEqual(['User ID', 'First name', 'Last name', 'Email']);
    const persons = await h.records(m, 'person');
    expect(persons.get('r-2')?.values).toEqual({
      actimoId: 'r-2',
      firstName: 'Bo',
      lastName: 'Berg',
      fullName: 'Bo Berg',
    });
    expect(persons.get('r-3')?.issues.map((i) => i.code)).toEqual(['ragged_row']);
  });

  it('lets the newest row of a duplicated user win and reports what differed', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.fixture('users-duplicate-ids.csv')]);
    const persons = await h.records(m, 'person');
    expect(persons.size).toBe(2);
    const d1 = persons.get('d-1')!;
    expect(d1.values.email).toBe('anne.h@example.dk');
    expect(d1.values.jobTitle).toBe('Sales lead');
    expect(d1.provenance.email).toEqual([r.files[0]!.fileId, 1, 3]);
    expect(d1.issues).toEqual([
      {
        code: 'duplicate_user_conflict',
        severity: 'warning',
        message: `2 rows for person d-1 disagree on email, jobTitle, updateTime; the newest (file ${r.files[0]!.fileId} row 1) wins over file ${r.files[0]!.fileId} row 3`,
      },
    ]);
    // Identical duplicates are no conflict.
    expect(persons.get('d-2')?.issues).toEqual([]);
  });

  it('merges the same user from two users exports: the later export wins, the difference is reported', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [
      h.bytes(
        'users-export-march.csv',
        'User ID,First name,Last name,Email\ns-1,Anne,Hansen,anne@example.dk\n',
      ),
      h.bytes(
        'users-export-november.csv',
        'User ID,First name,Last name,Email\ns-1,Anne,Holm,anne@example.dk\n',
      ),
    ]);
    const [march, november] = r.files.map((f) => f.fileId!);
    const s1 = (await h.records(m, 'person')).get('s-1')!;
    expect(s1.values.lastName).toBe('Holm');
    expect(s1.provenance.lastName).toEqual([november, 1, 2]);
    expect(s1.issues.map((i) => i.message)).toEqual([
      `2 rows for person s-1 disagree on fullName, lastName; the newest (file ${november} row 1) wins over file ${march} row 1`,
    ]);
  });

  it('normalises phone numbers written with +45, 0045, spaces or a country-code column', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('users-phone-formats.csv')]);
    const persons = await h.records(m, 'person');
    expect([...persons.values()].map((p) => [p.actimoId, p.values.phone])).toEqual([
      ['p-1', '+4520123456'],
      ['p-2', '+4520123457'],
      ['p-3', '+4520123458'],
      ['p-4', '+4520123459'],
      ['p-5', '+46701234567'],
      ['p-6', 'not a phone'],
    ]);
    expect(persons.get('p-6')?.issues.map((i) => [i.code, i.severity])).toEqual([
      ['invalid_phone', 'warning'],
    ]);
  });

  it('keeps leading +, =, - and @ as data', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('users-formula-like-values.csv')]);
    const persons = await h.records(m, 'person');
    expect(persons.get('f-1')?.values).toMatchObject({
      firstName: '=Anne',
      lastName: '+Hansen',
      jobTitle: '-Intern',
      department: '@Support',
    });
    expect(persons.get('f-2')?.values).toMatchObject({ jobTitle: '=HYPERLINK("x")', department: '+45 team' });
  });

  it('links users to companies: primary from memberships, the rest secondary, unknown ids reported', async () => {
    const m = await h.newMigration();
    await h.stage(m, [
      h.fixture('companies-with-a-company-without-users.csv'),
      h.fixture('users-in-two-companies-and-unknown-company.csv'),
      h.fixture('memberships-primary-flag.csv'),
    ]);
    const orgs = await h.records(m, 'organization');
    expect(orgs.get('c-1')?.values).toEqual({
      actimoId: 'c-1',
      name: 'Nordlys A/S',
      domain: 'nordlys.dk',
      street: 'Strandvejen 1',
      postalCode: '2100',
      city: 'København Ø',
      country: 'Denmark',
      address: 'Strandvejen 1, 2100 København Ø, Denmark',
      industry: 'Retail',
      employeeCount: 1200,
    });
    expect(orgs.get('c-2')?.values.parentId).toBe('c-1');
    expect(orgs.get('c-3')?.issues.map((i) => i.code)).toEqual(['company_without_users']);
    const { listMemberships } = await import('../../server/staging/staged.repository.ts');
    const links = await listMemberships(t.db, 1, m);
    expect(links.map((l) => [l.personId, l.organizationId, l.isPrimary, l.source])).toEqual([
      ['m-1', 'c-1', false, 'memberships'],
      ['m-1', 'c-2', true, 'memberships'],
      ['m-2', 'c-9', true, 'users'],
      ['m-3', 'c-2', true, 'users'],
    ]);
    const persons = await h.records(m, 'person');
    expect(persons.get('m-1')?.issues.map((i) => [i.code, i.message])).toEqual([
      [
        'secondary_companies',
        'user m-1 also belongs to c-1; c-2 links the Person and the others go into a note',
      ],
    ]);
    expect(persons.get('m-2')?.issues.map((i) => [i.code, i.severity, i.message])).toEqual([
      ['company_not_found', 'error', 'company c-9 is not in the companies export'],
    ]);
    // A user without an email is fine.
    expect(persons.get('m-3')?.issues).toEqual([]);
  });

  it('reads day-first, month-first, ISO with zones and Excel serial dates, each column decided by its data', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('users-mixed-date-formats.csv')]);
    const p = await h.records(m, 'person');
    expect([...p.values()].map((x) => [x.values.hireDate, x.values.addTime, x.values.updateTime])).toEqual([
      ['2026-11-24', '2026-11-24T09:30:00Z', '2026-11-24'],
      ['2025-01-13', '2025-01-13T08:00:00+01:00', '2025-01-13'],
      ['2024-11-24', '2024-11-24', '2024-12-31'],
    ]);
  });

  it('flags a column whose day/month order the data cannot settle, and reads it once the admin decides', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('users-ambiguous-day-month.csv')]);
    const [file] = await h.service.files(1, m);
    const role = file!.columnRoles.find((r) => r.field === 'hireDate')!;
    expect(role.needsDecision).toBe(
      'day/month order of "/" dates (every value fits both orders) in "Hire date"',
    );
    const before = await h.records(m, 'person');
    expect(before.get('a-1')?.values.hireDate).toBeUndefined();
    expect(before.get('a-1')?.issues.map((i) => [i.code, i.field])).toEqual([['ambiguous_date', 'hireDate']]);
    const { consolidate } = await import('../../server/staging/consolidate.service.ts');
    const roles = file!.columnRoles.map((r) =>
      r.field === 'hireDate'
        ? { ...r, parse: { type: 'date' as const, orders: { '/': 'dmy' as const }, excelSerial: true } }
        : r,
    );
    await consolidate(t.db, 1, m, { roles: new Map([[file!.id, roles]]), tempDir: h.dataDir });
    const after = await h.records(m, 'person');
    expect(after.get('a-1')?.values.hireDate).toBe('2026-02-01');
    expect(after.get('a-2')?.values.hireDate).toBe('2026-04-03');
    expect(after.get('a-1')?.issues).toEqual([]);
  });

  it('reads percentages written as 45%, 0.45, "45,0 %" and 45 as the same 0–100 figure', async () => {
    const m = await h.newMigration();
    await h.stage(m, [
      h.fixture('messages-percent-sign.csv'),
      h.fixture('messages-percent-fraction.csv'),
      h.fixture('messages-percent-decimal-comma.csv'),
      h.fixture('messages-percent-plain-number.csv'),
    ]);
    const metrics = await h.records(m, 'metrics');
    expect(
      [...metrics.values()].map((x) => [x.actimoId, x.values.messageOpenRate, x.values.messageClickRate]),
    ).toEqual([
      ['m-1', 45, 5],
      ['m-2', 45, 5],
      ['m-3', 50, 10],
      ['m-4', 45, 5.5],
      ['m-5', 45, 5],
      ['m-6', 60, 12.5],
    ]);
  });

  it('stages calls and meetings with their times in UTC, whatever zone they were written in', async () => {
    const m = await h.newMigration();
    await h.stage(m, [h.fixture('activities-calls-meetings-and-zones.csv')]);
    const acts = await h.records(m, 'activity');
    expect(acts.get('a-1')?.values).toEqual({
      personId: 'u-1',
      type: 'call',
      subject: 'Intro call',
      dueDate: '2026-11-24',
      dueTime: '08:30',
      timeZone: 'Europe/Copenhagen',
      originalStart: '24-11-2026 09:30',
      duration: '00:30',
      ownerEmail: 'owner@example.dk',
      note: 'Talked; "fine"\nNext: demo',
    });
    expect(acts.get('a-2')?.values).toMatchObject({
      type: 'meeting',
      dueDate: '2026-07-01',
      dueTime: '08:00',
      timeZone: '+02:00',
      duration: '01:30',
    });
    expect(acts.get('a-3')?.values).toMatchObject({ dueDate: '2026-11-25', duration: '00:15' });
    expect(acts.get('a-3')?.values.dueTime).toBeUndefined();
    expect(acts.get('a-3')?.issues.map((i) => i.code)).toEqual(['unknown_activity_type']);
  });
});
