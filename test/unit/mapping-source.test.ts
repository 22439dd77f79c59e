import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proposeColumnRoles } from '../../server/actimo/columns.ts';
import { headerKey } from '../../server/actimo/header.ts';
import { ColumnProfiler } from '../../server/actimo/profile.ts';
import { SYNONYMS } from '../../server/actimo/synonyms.ts';
import { DANISH_HEADER_KEYS } from '../../server/mapping/danish.ts';
import { DEFAULT_MAP_SETTINGS } from '../../server/mapping/document.ts';
import { proposeDestinations } from '../../server/mapping/propose-destination.ts';
import { proposeFile, signatureOf } from '../../server/mapping/propose-source.ts';
import { blockersOf } from '../../server/mapping/review.ts';
import { generateExportSet } from '../fixtures/generate.ts';
import { proposalFor } from '../helpers/mapping.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function generated(language: 'en' | 'da', seed: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mapping-'));
  dirs.push(dir);
  const set = await generateExportSet({ dir, users: 300, language, shuffle: true, seed });
  return proposalFor(set.files);
}

// [kind, header, field, where its values land, flags]: every column of every generated export.
const ENGLISH = [
  ['users', 'Company ID', 'companyIds', 'Organization (primary company) → Person · Organization', []],
  ['users', 'Created', 'addTime', 'Created → Person · created (add time)', []],
  ['users', 'Department', 'department', 'Department → Person · our custom field "Department" (text)', []],
  ['users', 'Email', 'email', 'Email → Person · Email', []],
  ['users', 'First name', 'firstName', 'Name → Person · Name', []],
  ['users', 'Job title', 'jobTitle', 'Job title → Person · Job title', []],
  ['users', 'Last name', 'lastName', 'Name → Person · Name', []],
  ['users', 'Mobile', 'phone', 'Phone → Person · Phone', []],
  ['users', 'User ID', 'actimoId', 'Actimo ID → Person · our custom field "Actimo ID" (text)', []],
  ['companies', 'City', 'city', 'Address → Organization · Address', []],
  [
    'companies',
    'Company ID',
    'actimoId',
    'Actimo ID → Organization · our custom field "Actimo ID" (text)',
    [],
  ],
  ['companies', 'Employees', 'employeeCount', 'Employee count → Organization · Number of employees', []],
  ['companies', 'Name', 'name', 'Name → Organization · Name', []],
  ['companies', 'Website', 'domain', 'Website → Organization · Website', []],
  ['memberships', 'Company ID', 'companyId', 'Organization (primary company) → Person · Organization', []],
  ['memberships', 'Primary', 'primary', 'Organization (primary company) → Person · Organization', []],
  ['memberships', 'User ID', 'personId', 'links the Person to its companies', []],
  [
    'engagement',
    'Engagement score',
    'engagementScore',
    'Engagement score → Person · our custom field "Engagement score" (number)',
    [],
  ],
  ['engagement', 'Period', 'period', 'picks the latest engagement score', []],
  ['engagement', 'User ID', 'personId', 'links the row to its Person', []],
  [
    'training',
    'Completed',
    'completedAt',
    'Courses completed → Person · our custom field "Courses completed" (number); Last training date → Person · our custom field "Last training date" (date)',
    [],
  ],
  [
    'training',
    'Course',
    'courseName',
    'Courses started → Person · our custom field "Courses started" (number); Courses completed → Person · our custom field "Courses completed" (number)',
    [],
  ],
  ['training', 'Quiz score', 'quizScore', 'Quiz score → Person · our custom field "Quiz score" (number)', []],
  [
    'training',
    'Started',
    'startedAt',
    'Last training date → Person · our custom field "Last training date" (date)',
    [],
  ],
  [
    'training',
    'User ID',
    'personId',
    'Courses started → Person · our custom field "Courses started" (number)',
    [],
  ],
  [
    'messages',
    'Click rate',
    'clickRate',
    'Message click rate → Person · our custom field "Message click rate" (number)',
    [],
  ],
  [
    'messages',
    'Delivery status',
    'deliveryStatus',
    'Message delivery status → Person · our custom field "Message delivery status" (text)',
    [],
  ],
  [
    'messages',
    'Message count',
    'messageCount',
    'Message count → Person · our custom field "Message count" (number)',
    [],
  ],
  [
    'messages',
    'Open rate',
    'openRate',
    'Message open rate → Person · our custom field "Message open rate" (number)',
    [],
  ],
  [
    'messages',
    'User ID',
    'personId',
    'Message count → Person · our custom field "Message count" (number)',
    [],
  ],
  [
    'surveys',
    'Response status',
    'responseStatus',
    'Last survey response → Person · our custom field "Last survey response" (text)',
    [],
  ],
  ['surveys', 'Score', 'score', 'Survey score → Person · our custom field "Survey score" (number)', []],
  ['surveys', 'Survey', 'surveyName', 'not migrated', []],
  [
    'surveys',
    'Survey date',
    'surveyDate',
    'Last survey response → Person · our custom field "Last survey response" (text)',
    [],
  ],
  ['surveys', 'User ID', 'personId', 'links the row to its Person', []],
  ['activities', 'Date', 'date', 'activity due date (UTC)', []],
  ['activities', 'Duration', 'duration', 'activity duration', []],
  ['activities', 'Note', 'note', 'activity note', []],
  ['activities', 'Owner', 'ownerEmail', 'activity owner, matched by e-mail', []],
  ['activities', 'Subject', 'subject', 'activity subject', []],
  ['activities', 'Time', 'time', 'activity due time (UTC)', []],
  ['activities', 'Type', 'type', 'activity type (call or meeting)', []],
  ['activities', 'User ID', 'personId', "the activity's participant", []],
  ['files', 'File name', 'fileName', "the attached file's name", []],
  ['files', 'Path', 'path', 'finds the file in the upload', []],
  ['files', 'Upload date', 'uploadDate', "the note's date", []],
  ['files', 'User ID', 'personId', 'the Person the file is attached to', []],
];

