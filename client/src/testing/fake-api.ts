// A fake of the panel's server for component tests: answers by method and path, records every call,
// and holds uploads open so a test can send progress and answer when it chooses.
import { ApiClient } from '../api/client.ts';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** A raw body instead of JSON (an event stream, a download), with its content type. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

type Handler = Reply | ((req: FakeRequest) => Reply | Promise<Reply>);

export function apiError(status: number, code: string, message: string, details?: unknown): Reply {
  return {
    status,
    body: { error: { code, message, requestId: `req-${code}`, ...(details ? { details } : {}) } },
  };
}

/** An upload the test drives: progress events, then the server's answer. */
export class FakeUpload {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  onloadend: (() => void) | null = null;

  /** The x-request-id the answer carries. */
  requestId: string | null = null;

  constructor(private readonly sent: FakeUpload[]) {}

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    const lower = name.toLowerCase();
    if (lower === 'content-type') return 'application/json';
    return lower === 'x-request-id' ? this.requestId : null;
  }
  send(body: FormData) {
    this.body = body;
    this.sent.push(this);
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
    this.onloadend?.();
  }

  /** Names of the files sent, in order. */
  fileNames(): string[] {
    return [...(this.body?.values() ?? [])].filter((v) => v instanceof File).map((f) => (f as File).name);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(reply: Reply) {
    this.respondText(reply.status ?? 200, JSON.stringify(reply.body ?? null));
  }
  respondText(status: number, text: string) {
    this.status = status;
    this.responseText = text;
    this.onload?.();
    this.onloadend?.();
  }
  /** The connection drops before an answer. */
  fail() {
    this.onerror?.();
    this.onloadend?.();
  }
}

export class FakeApi {
  readonly calls: FakeRequest[] = [];
  readonly uploads: FakeUpload[] = [];
  private readonly routes: Array<{ method: string; path: string | RegExp; handler: Handler }> = [];

  constructor(session: unknown = { companyId: 1, userId: 1, mode: 'local', pipedriveTarget: 'sandbox' }) {
    this.on('GET', '/api/session', { body: session });
  }

  /** Answers requests to this path; the latest registration for a path wins. */
  on(method: string, path: string | RegExp, handler: Handler): this {
    this.routes.unshift({ method, path, handler });
    return this;
  }

  /** Calls other than the session, as "METHOD /path?query". */
  requests(): string[] {
    return this.calls
      .filter((c) => c.path !== '/api/session')
      .map((c) => `${c.method} ${c.path}${c.query.size > 0 ? `?${c.query}` : ''}`);
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://panel.test');
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const req: FakeRequest = { method, path: url.pathname, query: url.searchParams, body };
    this.calls.push(req);
    const route = this.routes.find(
      (r) =>
        r.method === method && (typeof r.path === 'string' ? r.path === req.path : r.path.test(req.path)),
    );
    const reply: Reply = route
      ? typeof route.handler === 'function'
        ? await route.handler(req)
        : route.handler
      : apiError(500, 'no_fake', `The fake API has no answer for ${method} ${req.path}.`);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const status = reply.status ?? 200;
    const text = reply.text ?? (reply.body === undefined ? null : JSON.stringify(reply.body));
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'content-type': reply.contentType ?? 'application/json', ...reply.headers },
    });
  };

  client(): ApiClient {
    return new ApiClient({
      fetch: this.fetch,
      createXhr: () => new FakeUpload(this.uploads) as unknown as XMLHttpRequest,
    });
  }
}
