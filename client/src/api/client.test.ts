import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiClient } from './client.ts';
import { ApiError } from './errors.ts';
import type { TokenSource } from './http.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeFetch(...answers: Array<Response | Error>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error('no answer left');
    if (next instanceof Error) throw next;
    return next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

function tokens(...values: string[]): TokenSource & { invalidated: number } {
  const source = {
    invalidated: 0,
    current: 0,
    get: async () => values[source.current] ?? null,
    invalidate: () => {
      source.invalidated += 1;
      source.current += 1;
    },
  };
  return source;
}

const item = z.object({ id: z.number(), name: z.string() });

describe('ApiClient', () => {
  it('sends the signed token as a Bearer header and returns the validated body', async () => {
    const f = fakeFetch(json(200, { id: 7, name: 'Acme' }));
    const api = new ApiClient({ fetch: f.fetch, tokens: tokens('jwt-1') });
    expect(await api.get('/api/things/7', item)).toEqual({ id: 7, name: 'Acme' });
    expect(f.calls[0]).toEqual({
      url: '/api/things/7',
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: 'Bearer jwt-1' },
      body: undefined,
    });
  });

  it('sends no Authorization header without a token (outside Pipedrive)', async () => {
    const f = fakeFetch(json(200, { id: 1, name: 'a' }));
    await new ApiClient({ fetch: f.fetch }).get('/api/x', item);
    expect(f.calls[0]?.headers).toEqual({ Accept: 'application/json' });
  });

  it('sends JSON bodies and query parameters, leaving out empty ones', async () => {
    const f = fakeFetch(json(201, { id: 2, name: 'b' }));
    await new ApiClient({ fetch: f.fetch }).post('/api/x', item, {
      body: { name: 'b' },
      query: { page: 2, q: 'a b', none: undefined, nil: null },
    });
    expect(f.calls[0]).toMatchObject({
      url: '/api/x?page=2&q=a+b',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":"b"}',
    });
  });

  it("turns the server's error shape into an ApiError with its code, details and request id", async () => {
    const f = fakeFetch(
      json(409, {
        error: {
          code: 'migration_running',
          message: 'A run is in progress.',
          details: { runId: 3 },
          requestId: 'req-123',
        },
      }),
    );
    const err = await new ApiClient({ fetch: f.fetch }).get('/api/x', item).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'migration_running',
      message: 'A run is in progress.',
      details: { runId: 3 },
      requestId: 'req-123',
    });
  });

  it('explains an error without the server shape by its status, keeping the request id header', async () => {
    const f = fakeFetch(
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'x-request-id': 'edge-9' } }),
    );
    const err = await new ApiClient({ fetch: f.fetch }).get('/api/x', item).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'The server answered 502.',
      requestId: 'edge-9',
    });
  });

  it('says the server cannot be reached when the request never gets there', async () => {
    const f = fakeFetch(new TypeError('Failed to fetch'));
    const err = await new ApiClient({ fetch: f.fetch }).get('/api/x', item).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 0,
      code: 'network_error',
      message: 'Cannot reach the server. Check your connection and try again.',
      requestId: null,
    });
  });

  it('refuses an answer that does not have the expected shape', async () => {
    const f = fakeFetch(json(200, { id: 'seven' }, { 'x-request-id': 'r-1' }));
    const err = await new ApiClient({ fetch: f.fetch }).get('/api/x', item).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 200, code: 'invalid_response', requestId: 'r-1' });
  });

  it('retries once with a fresh token when the server refuses the token', async () => {
    const source = tokens('expired', 'fresh');
    const f = fakeFetch(
      json(401, { error: { code: 'token_expired', message: 'Expired', requestId: 'a' } }),
      json(200, { id: 1, name: 'ok' }),
    );
    expect(await new ApiClient({ fetch: f.fetch, tokens: source }).get('/api/x', item)).toEqual({
      id: 1,
      name: 'ok',
    });
    expect(f.calls.map((c) => c.headers.Authorization)).toEqual(['Bearer expired', 'Bearer fresh']);
    expect(source.invalidated).toBe(1);
  });

  it('does not retry a 401 twice, nor without a token', async () => {
    const unauthorized = () => json(401, { error: { code: 'unauthorized', message: 'No', requestId: 'a' } });
    const withToken = fakeFetch(unauthorized(), unauthorized());
    await expect(
      new ApiClient({ fetch: withToken.fetch, tokens: tokens('a', 'b') }).get('/x', item),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(withToken.calls).toHaveLength(2);
    const without = fakeFetch(unauthorized());
    await expect(new ApiClient({ fetch: without.fetch }).get('/x', item)).rejects.toMatchObject({
      status: 401,
    });
    expect(without.calls).toHaveLength(1);
  });

  it('gives up with a timeout error when the server does not answer in time', async () => {
    const hanging = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    );
    const api = new ApiClient({ fetch: hanging as unknown as typeof fetch });
    await expect(api.get('/api/x', item, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'timeout',
      message: 'The server did not answer within 1 second.',
    });
  });

  it('rejects with an AbortError when the caller cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const f = fakeFetch(json(200, {}));
    const err = await new ApiClient({ fetch: f.fetch })
      .get('/x', item, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(f.calls).toHaveLength(0);
  });

  it('returns undefined for an empty 204 answer', async () => {
    const f = fakeFetch(new Response(null, { status: 204 }));
    expect(await new ApiClient({ fetch: f.fetch }).request('DELETE', '/api/x/1')).toBeUndefined();
  });
});
