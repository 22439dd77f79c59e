// The official SDK over HTTP to a scripted server: each test scripts what "Pipedrive" answers.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import {
  createPipedriveClient,
  LimiterRegistry,
  type PipedriveClient,
} from '../../server/pipedrive/client.ts';
import { isPipedriveError, type PipedriveApiError } from '../../server/pipedrive/errors.ts';
import type { TransportEvent } from '../../server/pipedrive/transport.ts';

type Script = (req: Request, res: Response, n: number) => void;
let script: Script = (_req, res) => res.json({ success: true, data: null });
const seen: Array<{ method: string; path: string; auth: string | undefined }> = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use((req, res) => {
    seen.push({ method: req.method, path: req.path, auth: req.header('x-api-token') });
    script(req, res, seen.length);
  });
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let events: TransportEvent[];
let client: PipedriveClient;
beforeEach(() => {
  seen.length = 0;
  events = [];
  client = createPipedriveClient(
    { companyId: 1, apiUrl: url, auth: { kind: 'apiToken', token: 'tok-123' } },
    {
      clock: systemClock,
      limiters: new LimiterRegistry(systemClock, { windowMs: 50, jitterMs: 0 }),
      timeoutMs: 300,
      onEvent: (e) => events.push(e),
      transport: { backoffBaseMs: 1, backoffMaxMs: 5, random: () => 1 },
    },
  );
});

const person = { AddPersonRequest: { name: 'Jane Doe' } };
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as PipedriveApiError,
  );

describe('Pipedrive transport under the official SDK', () => {
  it('sends the API token as x-api-token and resolves to the body', async () => {
    script = (_req, res) => res.status(201).json({ success: true, data: { id: 42, name: 'Jane Doe' } });
    const r = await client.persons.addPerson(person);
    expect(r.data?.id).toBe(42);
    expect(seen).toEqual([{ method: 'POST', path: '/api/v2/persons', auth: 'tok-123' }]);
    expect(events.map((e) => [e.op, e.status, e.tokens, e.attempt])).toEqual([['persons.add', 201, 5, 1]]);
  });

  it('waits out a 429 and retries until Pipedrive accepts', async () => {
    script = (_req, res, n) => {
      if (n <= 2)
        res
          .status(429)
          .set({ 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' })
          .json({ success: false, error: 'Request over limit', errorCode: 429 });
      else res.status(201).json({ success: true, data: { id: 7 } });
    };
    const r = await client.persons.addPerson(person);
    expect(r.data?.id).toBe(7);
    expect(events.map((e) => e.status)).toEqual([429, 429, 201]);
    expect(client.limiter.stats().throttled).toBe(2);
  });

  it('reports the daily budget as exhausted after five 429s in a row', async () => {
    script = (_req, res) =>
      res.status(429).set('x-ratelimit-reset', '0').json({ success: false, errorCode: 429 });
    const err = await rejection(client.persons.getPersons({}));
    expect(isPipedriveError(err, 'budget_exhausted')).toBe(true);
    expect(err?.info.resumeAt).toBeGreaterThan(Date.now());
    expect(seen).toHaveLength(5);
  });

  it('retries a read that hit a 5xx', async () => {
    script = (_req, res, n) => (n < 3 ? res.status(503).send('busy') : res.json({ success: true, data: [] }));
    await client.persons.getPersons({ limit: 500 });
    expect(events.map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('does not retry a create that hit a 5xx and says its outcome is unknown', async () => {
    script = (_req, res) => res.status(500).json({ success: false, error: 'Internal error' });
    const err = await rejection(client.persons.addPerson(person));
    expect(err?.info).toEqual({
      failure: 'server_error',
      op: 'persons.add',
      method: 'POST',
      path: '/api/v2/persons',
      status: 500,
      outcomeUnknown: true,
      pipedriveMessage: 'Internal error',
    });
    expect(seen).toHaveLength(1);
  });

  it('marks a create whose connection dropped as outcome unknown, without retrying', async () => {
    script = (req) => req.socket.destroy();
    const err = await rejection(client.persons.addPerson(person));
    expect(err?.info.failure).toBe('network');
    expect(err?.outcomeUnknown).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('times out a create that never answers, as outcome unknown', async () => {
    script = () => undefined;
    const err = await rejection(client.persons.addPerson(person));
    expect(err?.info.failure).toBe('timeout');
    expect(err?.outcomeUnknown).toBe(true);
  });

  it('turns a validation error into a typed error carrying Pipedrive’s message', async () => {
    script = (_req, res) =>
      res.status(400).json({ success: false, error: 'Field "org_id" must be a number', errorCode: 400 });
    const err = await rejection(client.persons.addPerson(person));
    expect(err?.kind).toBe('upstream');
    expect(err?.code).toBe('pipedrive_validation');
    expect(err?.message).toBe('Pipedrive POST /api/v2/persons answered 400: Field "org_id" must be a number');
    expect(err?.outcomeUnknown).toBe(false);
  });

  it('learns the burst limit from the response headers', async () => {
    script = (_req, res) => res.set('x-ratelimit-limit', '160').json({ success: true, data: [] });
    expect(client.limiter.limit).toBe(20);
    await client.users.getUsers();
    expect(client.limiter.limit).toBe(160);
    expect(events[0]).toMatchObject({ op: 'users.list', tokens: 20, path: '/api/v1/users' });
  });
});