const DANISH = [
  ['users', 'Afdeling', 'department', 'Department → Person · our custom field "Department" (text)', []],
  ['users', 'E-mail', 'email', 'Email → Person · Email', []],
  ['users', 'Efternavn', 'lastName', 'Name → Person · Name', []],
  ['users', 'Fornavn', 'firstName', 'Name → Person · Name', []],
  ['users', 'Medarbejder id', 'actimoId', 'Actimo ID → Person · our custom field "Actimo ID" (text)', []],
  ['users', 'Mobil', 'phone', 'Phone → Person · Phone', []],
  ['users', 'Oprettet', 'addTime', 'Created → Person · created (add time)', []],
  ['users', 'Stilling', 'jobTitle', 'Job title → Person · Job title', []],
  ['users', 'Virksomheds id', 'companyIds', 'Organization (primary company) → Person · Organization', []],
  [
    'companies',
    'Antal medarbejdere',
    'employeeCount',
    'Employee count → Organization · Number of employees',
    [],
  ],
  ['companies', 'By', 'city', 'Address → Organization · Address', []],
  ['companies', 'Hjemmeside', 'domain', 'Website → Organization · Website', []],
  ['companies', 'Navn', 'name', 'Name → Organization · Name', []],
  [
    'companies',
    'Virksomheds id',
    'actimoId',
    'Actimo ID → Organization · our custom field "Actimo ID" (text)',
    [],
  ],
  ['memberships', 'Bruger id', 'personId', 'links the Person to its companies', []],
  ['memberships', 'Primær', 'primary', 'Organization (primary company) → Person · Organization', []],
  [
    'memberships',
    'Virksomheds id',
    'companyId',
    'Organization (primary company) → Person · Organization',
    [],
  ],
  ['engagement', 'Bruger id', 'personId', 'links the row to its Person', []],
  [
    'engagement',
    'Engagement score',
    'engagementScore',
    'Engagement score → Person · our custom field "Engagement score" (number)',
    [],
  ],
  ['engagement', 'Periode', 'period', 'picks the latest engagement score', []],
  [
    'training',
    'Bruger id',
    'personId',
    'Courses started → Person · our custom field "Courses started" (number)',
    [],
  ],
  [
    'training',
    'Gennemført',
    'completedAt',
    'Courses completed → Person · our custom field "Courses completed" (number); Last training date → Person · our custom field "Last training date" (date)',
    [],
  ],
  [
    'training',
    'Kursus',
    'courseName',
    'Courses started → Person · our custom field "Courses started" (number); Courses completed → Person · our custom field "Courses completed" (number)',
    [],
  ],
  ['training', 'Quiz score', 'quizScore', 'Quiz score → Person · our custom field "Quiz score" (number)', []],
  [
    'training',
    'Startet',
    'startedAt',
    'Last training date → Person · our custom field "Last training date" (date)',
    [],
  ],
  [
    'messages',
    'Åbningsrate',
    'openRate',
    'Message open rate → Person · our custom field "Message open rate" (number)',
    [],
  ],
  [
    'messages',
    'Antal beskeder',
    'messageCount',
    'Message count → Person · our custom field "Message count" (number)',
    [],
  ],
  [
    'messages',
    'Bruger id',
    'personId',
    'Message count → Person · our custom field "Message count" (number)',
    [],
  ],
  [
    'messages',
    'Klikrate',
    'clickRate',
    'Message click rate → Person · our custom field "Message click rate" (number)',
    [],
  ],
  [
    'messages',
    'Leveringsstatus',
    'deliveryStatus',
    'Message delivery status → Person · our custom field "Message delivery status" (text)',
    [],
  ],
  ['surveys', 'Bruger id', 'personId', 'links the row to its Person', []],
  [
    'surveys',
    'Dato',
    'surveyDate',
    'Last survey response → Person · our custom field "Last survey response" (text)',
    [],
  ],
  ['surveys', 'Score', 'score', 'Survey score → Person · our custom field "Survey score" (number)', []],
  [
    'surveys',
    'Svarstatus',
    'responseStatus',
    'Last survey response → Person · our custom field "Last survey response" (text)',
    [],
  ],
  ['surveys', 'Undersøgelse', 'surveyName', 'not migrated', []],
  ['activities', 'Aktivitetstype', 'type', 'activity type (call or meeting)', []],
  ['activities', 'Ansvarlig', 'ownerEmail', 'activity owner, matched by e-mail', []],
  ['activities', 'Bruger id', 'personId', "the activity's participant", []],
  ['activities', 'Dato', 'date', 'activity due date (UTC)', []],
  ['activities', 'Emne', 'subject', 'activity subject', []],
  ['activities', 'Notat', 'note', 'activity note', []],
  ['activities', 'Tid', 'time', 'activity due time (UTC)', []],
  ['activities', 'Varighed', 'duration', 'activity duration', []],
  ['files', 'Bruger id', 'personId', 'the Person the file is attached to', []],
  ['files', 'Filnavn', 'fileName', "the attached file's name", []],
  ['files', 'Sti', 'path', 'finds the file in the upload', []],
  ['files', 'Uploaddato', 'uploadDate', "the note's date", ['ambiguous_date_order']],
];

