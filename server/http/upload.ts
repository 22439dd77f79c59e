// Multipart uploads streamed to disk with busboy: every file is hashed on the way and lands in the
// content-addressed upload store; nothing is held in memory whole. Over UPLOAD_MAX_BYTES is a 413, decided
// from Content-Length when the client sends one, else while the bytes arrive.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, ValidationError } from '../errors.ts';
import { storeContent, writeTemp } from '../staging/file-store.ts';
import type { InputFile } from '../staging/ingest.service.ts';

export interface UploadLimits {
  dataDir: string;
  maxBytes: number;
  maxFiles: number;
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'too_large',
    'upload_too_large',
    `The upload is larger than ${maxBytes} bytes (UPLOAD_MAX_BYTES). Nothing from it was staged; split the exports or zip them.`,
    { maxBytes },
  );
}

/** Receives every file of a multipart request; resolves once all are on disk. */
export async function receiveUpload(req: Request, limits: UploadLimits): Promise<InputFile[]> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new AppError(
      'unsupported',
      'multipart_required',
      'Upload the exports as multipart/form-data (one or more "file" fields).',
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBytes) {
    req.resume();
    throw tooLarge(limits.maxBytes);
  }
  // By position in the request: files finish writing in any order, but are staged (and answered) in
  // the order they were sent, so the panel can tell which result is whose.
  const temps: Array<{ name: string; path: string; sha256: string; size: number }> = [];
  const pending: Array<Promise<void>> = [];
  let failed: Error | undefined;
  let total = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 20 },
        });
      } catch (err) {
        reject(
          new ValidationError(
            'bad_multipart',
            `The upload is not valid multipart data: ${(err as Error).message}`,
          ),
        );
        return;
      }
      const fail = (err: Error) => {
        if (failed) return;
        failed = err;
        req.unpipe(bb);
        req.resume();
        reject(err);
      };
      bb.on('file', (_field, stream, info) => {
        const name = path.basename((info.filename ?? '').replace(/\\/g, '/')).slice(0, 255) || 'upload';
        stream.on('limit', () => fail(tooLarge(limits.maxBytes)));
        const counted = (n: number) => {
          total += n;
          if (total > limits.maxBytes) {
            stream.destroy();
            fail(tooLarge(limits.maxBytes));
          }
        };
        const position = pending.length;
        pending.push(
          writeTemp(limits.dataDir, stream, counted).then(
            (t) => {
              temps[position] = { name, ...t };
            },
            (err: Error) => fail(failed ?? err),
          ),
        );
      });
      bb.on('filesLimit', () =>
        fail(new ValidationError('too_many_files', `At most ${limits.maxFiles} files per upload.`)),
      );
      bb.on('error', (err: Error) =>
        fail(new ValidationError('bad_multipart', `The upload is not valid multipart data: ${err.message}`)),
      );
      bb.on('close', () => {
        Promise.all(pending).then(() => (failed ? reject(failed) : resolve()), reject);
      });
      req.on('aborted', () =>
        fail(new ValidationError('upload_aborted', 'The upload was interrupted before it finished.')),
      );
      req.pipe(bb);
    });
  } catch (err) {
    await Promise.allSettled(pending);
    await Promise.all(temps.map((t) => rm(t.path, { force: true })));
    throw err;
  }
  if (temps.length === 0)
    throw new ValidationError('no_files', 'The upload holds no file: send the exports in "file" fields.');
  const inputs: InputFile[] = [];
  for (const t of temps) {
    const stored = await storeContent(limits.dataDir, 'uploads', t.path, t.sha256, {
      move: true,
      ext: path.extname(t.name).toLowerCase(),
    });
    inputs.push({ name: t.name, path: stored, sha256: t.sha256, size: t.size, storedPath: stored });
  }
  return inputs;
}
