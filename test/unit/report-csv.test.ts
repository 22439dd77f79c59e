import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralise, toCsv } from '../../server/report/csv.ts';

const BOM = '\uFEFF';

describe('the safe CSV writer', () => {
  it('prefixes a single quote to cells that start with = + - @ tab or carriage return', () => {
    expect(
      toCsv(['value'], [['=SUM(A1:A2)'], ['+4520000000'], ['-Intern'], ['@Support'], ['\tx'], ['\ry']], {
        bom: false,
      }),
    ).toBe("value\r\n'=SUM(A1:A2)\r\n'+4520000000\r\n'-Intern\r\n'@Support\r\n'\tx\r\n\"'\ry\"\r\n");
  });

  it('leaves other cells as they are, including formula characters after the first position', () => {
    expect(toCsv(['a', 'b', 'c'], [['Søren Ærø 😀', 'a=b', '45%']], { bom: false })).toBe(
      'a,b,c\r\nSøren Ærø 😀,a=b,45%\r\n',
    );
  });

  it('quotes cells holding the delimiter, quotes or line breaks, and writes null as an empty cell', () => {
    expect(
      toCsv(
        ['x', 'y', 'z'],
        [
          ['Drift; Nord', 'say "hi"', null],
          ['a\nb', 3, true],
        ],
        { delimiter: ';', bom: false },
      ),
    ).toBe('x;y;z\r\n"Drift; Nord";"say ""hi""";\r\n"a\nb";3;true\r\n');
  });

  it('starts with a UTF-8 byte-order mark unless asked not to', () => {
    expect(toCsv(['a'], [['1']])).toBe(`${BOM}a\r\n1\r\n`);
  });

  it('neutralises the header row too', () => {
    expect(toCsv(['=cmd'], [], { bom: false })).toBe("'=cmd\r\n");
  });

  it('reads back, through csv-parse, as the neutralised values', () => {
    const rows = [
      ['=1+1', 'plain', 'with,comma'],
      ['-5', '', 'line\r\nbreak'],
      ['a\nb', 'c\rd', 'e'],
    ];
    const back = parse(toCsv(['a', 'b', 'c'], rows, { bom: false })) as string[][];
    expect(back).toEqual([
      ['a', 'b', 'c'],
      ["'=1+1", 'plain', 'with,comma'],
      ["'-5", '', 'line\r\nbreak'],
      ['a\nb', 'c\rd', 'e'],
    ]);
    expect(back.slice(1)).toEqual(rows.map((r) => r.map(neutralise)));
  });

  it('neutralise() marks exactly the six OWASP trigger characters', () => {
    expect(['=a', '+a', '-a', '@a', '\ta', '\ra', 'a', '', ' =a', '#a'].map(neutralise)).toEqual([
      "'=a",
      "'+a",
      "'-a",
      "'@a",
      "'\ta",
      "'\ra",
      'a',
      '',
      ' =a',
      '#a',
    ]);
  });
});