describe('the proposed map of the generated export sets', () => {
  it.each([
    ['en', 7, ENGLISH],
    ['en', 11, ENGLISH],
    ['da', 7, DANISH],
    ['da', 11, DANISH],
  ] as const)(
    'proposes every column of the %s set (columns shuffled with seed %i)',
    async (language, seed, expected) => {
      const { view } = await generated(language, seed);
      const got = view.files.flatMap((f) =>
        [...f.columns]
          .sort((a, b) => a.header.localeCompare(b.header))
          .map((c) => [f.kind, c.header, c.field, c.destination, c.flags.map((x) => x.code)]),
      );
      const order = (rows: readonly (readonly unknown[])[]) =>
        [...rows].sort((a, b) => `${a[0]}|${a[1]}`.localeCompare(`${b[0]}|${b[1]}`));
      expect(order(got)).toEqual(order(expected));
      expect(view.files.flatMap((f) => f.columns.map((c) => c.confidence))).toEqual(
        view.files.flatMap((f) => f.columns.map(() => 0.95)),
      );
    },
  );

  it('explains each proposal in plain words, naming Danish headers as Danish', async () => {
    const { view } = await generated('da', 3);
    const column = (kind: string, header: string) =>
      view.files.find((f) => f.kind === kind)!.columns.find((c) => c.header === header)!;
    expect(column('users', 'Afdeling').reason).toBe(
      'header "Afdeling" is Danish for department; all 303 rows have a value, read as lists separated by ";"',
    );
    expect(column('users', 'E-mail').reason).toBe(
      'header "E-mail" is a usual name for e-mail; 297 of 303 rows have a value, read as e-mail addresses',
    );
    expect(column('users', 'Oprettet').transform).toBe(
      'date → YYYY-MM-DD ("-" dates day first), Excel serial numbers read as dates; spaces trimmed',
    );
    expect(column('engagement', 'Engagement score').transform).toBe(
      'number, decimal comma (72,5 → 72.5); spaces trimmed',
    );
    expect(column('messages', 'Klikrate').transform).toBe(
      'percentage, bare 0–1 fractions × 100 (0.45 → 45), decimal comma; spaces trimmed',
    );
    expect(column('messages', 'Åbningsrate').transform).toBe(
      'percentage 0–100 (45 % → 45), decimal comma; spaces trimmed',
    );
    expect(column('users', 'Mobil').transform).toBe(
      'phone → E.164, numbers without a country code read as DK; spaces trimmed',
    );
  });

  it('blocks confirmation on a day/month order the data cannot settle, and says what to choose', async () => {
    const { doc, view } = await generated('da', 7);
    const files = view.files.find((f) => f.kind === 'files')!;
    expect(view.blockers).toEqual([
      {
        code: 'ambiguous_date_order',
        fileId: files.fileId,
        column: files.columns.find((c) => c.header === 'Uploaddato')!.column,
        message:
          'filer.csv: every "-" date in "Uploaddato" fits both day/month and month/day (e.g. 01-01-2024): choose the order',
      },
    ]);
    expect(view.canConfirm).toBe(false);
    expect(doc.files.every((f) => f.columns.every((c) => !c.decided))).toBe(true);
  });

  it('reports the gaps: columns with no destination and destinations with no data', async () => {
    const { view } = await generated('en', 7);
    expect(view.gaps.columnsWithoutDestination.map((g) => [g.fileName, g.header, g.why])).toEqual([
      ['surveys.csv', 'Survey', 'surveyName is staged but nothing in Pipedrive holds it'],
    ]);
    expect(view.gaps.destinationsWithoutData.map((g) => `${g.entity}.${g.field}`)).toEqual([
      'person.site',
      'person.hireDate',
      'person.employmentStatus',
      'organization.industry',
      'organization.addTime',
    ]);
    expect(view.destinations.find((d) => d.field === 'owner')).toMatchObject({
      hasData: true,
      description: 'Person · Owner',
    });
  });
});

