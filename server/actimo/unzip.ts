// Zip uploads (and XLSX, which are zips) are opened with limits so a zip bomb is refused before it is
// inflated: entry count, per-entry and total uncompressed size, and compression ratio, checked on the
// central directory first and again on the bytes actually inflated (a lying header is caught too).
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import yauzl from 'yauzl';
import { AppError, ValidationError } from '../errors.ts';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio for entries above RATIO_FLOOR_BYTES. */
  maxRatio: number;
}

/** Small entries may compress very well legitimately (a CSV of repeated values); the ratio rule starts here. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

function zipBomb(fileName: string, why: string): AppError {
  return new AppError(
    'too_large',
    'zip_limits_exceeded',
    `${fileName} was refused: ${why}. Nothing from it was staged. Unpack it and upload the export files instead.`,
    { file: fileName },
  );
}

function openZip(filePath: string, fileName: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (err, zip) => {
      if (err || !zip) {
        reject(
          new ValidationError(
            'unreadable_zip',
            `${fileName} is not a readable zip archive (${err?.message ?? 'unknown error'}); it may be truncated. Nothing from it was staged.`,
            { file: fileName },
          ),
        );
      } else resolve(zip);
    });
  });
}

/** Skips folders and the clutter macOS and Windows add to archives. */
export function isJunkEntry(name: string): boolean {
  return (
    name.endsWith('/') ||
    /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(\/|$)/.test(name) ||
    /(^|\/)\._/.test(name)
  );
}

/**
 * Reads the central directory and applies the limits to what it declares. Calls `onEntry` for every
 * entry in order with a stream of its inflated bytes, also counted against the limits.
 */
export async function walkZip(
  filePath: string,
  fileName: string,
  limits: ZipLimits,
  onEntry?: (entry: ZipEntryInfo, open: () => Promise<Readable>) => Promise<void>,
): Promise<ZipEntryInfo[]> {
  const zip = await openZip(filePath, fileName);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw zipBomb(fileName, `it holds ${zip.entryCount} entries (the limit is ${limits.maxEntries})`);
    }
    const entries: Array<{ info: ZipEntryInfo; raw: yauzl.Entry }> = [];
    let declared = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        const info = {
          name: e.fileName,
          compressedSize: e.compressedSize,
          uncompressedSize: e.uncompressedSize,
        };
        declared += e.uncompressedSize;
        try {
          checkEntry(info, fileName, limits, declared);
        } catch (err) {
          reject(err);
          return;
        }
        if (!isJunkEntry(e.fileName)) entries.push({ info, raw: e });
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (err: Error) =>
        reject(
          new ValidationError('unreadable_zip', `${fileName} is not a readable zip archive: ${err.message}`, {
            file: fileName,
          }),
        ),
      );
      zip.readEntry();
    });
    if (onEntry) {
      let total = 0;
      for (const { info, raw } of entries) {
        await onEntry(info, async () => {
          const stream = await new Promise<Readable>((resolve, reject) =>
            zip.openReadStream(raw, (err, s) =>
              err || !s ? reject(err ?? new Error('no stream')) : resolve(s),
            ),
          );
          const counter = new ByteLimit(
            limits.maxEntryBytes,
            limits.maxTotalBytes - total,
            (n) => {
              total += n;
            },
            () => zipBomb(fileName, `entry "${info.name}" inflates past the size limits`),
          );
          stream.on('error', (err) =>
            counter.destroy(
              new ValidationError(
                'unreadable_zip',
                `${fileName}: entry "${info.name}" is damaged: ${err.message}`,
                { file: fileName },
              ),
            ),
          );
          return stream.pipe(counter);
        });
      }
    }
    return entries.map((e) => e.info);
  } finally {
    zip.close();
  }
}

function checkEntry(e: ZipEntryInfo, fileName: string, limits: ZipLimits, declaredTotal: number): void {
  if (e.uncompressedSize > limits.maxEntryBytes) {
    throw zipBomb(
      fileName,
      `entry "${e.name}" would inflate to ${e.uncompressedSize} bytes (the limit is ${limits.maxEntryBytes})`,
    );
  }
  if (declaredTotal > limits.maxTotalBytes) {
    throw zipBomb(fileName, `its entries would inflate to more than ${limits.maxTotalBytes} bytes`);
  }
  if (
    e.uncompressedSize > RATIO_FLOOR_BYTES &&
    e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio
  ) {
    const ratio = Math.round(e.uncompressedSize / Math.max(1, e.compressedSize));
    throw zipBomb(
      fileName,
      `entry "${e.name}" is compressed ${ratio}:1 (the limit is ${limits.maxRatio}:1), the mark of a zip bomb`,
    );
  }
}

/** Passes bytes through, failing once more than the allowed number went by. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly maxEntry: number,
    private readonly maxRemaining: number,
    private readonly count: (n: number) => void,
    private readonly error: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    this.count(chunk.length);
    if (this.seen > this.maxEntry || this.seen > this.maxRemaining) done(this.error());
    else done(null, chunk);
  }
}
