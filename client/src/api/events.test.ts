import { describe, expect, it, vi } from 'vitest';
import type { ApiError } from './errors.ts';
import { DEFAULT_RETRY_MS, type EventStreamDeps, openEventStream, type ServerEvent } from './events.ts';
import type { TokenSource } from './http.ts';

/** A text/event-stream response whose body arrives in the given chunks. */
function stream(chunks: string[], headers: Record<string, string> = {}) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', ...headers } });
}

function harness(answers: Array<Response | Error>, source?: TokenSource) {
  const requests: Array<Record<string, string>> = [];
  const waits: number[] = [];
  const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
    requests.push({ ...(init?.headers as Record<string, string>) });
    const next = answers.shift();
    if (next === undefined) return new Response(null, { status: 204 });
    if (next instanceof Error) throw next;
    return next;
  });
  const deps: EventStreamDeps = {
    tokens: source ?? { get: async () => null, invalidate: () => {} },
    fetch: fetch as unknown as typeof globalThis.fetch,
    url: '/api/migrations/1/events',
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  const events: ServerEvent[] = [];
  const errors: Array<{ code: string; retrying: boolean }> = [];
  let opened = 0;
  const s = openEventStream(deps, {
    onEvent: (e) => events.push(e),
    onOpen: () => {
      opened += 1;
    },
    onError: (e: ApiError, retrying) => errors.push({ code: e.code, retrying }),
  });
  return { stream: s, requests, waits, events, errors, opened: () => opened };
}

describe('openEventStream', () => {
  it('delivers events whose lines are split across chunks, with their names and ids', async () => {
    const h = harness([
      stream([
        'id: 1\nevent: progress\nda',
        'ta: {"done":10}\n\n',
        ': heartbeat\n\nid: 2\ndata: hello\n',
        '\n',
      ]),
    ]);
    await h.stream.done;
    expect(h.events).toEqual([
      { event: 'progress', data: '{"done":10}', id: '1' },
      { event: 'message', data: 'hello', id: '2' },
    ]);
    expect(h.opened()).toBe(1);
  });

  it('reconnects after the server closes, resuming from the last event id after its retry delay', async () => {
    const h = harness([stream(['retry: 5000\nid: 41\ndata: a\n\n']), stream(['id: 42\ndata: b\n\n'])]);
    await h.stream.done;
    expect(h.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(h.requests.map((r) => r['Last-Event-ID'])).toEqual([undefined, '41', '42']);
    expect(h.requests[0]?.Accept).toBe('text/event-stream');
    expect(h.waits).toEqual([5000, 5000]);
  });

  it('stops for good when the server answers 204', async () => {
    const h = harness([new Response(null, { status: 204 })]);
    await h.stream.done;
    expect(h.requests).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });

  it('backs off after network failures and server errors, and says it is retrying', async () => {
    const failing = new Response(
      JSON.stringify({ error: { code: 'unavailable', message: 'Busy', requestId: 'r' } }),
      {
        status: 503,
        headers: { 'content-type': 'application/json' },
      },
    );
    const h = harness([new TypeError('Failed to fetch'), failing, stream(['data: back\n\n'])]);
    await h.stream.done;
    expect(h.errors).toEqual([
      { code: 'network_error', retrying: true },
      { code: 'unavailable', retrying: true },
    ]);
    expect(h.waits).toEqual([DEFAULT_RETRY_MS, DEFAULT_RETRY_MS * 2, DEFAULT_RETRY_MS]);
    expect(h.events.map((e) => e.data)).toEqual(['back']);
  });

  it('stops on a client error, which retrying cannot fix', async () => {
    const notFound = new Response(
      JSON.stringify({
        error: { code: 'migration_not_found', message: 'No such migration', requestId: 'r' },
      }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
    const h = harness([notFound]);
    await h.stream.done;
    expect(h.errors).toEqual([{ code: 'migration_not_found', retrying: false }]);
    expect(h.requests).toHaveLength(1);
  });

  it('stops when the answer is not an event stream', async () => {
    const h = harness([
      new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    ]);
    await h.stream.done;
    expect(h.errors).toEqual([{ code: 'invalid_response', retrying: false }]);
  });

  it('sends the signed token, and a fresh one after a 401', async () => {
    let current = 'old';
    const source: TokenSource = {
      get: async () => current,
      invalidate: () => {
        current = 'new';
      },
    };
    const h = harness([new Response('', { status: 401 }), stream(['data: ok\n\n'])], source);
    await h.stream.done;
    expect(h.requests.map((r) => r.Authorization)).toEqual(['Bearer old', 'Bearer new', 'Bearer new']);
    expect(h.events.map((e) => e.data)).toEqual(['ok']);
  });

  it('stops reading an open stream when closed, and does not reconnect', async () => {
    const encoder = new TextEncoder();
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: first\n\n'));
      },
    });
    const h = harness([
      new Response(endless, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    ]);
    await vi.waitFor(() => expect(h.events.map((e) => e.data)).toEqual(['first']));
    h.stream.close();
    await h.stream.done;
    expect(h.requests).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });
});
