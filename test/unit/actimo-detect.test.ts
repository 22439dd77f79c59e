import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proposeColumnRoles } from '../../server/actimo/columns.ts';
import { detectKind } from '../../server/actimo/detect.ts';
import { cleanHeaders, detectDelimiter, findHeaderRow } from '../../server/actimo/layout.ts';
import { ColumnProfiler } from '../../server/actimo/profile.ts';
import { readDelimited } from '../../server/actimo/read-delimited.ts';
import { generateExportSet } from '../fixtures/generate.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function profileOf(file: string) {
  const table = await readDelimited(createReadStream(file), path.basename(file));
  const p = new ColumnProfiler(table.layout.headers);
  for await (const batch of table.batches) for (const row of batch) p.add(row);
  return { layout: table.layout, profiles: p.result() };
}

const EXPECTED: Record<string, string> = {
  users: 'users',
  brugere: 'users',
  companies: 'companies',
  virksomheder: 'companies',
  memberships: 'memberships',
  medlemskaber: 'memberships',
  engagement: 'engagement',
  training: 'training',
  traening: 'training',
  messages: 'messages',
  beskeder: 'messages',
  surveys: 'surveys',
  undersoegelser: 'surveys',
  activities: 'activities',
  aktiviteter: 'activities',
  files: 'files',
  filer: 'files',
};

describe('export-kind detection', () => {
  it.each([
    ['en', 1],
    ['da', 2],
    ['en', 3],
    ['da', 4],
  ] as const)(
    'recognises every kind with %s headers in shuffled order (seed %i), whatever the file is called',
    async (language, seed) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'detect-'));
      dirs.push(dir);
      const set = await generateExportSet({ dir, users: 300, language, shuffle: true, seed });
      for (const file of set.files) {
        const { layout, profiles } = await profileOf(file);
        const expected = EXPECTED[path.basename(file, '.csv')];
        // The name would help; prove the headers and content suffice.
        const d = detectKind('export.csv', layout.headers, profiles);
        expect([path.basename(file), d.kind]).toEqual([path.basename(file), expected]);
        expect(d.confidence).toBeGreaterThanOrEqual(0.5);
        expect(layout.delimiter).toBe(language === 'da' ? ';' : ',');
      }
    },
  );

  it('reports an unknown file with its headers as evidence instead of guessing', () => {
    expect(detectKind('notes.csv', ['Foo', 'Bar'], [])).toEqual({
      kind: 'unknown',
      confidence: 0,
      evidence: ['no known export has these headers: "Foo", "Bar"'],
    });
  });
});

describe('column roles', () => {
  it('proposes fields from English and Danish header spellings with a reason', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roles-'));
    dirs.push(dir);
    const set = await generateExportSet({ dir, users: 200, language: 'da', shuffle: false, seed: 5 });
    const { profiles } = await profileOf(set.files[0]!);
    const roles = proposeColumnRoles('users', profiles);
    expect(roles.map((r) => [r.header, r.field, r.parse.type])).toEqual([
      ['Medarbejder id', 'actimoId', 'id'],
      ['Fornavn', 'firstName', 'text'],
      ['Efternavn', 'lastName', 'text'],
      ['E-mail', 'email', 'email'],
      ['Mobil', 'phone', 'phone'],
      ['Stilling', 'jobTitle', 'text'],
      ['Afdeling', 'department', 'text'],
      ['Virksomheds id', 'companyIds', 'list'],
      ['Oprettet', 'addTime', 'date'],
    ]);
    expect(roles.find((r) => r.field === 'companyIds')?.parse).toEqual({ type: 'list', separator: '|' });
    expect(roles.find((r) => r.field === 'addTime')?.parse).toEqual({
      type: 'date',
      orders: { '-': 'dmy' },
      excelSerial: true,
    });
  });

  it('matches a misspelt header with less confidence, and says so', () => {
    const p = new ColumnProfiler(['Email adres']);
    p.add(['a@b.dk']);
    const [role] = proposeColumnRoles('users', p.result());
    expect(role).toMatchObject({
      field: 'email',
      confidence: 0.67,
      reason: 'header "Email adres" is spelled like "email address" (email)',
    });
  });

  it('lowers the confidence when the values contradict the header', () => {
    const p = new ColumnProfiler(['Email']);
    for (const v of ['12', '13', '14']) p.add([v]);
    const [role] = proposeColumnRoles('users', p.result());
    expect(role).toMatchObject({
      field: 'email',
      confidence: 0.57,
      reason: 'header "Email" is a known name for email, but its values look like id',
    });
  });
});

describe('layout', () => {
  it.each([
    ['a;b;c\n1;2,5;3\n4;5,5;6\n', ';'],
    ['a,b,c\n1,"2;5",3\n4,5,6\n', ','],
    ['a\tb\tc\n1\t2\t3\n', '\t'],
  ])('detects the delimiter of %j', (sample, d) => {
    expect(detectDelimiter(sample)).toBe(d);
  });

  it('finds the header row under title lines', () => {
    expect(
      findHeaderRow([
        ['Actimo export'],
        ['Exported 24-11-2026'],
        ['User ID', 'Email', 'Name'],
        ['1', 'a@b.dk', 'A'],
      ]),
    ).toBe(2);
  });

  it('names blank and repeated headers and drops trailing empty ones', () => {
    expect(cleanHeaders(['Id', '', 'Name', 'Name', '', ''])).toEqual(['Id', 'Column 2', 'Name', 'Name (2)']);
  });
});

describe('column profiles', () => {
  it('decides day/month order per separator from the data, and flags what it cannot decide', () => {
    const p = new ColumnProfiler(['A', 'B', 'C']);
    p.add(['24-11-2026', '11/24/2026', '01/02/2026']);
    p.add(['01-02-2026', '02/01/2026', '03/04/2026']);
    const [a, b, c] = p.result();
    expect(a?.date).toEqual({ formats: ['DD-MM-YYYY'], orders: { '-': 'dmy' }, needsOrder: false });
    expect(b?.date).toEqual({ formats: ['MM/DD/YYYY'], orders: { '/': 'mdy' }, needsOrder: false });
    expect(c?.date).toEqual({ formats: ['??/??/YYYY'], orders: { '/': 'ambiguous' }, needsOrder: true });
  });

  it('infers emails, phones, percentages with their scale, decimal commas and the null rate', () => {
    const p = new ColumnProfiler(['mail', 'tel', 'rate', 'frac', 'score']);
    p.add(['a@x.dk', '+45 20 12 34 56', '45%', '0.45', '72,5']);
    p.add(['b@x.dk', '0045 20123457', '45,0 %', '0.5', '80,25']);
    p.add(['', '20123458', '30%', '0.05', '']);
    const r = p.result();
    expect(r.map((c) => c.type)).toEqual(['email', 'phone', 'percent', 'number', 'number']);
    expect(r[0]?.nullRate).toBe(0.3333);
    expect(r[2]?.percent).toEqual({ scale: 'percent', decimal: ',' });
    expect(r[3]?.percent).toEqual({ scale: 'fraction', decimal: '.' });
    expect(r[4]?.number).toEqual({ decimal: ',' });
    expect(r[0]?.examples).toEqual(['a@x.dk', 'b@x.dk']);
  });
});
