// Files on disk under DATA_DIR: uploads and attachments are stored by their sha256 (content-addressed),
// so the same file uploaded twice is stored once and a path says exactly which bytes it holds.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}

export async function readHead(filePath: string, bytes = 4096): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function tempPath(dataDir: string, hint = 'upload'): string {
  return path.join(dataDir, 'tmp', `${hint}-${process.pid}-${randomBytes(8).toString('hex')}`);
}

/**
 * Streams bytes to a new temporary file, hashing and counting them on the way; never holds the file in
 * memory. `onBytes` sees every chunk's size (an upload limit can stop the stream from there).
 */
export async function writeTemp(
  dataDir: string,
  source: Readable,
  onBytes?: (n: number) => void,
): Promise<{ path: string; sha256: string; size: number }> {
  const target = tempPath(dataDir);
  // Synchronous on purpose: the source must not flow before the pipeline below is attached.
  mkdirSync(path.dirname(target), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, tap, createWriteStream(target));
  } catch (err) {
    await rm(target, { force: true });
    throw err;
  }
  return { path: target, sha256: hash.digest('hex'), size };
}

/** Where content with this hash lives in a store (`uploads` or `files`). */
export function contentPath(dataDir: string, store: 'uploads' | 'files', sha256: string, ext = ''): string {
  return path.join(dataDir, store, sha256.slice(0, 2), `${sha256}${ext}`);
}

/** Puts a file into a content-addressed store; moves it when `move`, else copies. Returns the stored path. */
export async function storeContent(
  dataDir: string,
  store: 'uploads' | 'files',
  src: string,
  sha256: string,
  opts: { move: boolean; ext?: string },
): Promise<string> {
  const target = contentPath(dataDir, store, sha256, opts.ext ?? '');
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    if (opts.move) await rm(src, { force: true });
    return target;
  }
  await mkdir(path.dirname(target), { recursive: true });
  if (opts.move) {
    await rename(src, target).catch(async () => {
      await copyFile(src, target);
      await rm(src, { force: true });
    });
  } else {
    await copyFile(src, target);
  }
  return target;
}

const MIME: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

export function mimeOf(name: string): string {
  return MIME[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}
