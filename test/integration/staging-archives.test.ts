// Zips (exports plus the files export's attachments), XLSX workbooks, documents kept as they are, and
// idempotent re-staging, on both engines.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { QUIRKS, type StagingHarness, stagingHarness } from '../helpers/staging.ts';
import { buildZip } from '../helpers/zip.ts';

const PDF = Buffer.from('%PDF-1.4\n% a contract\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const users = wb.addWorksheet('Brugere');
  users.addRow(['Brugereksport fra Actimo']);
  users.addRow(['Medarbejder id', 'Fornavn', 'Efternavn', 'E-mail', 'Ansættelsesdato', 'Engagement']);
  users.addRow(['x-1', 'Søren', 'Ærø 😀', 'soren@example.dk', new Date(Date.UTC(2026, 10, 24)), 72.5]);
  users.addRow([1002, 'Åse', 'Østergaard', 'ase@example.dk', new Date(Date.UTC(2025, 0, 13)), 64]);
  wb.addWorksheet('Tom');
  const companies = wb.addWorksheet('Virksomheder');
  companies.addRow(['Virksomheds id', 'Navn', 'Hjemmeside', 'Branche']);
  companies.addRow(['c-1', 'Nordlys A/S', 'nordlys.dk', 'Detail']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(ENGINES)('archives and workbooks on %s', (engine) => {
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

  it('unpacks a zip: stages its exports, stores attachments by sha256 and links them to the files manifest', async () => {
    const m = await h.newMigration();
    const zip = buildZip([
      {
        name: 'export/users.csv',
        data: readFileSync(path.join(QUIRKS, 'users-semicolon-decimal-comma.csv')),
      },
      { name: 'export/files.csv', data: readFileSync(path.join(QUIRKS, 'files-manifest.csv')) },
      { name: 'export/files/contract-1.pdf', data: PDF },
      { name: '__MACOSX/export/._users.csv', data: 'junk' },
      { name: 'export/workflows.json', data: '{"flows":[{"name":"Onboarding"}]}' },
    ]);
    const r = await h.stage(m, [h.bytes('actimo-export.zip', zip)]);
    expect(r.files.map((f) => [f.name, f.kind, f.status, f.rows])).toEqual([
      ['actimo-export.zip/export/users.csv', 'users', 'staged', 2],
      ['actimo-export.zip/export/files.csv', 'files', 'staged', 2],
      ['actimo-export.zip/export/files/contract-1.pdf', 'attachment', 'kept', 0],
      ['actimo-export.zip/export/workflows.json', 'workflows', 'kept', 0],
    ]);
    const sha = createHash('sha256').update(PDF).digest('hex');
    const files = await h.records(m, 'file');
    const linked = files.get('u-1:files/contract-1.pdf')!;
    expect(linked.values).toEqual({
      personId: 'u-1',
      fileName: 'Kontrakt.pdf',
      uploadDate: '2026-01-05',
      path: 'files/contract-1.pdf',
      storedPath: path.join(h.dataDir, 'companies', '1', 'files', sha.slice(0, 2), `${sha}.pdf`),
      size: PDF.length,
      sha256: sha,
      mime: 'application/pdf',
    });
    expect(readFileSync(String(linked.values.storedPath))).toEqual(PDF);
    expect(files.get('u-2:files/missing.pdf')?.issues.map((i) => i.code)).toEqual(['file_missing']);
  });

  it('stages every sheet of an XLSX workbook as its own export and says which sheet it was', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.bytes('actimo.xlsx', await workbook())]);
    expect(r.files.map((f) => [f.sheetName, f.kind, f.encoding, f.delimiter, f.rows])).toEqual([
      ['Brugere', 'users', 'xlsx', null, 2],
      ['Virksomheder', 'companies', 'xlsx', null, 1],
    ]);
    const [users] = await h.service.files(1, m);
    expect(users?.warnings).toEqual([
      'Read sheet "Brugere" of actimo.xlsx.',
      'Skipped 1 title line(s) above the header row.',
    ]);
    const persons = await h.records(m, 'person');
    expect(persons.get('x-1')?.values).toMatchObject({
      firstName: 'Søren',
      lastName: 'Ærø 😀',
      hireDate: '2026-11-24',
    });
    expect(persons.get('1002')?.values).toMatchObject({ fullName: 'Åse Østergaard', hireDate: '2025-01-13' });
    expect((await h.records(m, 'organization')).get('c-1')?.values).toMatchObject({
      name: 'Nordlys A/S',
      industry: 'Detail',
    });
  });

  it('stages the same files again without change: files are known by sha256', async () => {
    const m = await h.newMigration();
    const inputs = [
      h.fixture('users-duplicate-ids.csv'),
      h.fixture('companies-with-a-company-without-users.csv'),
    ];
    const first = await h.stage(m, inputs);
    const before = [...(await h.records(m, 'person')).values()];
    const again = await h.stage(m, inputs);
    expect(again.files.map((f) => [f.fileId, f.alreadyStaged])).toEqual(
      first.files.map((f) => [f.fileId, true]),
    );
    expect(again.summary).toEqual(first.summary);
    expect([...(await h.records(m, 'person')).values()]).toEqual(before);
    expect(await h.service.files(1, m)).toHaveLength(2);
  });

  it('lets the admin say what a file is, and re-consolidates with that kind', async () => {
    const m = await h.newMigration();
    const r = await h.stage(m, [h.bytes('export-3.csv', 'Ref,Who,Where\n1,Anne,Aarhus\n')]);
    expect(r.files[0]?.kind).toBe('unknown');
    expect((await h.service.files(1, m))[0]?.kindEvidence).toEqual([
      'no known export has these headers: "Ref", "Who", "Where"',
    ]);
    const file = await h.service.overrideKind(1, m, r.files[0]!.fileId!, 'companies');
    expect(file.kind).toBe('companies');
    expect(file.kindOverridden).toBe(true);
    expect(file.columnRoles.map((c) => c.field)).toEqual([null, null, null]);
    await expect(h.service.overrideKind(1, m, r.files[0]!.fileId!, 'spreadsheet')).rejects.toMatchObject({
      code: 'invalid_kind',
    });
  });
});
