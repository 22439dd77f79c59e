// Multipart uploads with progress. fetch cannot report upload progress (request streams need HTTP/2
// and are not in every browser), so uploads use XMLHttpRequest.
import type { z } from 'zod';
import { networkError } from './errors.ts';
import {
  buildUrl,
  decode,
  type Query,
  type RawResponse,
  type TokenSource,
  validate,
  withToken,
} from './http.ts';

export interface UploadProgress {
  /** Bytes sent so far (of the whole multipart body). */
  loaded: number;
  total: number;
}

export interface UploadOptions {
  files: readonly File[];
  /** The form field the files are sent under; `files` by default. */
  fieldName?: string;
  /** Plain form fields, sent before the files so the server reads them first. */
  fields?: Record<string, string>;
  query?: Query;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

export interface Uploader {
  tokens: TokenSource;
  baseUrl: string;
  createXhr: () => XMLHttpRequest;
}

export async function uploadFiles<T>(
  client: Uploader,
  path: string,
  options: UploadOptions & { schema: z.ZodType<T> },
): Promise<T> {
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  for (const file of options.files) form.append(options.fieldName ?? 'files', file, file.name);
  const size = options.files.reduce((sum, f) => sum + f.size, 0);
  const url = buildUrl(client.baseUrl, path, options.query);
  const raw = await withToken(client.tokens, (token) =>
    send(client.createXhr(), url, token, form, size, options),
  );
  return validate(decode(raw), options.schema, raw);
}

function send(
  xhr: XMLHttpRequest,
  url: string,
  token: string | null,
  form: FormData,
  size: number,
  options: UploadOptions,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const { signal, onProgress } = options;
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort);
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : size });
    };
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        contentType: xhr.getResponseHeader('content-type'),
        requestId: xhr.getResponseHeader('x-request-id'),
        text: xhr.responseText,
      });
    xhr.onerror = () => reject(networkError(new Error('upload failed')));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    xhr.send(form);
  });
}