describe('column proposals', () => {
  function table(headers: string[], rows: string[][]) {
    const p = new ColumnProfiler(headers);
    for (const r of rows) p.add(r);
    const profiles = p.result();
    return {
      id: 1,
      name: 'users.csv',
      kind: 'users' as const,
      rowCount: rows.length,
      headers,
      columnProfiles: profiles,
      columnRoles: proposeColumnRoles('users', profiles),
    };
  }

  it('flags an unknown header and a low-confidence guess as blocking, never applying them silently', () => {
    const t = table(
      ['User ID', 'Name', 'Favourite colour', 'Email'],
      [
        ['1', 'Anne Hansen', 'blue', '12'],
        ['2', 'Bo Jensen', 'green', '13'],
      ],
    );
    const doc = {
      files: [proposeFile(t)],
      destinations: proposeDestinations(),
      settings: DEFAULT_MAP_SETTINGS,
    };
    expect(
      blockersOf(doc, new Map([[1, t.columnProfiles]])).map((b) => [b.code, b.column, b.message]),
    ).toEqual([
      [
        'unrecognised_column',
        2,
        'users.csv: no users field is known by "Favourite colour": choose the field it holds, or ignore it',
      ],
      ['low_confidence', 3, 'users.csv: "Email" as e-mail is a guess (57 %): confirm or change it'],
    ]);
  });

  it('asks for the id and name columns a users export must have', () => {
    const t = table(['Mobile'], [['+4512345678']]);
    const doc = {
      files: [proposeFile(t)],
      destinations: proposeDestinations(),
      settings: DEFAULT_MAP_SETTINGS,
    };
    expect(blockersOf(doc, new Map()).map((b) => b.code)).toEqual([
      'missing_actimo_id',
      'missing_name_column',
    ]);
  });

  it('knows a file by its kind and header names, in any order and spelling of case', () => {
    expect(signatureOf('users', ['User ID', 'E-mail', 'Name'])).toBe(
      signatureOf('users', ['name', 'email', 'USER ID']),
    );
    expect(signatureOf('users', ['User ID', 'Email'])).not.toBe(
      signatureOf('companies', ['User ID', 'Email']),
    );
    expect(signatureOf('users', ['User ID', 'Email'])).not.toBe(
      signatureOf('users', ['User ID', 'Email', 'Phone']),
    );
  });

  it('names as Danish only spellings the synonym table has', () => {
    const known = new Set(
      Object.values(SYNONYMS).flatMap((fields) =>
        Object.values(fields).flatMap((f) => f.headers.map(headerKey)),
      ),
    );
    expect([...DANISH_HEADER_KEYS].filter((k) => !known.has(k))).toEqual([]);
  });
});
