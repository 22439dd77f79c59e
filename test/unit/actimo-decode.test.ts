import { Readable } from 'node:stream';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { TextDecodeStream } from '../../server/actimo/decode.ts';

async function decode(chunks: Buffer[], name = 'users.csv'): Promise<{ text: string; encoding: string }> {
  const d = new TextDecodeStream(name);
  const out: Buffer[] = [];
  for await (const b of Readable.from(chunks).pipe(d)) out.push(b as Buffer);
  return { text: Buffer.concat(out).toString('utf8'), encoding: d.encoding };
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  out.push(buf.subarray(at));
  return out;
}

const TEXT = 'Id;Navn\r\n1;Søren Ærø 😀\r\n2;Åse Østergaard é ü\r\n';

describe('TextDecodeStream', () => {
  it.each([
    ['UTF-8 without BOM', Buffer.from(TEXT), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'utf-8-bom'],
    [
      'UTF-16 LE with BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
      'utf-16le',
    ],
    [
      'UTF-16 BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, 'utf16le').swap16()]),
      'utf-16be',
    ],
  ])('decodes %s byte-exact, however the bytes are chunked', async (_what, bytes, encoding) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), async (cuts) => {
        const r = await decode(splitAt(bytes, cuts));
        expect(r.text).toBe(TEXT);
        expect(r.encoding).toBe(encoding);
      }),
      { numRuns: 60 },
    );
  });

  it('reads Windows-1252 when the first non-ASCII byte is not UTF-8', async () => {
    const text = 'Id;Navn\r\n1;Søren Ærø € – “quoted”\r\n';
    const r = await decode(splitAt(iconv.encode(text, 'win1252'), [3, 17, 18]));
    expect(r).toEqual({ text, encoding: 'windows-1252' });
  });

  it('reads a pure-ASCII file as UTF-8', async () => {
    expect(await decode([Buffer.from('a,b\n1,2\n')])).toEqual({ text: 'a,b\n1,2\n', encoding: 'utf-8' });
  });

  it('names line, column and byte of an invalid UTF-8 sequence after valid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\næ,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    await expect(decode([bytes])).rejects.toMatchObject({
      code: 'undecodable_bytes',
      message:
        'users.csv cannot be read as UTF-8: undecodable bytes 0xC3 0x28 0x0A at line 2, column 3 (byte 8). Nothing from this file was staged; re-save it as "CSV UTF-8" and upload it again.',
      details: { file: 'users.csv', line: 2, column: 3, encoding: 'utf-8' },
    });
  });

  it('refuses a UTF-8 file cut in the middle of a character', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\næ,'), Buffer.from([0xe2, 0x82])]);
    await expect(decode([bytes])).rejects.toMatchObject({
      code: 'undecodable_bytes',
      details: { line: 2, column: 3 },
    });
  });

  it('refuses bytes that Windows-1252 leaves undefined', async () => {
    const bytes = Buffer.from([0x61, 0x2c, 0xe6, 0x0a, 0x62, 0x81, 0x0a]);
    await expect(decode([bytes])).rejects.toMatchObject({
      code: 'undecodable_bytes',
      message: expect.stringContaining(
        'cannot be read as WINDOWS-1252: undecodable bytes 0x81 0x0A at line 2, column 2 (byte 6)',
      ),
    });
  });

  it('refuses an unpaired UTF-16 surrogate', async () => {
    const body = Buffer.from('a\n', 'utf16le');
    const lone = Buffer.from([0x00, 0xd8, 0x61, 0x00]);
    await expect(decode([Buffer.from([0xff, 0xfe]), body, lone])).rejects.toMatchObject({
      code: 'undecodable_bytes',
      message: expect.stringContaining('an unpaired UTF-16 surrogate at line 2, column 1'),
    });
  });

  it('refuses binary content (a NUL byte) in a file that is not UTF-16', async () => {
    await expect(decode([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01])], 'x.csv')).rejects.toMatchObject({
      code: 'binary_file',
      message:
        'x.csv is not a text export: it holds a NUL byte at line 1, column 5 (byte 5). Upload the CSV, XLSX or zip file Actimo produced.',
    });
  });
});
