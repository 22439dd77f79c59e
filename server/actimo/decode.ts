// Streaming text decoding of an uploaded export. Excel and Actimo produce UTF-8 (with or without BOM),
// UTF-16 with a BOM ("Unicode text") and Windows-1252 ("CSV (Comma delimited)" on a Danish Windows).
// Nothing is ever replaced silently: a byte that does not decode is an error naming line and column.
// The output is always validated UTF-8 bytes, which is what csv-parse works on: a UTF-8 file passes
// through without being turned into strings and back.
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { ValidationError } from '../errors.ts';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bytes Windows-1252 leaves undefined: a file holding them is not Windows-1252. */
const CP1252_UNDEFINED = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

type Mode = 'start' | 'ascii' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Bytes in, UTF-8 bytes out (only whole characters per chunk). Without a BOM the choice between UTF-8 and Windows-1252 is made at the first
 * non-ASCII byte (everything before it reads the same in both): valid UTF-8 there means UTF-8.
 */
export class TextDecodeStream extends Transform {
  private mode: Mode = 'start';
  private bom = false;
  private carry: Buffer = Buffer.alloc(0);
  private line = 1;
  /** UTF-8 bytes of the current line so far (for the column of an error); capped. */
  private lineTail: Buffer = Buffer.alloc(0);
  private bytesIn = 0;

