// The panel's SSE reader (client/src/api/events.ts) against a real HTTP server on 127.0.0.1, following
// the server contract in docs/decisions/0005: ids, retry, Last-Event-ID on reconnection, 204 to stop.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream, type ServerEvent } from '../../client/src/api/events.ts';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A progress stream that survives reconnections: each connection resumes after Last-Event-ID. */
function progressServer(seen: IncomingHttpHeaders[]): Promise<string> {
  const script: Record<string, string[]> = {
    // First connection: a retry hint, one event split across two writes, a heartbeat, a multi-line event.
    '': [
      'retry: 10\n\nid: 1\nevent: progress\ndata: {"do',
      'ne":1}\n\n: keep-alive\n\n',
      'id: 2\ndata: line one\ndata: line two\n\n',
    ],
    // Resumed after 2: the rest, then the end of the work.
    '2': ['id: 3\nevent: progress\ndata: {"done":3}\n\nid: 4\nevent: done\ndata: {}\n\n'],
  };
  const http = createServer((req, res) => {
    seen.push(req.headers);
    const last = String(req.headers['last-event-id'] ?? '');
    const parts = script[last];
    if (!parts) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const next = () => {
      const part = parts[i++];
      if (part === undefined) return res.end();
      res.write(part);
      setTimeout(next, 5);
    };
    next();
  });
  server = http;
  return new Promise((resolve) => {
    http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`));
  });
}

describe('the panel event stream over real HTTP', () => {
  it('reads events across writes, reconnects with Last-Event-ID and the token, and stops on 204', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const url = await progressServer(seen);
    const events: ServerEvent[] = [];
    const stream = openEventStream(
      { tokens: { get: async () => 'signed.jwt.token', invalidate: () => {} }, fetch, url: `${url}/events` },
      { onEvent: (e) => events.push(e) },
    );
    await stream.done;
    expect(events).toEqual([
      { event: 'progress', data: '{"done":1}', id: '1' },
      { event: 'message', data: 'line one\nline two', id: '2' },
      { event: 'progress', data: '{"done":3}', id: '3' },
      { event: 'done', data: '{}', id: '4' },
    ]);
    expect(seen.map((h) => h['last-event-id'])).toEqual([undefined, '2', '4']);
    expect(seen.map((h) => [h.accept, h.authorization])).toEqual([
      ['text/event-stream', 'Bearer signed.jwt.token'],
      ['text/event-stream', 'Bearer signed.jwt.token'],
      ['text/event-stream', 'Bearer signed.jwt.token'],
    ]);
  });
});
