// Each bad input gets a clear error, is recorded as a failed file where it was read, and leaves what
// was staged before it intact, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { type StagingHarness, stagingHarness } from '../helpers/staging.ts';
import { buildZip } from '../helpers/zip.ts';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0,
]);

describe.each(ENGINES)('bad inputs on %s', (engine) => {
  let t: TestDb;
  let h: StagingHarness;
  let m: number;
  let before: unknown;

  beforeAll(async () => {
    t = await createTestDb(engine);
    h = await stagingHarness(t);
    m = await h.newMigration();
    await h.stage(m, [h.fixture('users-semicolon-decimal-comma.csv')]);
    before = [...(await h.records(m, 'person')).values()];
  });
  afterAll(async () => {
    h.close();
    await t.destroy();
  });

  async function expectIntact(): Promise<void> {
    expect([...(await h.records(m, 'person')).values()]).toEqual(before);
    const rows = await t.db('source_rows').where({ company_id: 1 }).count({ n: '*' });
    const staged = await t
      .db('source_files')
      .where({ company_id: 1, migration_id: m, status: 'staged' })
      .sum({ n: 'row_count' });
    expect(Number(rows[0]?.n)).toBe(Number(staged[0]?.n));
  }

  it.each([
    [
      'users-truncated-inside-quotes.csv',
      'truncated_file',
      /^users-truncated-inside-quotes\.csv ends inside a quoted field .*line 3.*: the file looks cut off\. Nothing from it was staged; export it again\.$/,
    ],
    [
      'users-header-only.csv',
      'header_only',
      /^users-header-only\.csv has a header row but no data rows: there is nothing to stage\.$/,
    ],
    ['users-empty.csv', 'empty_file', /^users-empty\.csv is empty: there is nothing to stage\.$/],
  ])('refuses %s with %s', async (name, code, message) => {
    const r = await h.stage(m, [h.fixture(name)]);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ status: 'failed', error: { kind: 'validation', code } });
    expect(r.files[0]?.error?.message).toMatch(message);
    await expectIntact();
  });

  it('names the line and column of bytes that are not UTF-8, and records the file as failed', async () => {
    const bytes = Buffer.concat([
      Buffer.from('User ID,First name,Last name\nb-1,Søren,Ærø\nb-2,Bo,B'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('rg\n'),
    ]);
    const r = await h.stage(m, [h.bytes('users-undecodable-bytes.csv', bytes)]);
    expect(r.files[0]?.error).toEqual({
      kind: 'validation',
      code: 'undecodable_bytes',
      message:
        'users-undecodable-bytes.csv cannot be read as UTF-8: undecodable bytes 0xFF 0xFE 0x72 0x67 at line 3, column 9 (byte 55). Nothing from this file was staged; re-save it as "CSV UTF-8" and upload it again.',
    });
    const failed = (await h.service.files(1, m)).filter((f) => f.name === 'users-undecodable-bytes.csv');
    expect(failed.map((f) => [f.status, f.error?.code, f.rowCount])).toEqual([
      ['failed', 'undecodable_bytes', 0],
    ]);
    await expectIntact();
  });

  it('refuses a binary file that claims to be a CSV', async () => {
    const r = await h.stage(m, [h.bytes('users.csv', PNG)]);
    expect(r.files[0]?.error).toMatchObject({ code: 'binary_file' });
    expect(r.files[0]?.error?.message).toBe(
      'users.csv is not a text export: it holds a NUL byte at line 3, column 1 (byte 9). Upload the CSV, XLSX or zip file Actimo produced.',
    );
    await expectIntact();
  });

  it('refuses a zip bomb before inflating it', async () => {
    const bomb = buildZip([{ name: 'users.csv', data: Buffer.alloc(20 * 2 ** 20, 0x41) }]);
    const r = await h.stage(m, [h.bytes('export.zip', bomb)]);
    expect(r.files[0]?.error?.kind).toBe('too_large');
    expect(r.files[0]?.error?.code).toBe('zip_limits_exceeded');
    expect(r.files[0]?.error?.message).toMatch(
      /^export\.zip was refused: entry "users\.csv" would inflate to 20971520 bytes \(the limit is 8388608\)/,
    );
    await expectIntact();
  });

  it('refuses a zip whose entry compresses beyond the ratio limit', async () => {
    const bomb = buildZip([{ name: 'users.csv', data: Buffer.alloc(4 * 2 ** 20, 0x41) }]);
    const r = await h.stage(m, [h.bytes('ratio.zip', bomb)]);
    expect(r.files[0]?.error?.code).toBe('zip_limits_exceeded');
    expect(r.files[0]?.error?.message).toMatch(
      /entry "users\.csv" is compressed \d+:1 \(the limit is 100:1\), the mark of a zip bomb/,
    );
    await expectIntact();
  });

  it('stops inflating an entry whose header lies about its size', async () => {
    const liar = buildZip([{ name: 'users.csv', data: Buffer.alloc(2 * 2 ** 20, 0x41), declaredSize: 1000 }]);
    const r = await h.stage(m, [h.bytes('liar.zip', liar)]);
    expect(r.files[0]?.status).toBe('failed');
    expect(r.files[0]?.error?.message).toMatch(/^liar\.zip: entry "users\.csv" is damaged: /);
    await expectIntact();
  });

  it('refuses a truncated zip', async () => {
    const zip = buildZip([{ name: 'users.csv', data: 'User ID,First name\nz-1,Anne\n' }]);
    const r = await h.stage(m, [h.bytes('cut.zip', zip.subarray(0, zip.length - 30))]);
    expect(r.files[0]?.error?.code).toBe('unreadable_zip');
    expect(r.files[0]?.error?.message).toMatch(
      /^cut\.zip is not a readable zip archive \(.+\); it may be truncated\. Nothing from it was staged\.$/,
    );
    await expectIntact();
  });

  it('refuses a file over the size limit without reading it', async () => {
    const small = await stagingHarness(t, 1, 100);
    try {
      const r = await small.stage(m, [small.fixture('users-phone-formats.csv')]);
      expect(r.files[0]?.error).toMatchObject({ kind: 'too_large', code: 'file_too_large' });
      expect(r.files[0]?.error?.message).toMatch(
        /^users-phone-formats\.csv is \d+ bytes, over the 100-byte limit \(UPLOAD_MAX_BYTES\)\.$/,
      );
      await expectIntact();
    } finally {
      small.close();
    }
  });

  it('stages the good files of an upload even when another file in it is bad', async () => {
    const r = await h.stage(m, [h.fixture('users-header-only.csv'), h.fixture('users-phone-formats.csv')]);
    expect(r.files.map((f) => [f.name, f.status])).toEqual([
      ['users-header-only.csv', 'failed'],
      ['users-phone-formats.csv', 'staged'],
    ]);
    const persons = await h.records(m, 'person');
    expect(persons.get('u-1')).toEqual(
      (before as Array<{ actimoId: string }>).find((p) => p.actimoId === 'u-1'),
    );
    expect(persons.get('p-5')?.values.phone).toBe('+46701234567');
  });
});
