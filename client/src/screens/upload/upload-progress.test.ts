import { describe, expect, it } from 'vitest';
import { fileResult } from '../../testing/staging-fixtures.ts';
import { fileProgress, matchResults, serverFileName } from './upload-progress.ts';

describe('fileProgress', () => {
  it('fills the files in order as the body goes out, framing spread over them', () => {
    // 1,100 bytes of body for 1,000 bytes of files.
    expect(fileProgress([300, 100, 600], 0, 1100)).toEqual([0, 0, 0]);
    expect(fileProgress([300, 100, 600], 330, 1100)).toEqual([300, 0, 0]);
    expect(fileProgress([300, 100, 600], 550, 1100)).toEqual([300, 100, 100]);
    expect(fileProgress([300, 100, 600], 1100, 1100)).toEqual([300, 100, 600]);
  });

  it('never goes past a file, nor counts before an upload has a size', () => {
    expect(fileProgress([10, 10], 5000, 1000)).toEqual([10, 10]);
    expect(fileProgress([10, 10], 0, 0)).toEqual([0, 0]);
    expect(fileProgress([0, 10], 50, 100)).toEqual([0, 5]);
  });
});

describe('serverFileName', () => {
  it('is the base name, at most 255 characters, as the server stores it', () => {
    expect(serverFileName('C:\\exports\\users.csv')).toBe('users.csv');
    expect(serverFileName('a/b/companies.csv')).toBe('companies.csv');
    expect(serverFileName(`${'x'.repeat(300)}.csv`)).toBe('x'.repeat(255));
    expect(serverFileName('')).toBe('upload');
  });
});

describe('matchResults', () => {
  it("gives each uploaded file its own results: itself, a workbook's sheets, a zip's entries", () => {
    const results = [
      fileResult({ name: 'users.csv' }),
      fileResult({ name: 'export.xlsx', sheetName: 'Users' }),
      fileResult({ name: 'export.xlsx', sheetName: 'Companies' }),
      fileResult({ name: 'all.zip/companies.csv' }),
      fileResult({ name: 'all.zip/files/a.pdf' }),
    ];
    const { perFile, unmatched } = matchResults(['users.csv', 'export.xlsx', 'all.zip'], results);
    expect(perFile.map((r) => r.map((x) => `${x.name}${x.sheetName ? `#${x.sheetName}` : ''}`))).toEqual([
      ['users.csv'],
      ['export.xlsx#Users', 'export.xlsx#Companies'],
      ['all.zip/companies.csv', 'all.zip/files/a.pdf'],
    ]);
    expect(unmatched).toEqual([]);
  });

  it('tells two uploads of the same name apart by their order', () => {
    const first = fileResult({ name: 'users.csv', rows: 1 });
    const second = fileResult({ name: 'users.csv', rows: 2 });
    expect(matchResults(['users.csv', 'users.csv'], [first, second]).perFile).toEqual([[first], [second]]);
    const a = fileResult({ name: 'x.zip/users.csv', rows: 1 });
    const b = fileResult({ name: 'x.zip/users.csv', rows: 2 });
    const s1 = fileResult({ name: 'w.xlsx', sheetName: 'Users', rows: 1 });
    const s2 = fileResult({ name: 'w.xlsx', sheetName: 'Users', rows: 2 });
    expect(matchResults(['x.zip', 'x.zip', 'w.xlsx', 'w.xlsx'], [a, b, s1, s2]).perFile).toEqual([
      [a],
      [b],
      [s1],
      [s2],
    ]);
  });

  it('still finds the file of a result answered out of order', () => {
    const zipEntry = fileResult({ name: 'all.zip/companies.csv' });
    const users = fileResult({ name: 'users.csv' });
    expect(matchResults(['users.csv', 'all.zip'], [zipEntry, users])).toEqual({
      perFile: [[users], [zipEntry]],
      unmatched: [],
    });
  });

  it('does not take a result of another file whose name only starts the same', () => {
    const results = [fileResult({ name: 'users.csv.bak' })];
    expect(matchResults(['users.csv'], results)).toEqual({ perFile: [[]], unmatched: results });
  });
});