  constructor(private readonly fileName: string) {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  /** The encoding found (UTF-8 for a pure-ASCII file). Final once the stream has ended. */
  get encoding(): TextEncoding {
    switch (this.mode) {
      case 'utf-16le':
      case 'utf-16be':
      case 'windows-1252':
        return this.mode;
      default:
        return this.bom ? 'utf-8-bom' : 'utf-8';
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      const out = this.decode(chunk, false);
      if (out.length) this.push(out);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const out = this.decode(Buffer.alloc(0), true);
      if (out.length) this.push(out);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private decode(chunk: Buffer, end: boolean): Buffer {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    if (this.mode === 'start') {
      if (buf.length < 3 && !end) {
        this.carry = buf;
        return Buffer.alloc(0);
      }
      buf = this.readBom(buf);
    }
    let out: Buffer;
    switch (this.mode) {
      case 'utf-16le':
      case 'utf-16be':
        out = Buffer.from(this.decodeUtf16(buf, end), 'utf8');
        break;
      case 'windows-1252':
        out = Buffer.from(this.decodeCp1252(buf), 'utf8');
        break;
      default:
        out = this.passUtf8(buf, end);
    }
    this.bytesIn += chunk.length;
    this.advance(out);
    return out;
  }

  private readBom(buf: Buffer): Buffer {
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.mode = 'utf-8';
      this.bom = true;
      return buf.subarray(3);
    }
    if (buf[0] === 0xff && buf[1] === 0xfe) {
      this.mode = 'utf-16le';
      return buf.subarray(2);
    }
    if (buf[0] === 0xfe && buf[1] === 0xff) {
      this.mode = 'utf-16be';
      return buf.subarray(2);
    }
    this.mode = 'ascii';
    return buf;
  }

  /** UTF-8 (or ASCII so far): validated and passed through as bytes. */
  private passUtf8(buf: Buffer, end: boolean): Buffer {
    const nul = buf.indexOf(0);
    if (nul >= 0) this.fail('binary_file', buf.subarray(0, nul), buf, nul);
    if (this.mode === 'ascii') {
      if (isAscii(buf)) return buf;
      const firstHigh = buf.findIndex((b) => b >= 0x80);
      const cut = end ? buf.length : cutUtf8(buf, buf.length);
      if (cut <= firstHigh) {
        // Only the start of a possible multi-byte character so far: decide with the next chunk.
        this.carry = Buffer.from(buf.subarray(firstHigh));
        return buf.subarray(0, firstHigh);
      }
      // One well-formed multi-byte character is proof enough of UTF-8: a stray invalid byte after it is
      // then an error, not a reason to read the whole file as Windows-1252 mojibake.
      const rest = buf.subarray(firstHigh, cut);
      this.mode = isUtf8(rest) || hasUtf8Sequence(rest) ? 'utf-8' : 'windows-1252';
      if (this.mode === 'windows-1252') return Buffer.from(this.decodeCp1252(buf), 'utf8');
    }
    const cut = end ? buf.length : cutUtf8(buf, buf.length);
    const whole = buf.subarray(0, cut);
    if (!isUtf8(whole)) {
      const bad = firstInvalidUtf8(whole);
      this.fail('undecodable_bytes', whole.subarray(0, bad), whole, bad);
    }
    this.carry = Buffer.from(buf.subarray(cut));
    return whole;
  }

  private decodeCp1252(buf: Buffer): string {
    let bad = -1;
    for (const b of [0, ...CP1252_UNDEFINED]) {
      const i = buf.indexOf(b);
      if (i >= 0 && (bad < 0 || i < bad)) bad = i;
    }
    if (bad >= 0) {
      const code = buf[bad] === 0 ? 'binary_file' : 'undecodable_bytes';
      this.fail(code, Buffer.from(iconv.decode(buf.subarray(0, bad), 'win1252')), buf, bad);
    }
    return iconv.decode(buf, 'win1252');
  }

  private decodeUtf16(buf: Buffer, end: boolean): string {
    let usable = buf.length - (buf.length % 2);
    // Keep a trailing high surrogate for the next chunk: its pair may be there.
    if (!end && usable >= 2) {
      const last = this.mode === 'utf-16le' ? buf.readUInt16LE(usable - 2) : buf.readUInt16BE(usable - 2);
      if (last >= 0xd800 && last <= 0xdbff) usable -= 2;
    }
    if (end && usable !== buf.length) {
      this.fail(
        'undecodable_bytes',
        Buffer.alloc(0),
        buf,
        usable,
        'the file ends in the middle of a UTF-16 character',
      );
    }
    this.carry = Buffer.from(buf.subarray(usable));
    const body = Buffer.from(buf.subarray(0, usable));
    if (this.mode === 'utf-16be') body.swap16();
    const text = body.toString('utf16le');
    const at = text.search(LONE_SURROGATE);
    if (at >= 0) {
      this.fail(
        'undecodable_bytes',
        Buffer.from(text.slice(0, at)),
        buf,
        at * 2,
        'an unpaired UTF-16 surrogate',
      );
    }
    return text;
  }

  private advance(out: Buffer): void {
    let i = out.indexOf(10);
    if (i < 0) {
      this.lineTail = this.lineTail.length < 65536 ? Buffer.concat([this.lineTail, out]) : this.lineTail;
      return;
    }
    let last = i;
    while (i >= 0) {
      this.line++;
      last = i;
      i = out.indexOf(10, i + 1);
    }
    this.lineTail = Buffer.from(out.subarray(last + 1));
  }

  /** `before`: the UTF-8 bytes decoded ahead of the bad byte in this chunk. */
  private fail(code: string, before: Buffer, buf: Buffer, at: number, what?: string): never {
    this.advance(before);
    const column = [...this.lineTail.toString('utf8')].length + 1;
    const bytes = [...buf.subarray(at, at + 4)].map(
      (b) => `0x${b.toString(16).padStart(2, '0').toUpperCase()}`,
    );
    const where = `line ${this.line}, column ${column} (byte ${this.bytesIn + at + 1})`;
    if (code === 'binary_file') {
      throw new ValidationError(
        code,
        `${this.fileName} is not a text export: it holds a NUL byte at ${where}. Upload the CSV, XLSX or zip file Actimo produced.`,
        { file: this.fileName, line: this.line, column },
      );
    }
    throw new ValidationError(
      code,
      `${this.fileName} cannot be read as ${this.encodingName()}: ${what ?? `undecodable bytes ${bytes.join(' ')}`} at ${where}. Nothing from this file was staged; re-save it as "CSV UTF-8" and upload it again.`,
      { file: this.fileName, line: this.line, column, encoding: this.encoding },
    );
  }

  private encodingName(): string {
    return this.mode === 'ascii' ? 'UTF-8' : this.encoding.toUpperCase();
  }
}

/** Length of `buf[0, end)` without a multi-byte UTF-8 sequence cut off at its end. */
function cutUtf8(buf: Buffer, end: number): number {
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = buf[end - back]!;
    if (b < 0x80) return end;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return back < need ? end - back : end;
    }
  }
  return end;
}

/** Whether the bytes hold at least one well-formed multi-byte UTF-8 character. */
function hasUtf8Sequence(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    const need = b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need > 0 && i + need <= buf.length && isUtf8(buf.subarray(i, i + need))) return true;
  }
  return false;
}

/** Index of the first byte that breaks UTF-8 (only called once a buffer is known to be invalid). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const need =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0 || i + need > buf.length) return i;
    if (need > 1 && !isUtf8(buf.subarray(i, i + need))) return i;
    i += need;
  }
  return buf.length;
}
