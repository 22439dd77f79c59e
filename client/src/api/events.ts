// Server-sent events read over fetch instead of EventSource: EventSource cannot send an Authorization
// header, and inside Pipedrive every call must carry the signed token (docs/decisions/0005). This keeps
// EventSource's behaviour: reconnect after the server's `retry:` delay, resume with `Last-Event-ID`,
// and stop when the server answers 204.
import { createParser } from 'eventsource-parser';
import { ApiError, errorFromResponse, networkError } from './errors.ts';
import { type TokenSource, withToken } from './http.ts';

export interface ServerEvent {
  /** The `event:` field; `message` when the server sent none. */
  event: string;
  data: string;
  id: string | undefined;
}

export interface EventStreamHandlers {
  onEvent(event: ServerEvent): void;
  /** The stream is (again) connected. */
  onOpen?(): void;
  /** A failure; `retrying` says whether the stream reconnects by itself or has stopped. */
  onError?(error: ApiError, retrying: boolean): void;
}

export interface EventStream {
  /** Stops the stream for good. */
  close(): void;
  /** Settles once the stream has stopped: closed, finished by the server (204), or failed for good. */
  done: Promise<void>;
}

export const DEFAULT_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 30_000;

export interface EventStreamDeps {
  tokens: TokenSource;
  fetch: typeof fetch;
  url: string;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Statuses worth reconnecting after; anything else in 4xx means the request itself is wrong. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export function openEventStream(deps: EventStreamDeps, handlers: EventStreamHandlers): EventStream {
  const controller = new AbortController();
  const { signal } = controller;
  const wait = deps.sleep ?? sleep;
  let lastEventId: string | undefined;
  let retryMs = DEFAULT_RETRY_MS;
  let failures = 0;

  const deliver = (event: ServerEvent) => {
    try {
      handlers.onEvent(event);
    } catch (err) {
      // A bug in a handler must not tear the stream down; surface it as an uncaught error instead.
      queueMicrotask(() => {
        throw err;
      });
    }
  };

  const connect = (token: string | null) => {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
    return deps.fetch(deps.url, { headers, signal, credentials: 'same-origin' });
  };

  const readBody = async (body: ReadableStream<Uint8Array>) => {
    const parser = createParser({
      onEvent: (e) => {
        if (e.id !== undefined) lastEventId = e.id;
        deliver({ event: e.event ?? 'message', data: e.data, id: e.id });
      },
      onRetry: (ms) => {
        retryMs = ms;
      },
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    // Aborting the fetch errors the body in browsers; cancelling as well ends the read wherever it is.
    const stop = () => {
      reader.cancel().catch(() => {});
    };
    signal.addEventListener('abort', stop);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          parser.feed(decoder.decode());
          return;
        }
        // `stream: true` keeps a character split across two chunks whole.
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  };

  /** One connection; returns whether to reconnect. */
  const once = async (): Promise<boolean> => {
    const res = await withToken(deps.tokens, connect);
    const requestId = res.headers.get('x-request-id');
    if (res.status === 204) return false;
    if (!res.ok) {
      const again = retryable(res.status);
      handlers.onError?.(errorFromResponse(res.status, await res.text(), requestId), again);
      failures += 1;
      return again;
    }
    if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
      const error = new ApiError(
        res.status,
        'invalid_response',
        'The server did not answer with an event stream.',
        requestId,
      );
      handlers.onError?.(error, false);
      return false;
    }
    failures = 0;
    handlers.onOpen?.();
    await readBody(res.body);
    // The server closed the stream: reconnect and resume, as EventSource does.
    return true;
  };

  const run = async () => {
    while (!signal.aborted) {
      let again: boolean;
      try {
        again = await once();
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        handlers.onError?.(err instanceof ApiError ? err : networkError(err), true);
        again = true;
      }
      if (!again || signal.aborted) return;
      const backoff = failures === 0 ? retryMs : Math.min(MAX_RETRY_MS, retryMs * 2 ** (failures - 1));
      await wait(backoff, signal);
    }
  };

  return { close: () => controller.abort(), done: run() };
}
