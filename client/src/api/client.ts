// The panel's one way to call its server. Inside Pipedrive every call carries the signed token
// (`Authorization: Bearer …`); a 401 drops the cached token and retries once with a fresh one.
import type { z } from 'zod';
import { errorFromResponse, isAbort, networkError, timeoutError } from './errors.ts';
import { type EventStream, type EventStreamHandlers, openEventStream } from './events.ts';
import {
  buildUrl,
  decode,
  type Method,
  NO_TOKEN,
  type Query,
  type RawResponse,
  type TokenSource,
  validate,
  withToken,
} from './http.ts';
import { type UploadOptions, uploadFiles } from './upload.ts';

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Gives up after this long (30 s by default). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface Download {
  name: string;
  /** Whether the server named the file (Content-Disposition). */
  named: boolean;
  blob: Blob;
}

export interface ApiClientOptions {
  tokens?: TokenSource;
  /** Prefix for every path; same origin by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Makes the XMLHttpRequest used for uploads (tests pass a fake). */
  createXhr?: () => XMLHttpRequest;
}

export class ApiClient {
  readonly tokens: TokenSource;
  readonly baseUrl: string;
  readonly createXhr: () => XMLHttpRequest;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions = {}) {
    this.tokens = options.tokens ?? NO_TOKEN;
    this.baseUrl = options.baseUrl ?? '';
    // Called through a wrapper: a bare `fetch` stored on an object loses its `this` in browsers.
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.createXhr = options.createXhr ?? (() => new XMLHttpRequest());
  }

  request<T>(method: Method, path: string, options: RequestOptions & { schema: z.ZodType<T> }): Promise<T>;
  request(method: Method, path: string, options?: RequestOptions): Promise<unknown>;
  async request<T>(
    method: Method,
    path: string,
    options: RequestOptions & { schema?: z.ZodType<T> } = {},
  ): Promise<T | unknown> {
    const url = buildUrl(this.baseUrl, path, options.query);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const raw = await withToken(this.tokens, (token) =>
      this.send(method, url, token, options.body, options.signal, timeoutMs),
    );
    const value = decode(raw);
    return options.schema ? validate(value, options.schema, raw) : value;
  }

  get<T>(path: string, schema: z.ZodType<T>, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request('GET', path, { ...options, schema });
  }

  post<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('POST', path, { ...options, schema });
  }

  patch<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('PATCH', path, { ...options, schema });
  }

  put<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('PUT', path, { ...options, schema });
  }

  delete<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('DELETE', path, { ...options, schema });
  }

  /** Multipart upload with progress (see upload.ts). */
  upload<T>(path: string, options: UploadOptions & { schema: z.ZodType<T> }): Promise<T> {
    return uploadFiles(this, path, options);
  }

  /**
   * A file the server offers as a download, fetched with the token (a plain link cannot carry it inside
   * Pipedrive): its bytes and the name the server gives it.
   */
  async download(path: string, options: { signal?: AbortSignal } = {}): Promise<Download> {
    const url = buildUrl(this.baseUrl, path);
    const res = await withToken(this.tokens, async (token) => {
      const headers: Record<string, string> = {};
      if (token) headers.Authorization = `Bearer ${token}`;
      try {
        return await this.fetchImpl(url, {
          headers,
          credentials: 'same-origin',
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (err) {
        if (isAbort(err)) throw err;
        throw networkError(err);
      }
    });
    if (!res.ok) {
      throw errorFromResponse(res.status, await res.text(), res.headers.get('x-request-id'));
    }
    const disposition = res.headers.get('content-disposition') ?? '';
    const given = /filename="?([^";]+)"?/.exec(disposition)?.[1];
    const name = given ?? path.split('/').pop() ?? 'download';
    return { name, named: given !== undefined, blob: await res.blob() };
  }

  /** A server-sent-events stream read over fetch, so it can carry the token (see events.ts). */
  events(path: string, handlers: EventStreamHandlers, options: { query?: Query } = {}): EventStream {
    return openEventStream(
      { tokens: this.tokens, fetch: this.fetchImpl, url: buildUrl(this.baseUrl, path, options.query) },
      handlers,
    );
  }

  private async send(
    method: Method,
    url: string,
    token: string | null,
    body: unknown,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      if (signal?.aborted) throw new DOMException('The request was aborted.', 'AbortError');
      const res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: 'same-origin',
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        requestId: res.headers.get('x-request-id'),
        text: await res.text(),
      };
    } catch (err) {
      if (timedOut) throw timeoutError(timeoutMs);
      if (isAbort(err) || signal?.aborted) throw new DOMException('The request was aborted.', 'AbortError');
      throw networkError(err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
