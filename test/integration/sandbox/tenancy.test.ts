import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/index.ts';
import { rejection, sdkClients, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox: several companies on one base URL, found from the credential', () => {
  let t: TestSandbox;
  let other: ReturnType<typeof sdkClients>;
  let otherId: number;

  beforeAll(async () => {
    t = await startTestSandbox();
    const added = t.sandbox.addCompany({ name: 'Globex', plan: 'premium', seats: 2 });
    otherId = added.companyId;
    other = sdkClients(t.url, { apiKey: added.apiToken });
  });
  afterAll(() => t.close());

  it('keeps each company’s records apart, with ids starting at 1 in each', async () => {
    const a = await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Acme person' } });
    const b = await other.persons.addPerson({ AddPersonRequest: { name: 'Globex person' } });
    expect([a.data!.id, b.data!.id]).toEqual([1, 1]);
    expect((await t.pd.persons.getPerson({ id: 1 })).data!.name).toBe('Acme person');
    expect((await other.persons.getPerson({ id: 1 })).data!.name).toBe('Globex person');
    await other.persons.addPerson({ AddPersonRequest: { name: 'Second Globex' } });
    expect((await rejection(t.pd.persons.getPerson({ id: 2 }))).error).toBe('Person not found');
    expect((await other.users.getUsers()).data!.map((u) => u.id)).not.toContain(t.adminId);
  });

  it('counts each company’s budget separately', () => {
    expect(t.sandbox.usage(t.companyId).used).toBe(5 + 1 + 1);
    expect(t.sandbox.usage(otherId).used).toBe(5 + 1 + 5 + 20);
  });
});

describe('sandbox inspection API', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  const json = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${t.url}/__sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (r.status === 204 ? null : await r.json()) as T };
  };
  interface CompanyRow {
    name: string;
    plan: string;
    users: unknown[];
    usage: unknown;
  }
  interface LogRow {
    method: string;
    path: string;
    operation: string;
    status: number;
    cost: number;
  }

  it('adds and lists companies, with users and usage', async () => {
    const added = await json<{ apiToken: string; users: { id: number }[] }>('POST', '/companies', {
      name: 'Initech',
      plan: 'lite',
      users: [{ name: 'Bill', email: 'bill@initech.example' }],
    });
    expect(added.status).toBe(201);
    expect(added.body.apiToken).toMatch(/^[0-9a-f]{40}$/);
    const list = await json<CompanyRow[]>('GET', '/companies');
    expect(list.body.map((c) => [c.name, c.plan])).toEqual([
      ['Acme HR', 'growth'],
      ['Initech', 'lite'],
    ]);
    expect(list.body[1]!.users).toEqual([
      { id: added.body.users[0]!.id, name: 'Bill', email: 'bill@initech.example', isAdmin: true },
    ]);
    expect(list.body[1]!.usage).toMatchObject({ budget: 30_000, used: 0 });
  });

  it('shows the request log with the token cost of each request', async () => {
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Logged' } });
    await t.pd.persons.getPersons({});
    const log = await json<{ totalCost: number; requests: LogRow[] }>(
      'GET',
      `/requests?companyId=${t.companyId}`,
    );
    expect(log.body.totalCost).toBe(15);
    expect(log.body.requests.map((r) => [r.method, r.path, r.operation, r.status, r.cost])).toEqual([
      ['POST', '/api/v2/persons', 'addPerson', 200, 5],
      ['GET', '/api/v2/persons', 'getPersons', 200, 10],
    ]);
    expect(JSON.stringify(log.body)).not.toContain(t.apiToken);
  });

  it('updates settings, advances the clock, simulates a human edit and arms faults', async () => {
    const settings = await json('PATCH', '/settings', { searchIndexLagMs: 5000 });
    expect(settings.body.searchIndexLagMs).toBe(5000);
    const bad = await json<{ error: string }>('PATCH', '/settings', { faults: { errorRate: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('faults.errorRate: Too big: expected number to be <=1');
    expect((await t.pd.persons.searchPersons({ term: 'Logged', fields: 'name' })).data!.items).toEqual([]);
    const clock = await json<{ now: string }>('POST', '/clock/advance', { ms: 5000 });
    expect(clock.body.now).toBe('2026-03-02T09:00:05.000Z');
    expect((await t.pd.persons.searchPersons({ term: 'Logged', fields: 'name' })).data!.items!.length).toBe(
      1,
    );
    const edit = await json('PATCH', `/companies/${t.companyId}/human/persons/1`, { name: 'Edited by hand' });
    expect(edit.status).toBe(200);
    expect((await t.pd.persons.getPerson({ id: 1 })).data!.name).toBe('Edited by hand');
    const invalid = await json('PATCH', `/companies/${t.companyId}/human/persons/1`, { name: 5 });
    expect(invalid).toEqual({
      status: 400,
      body: { error: 'Validation failed: name: Invalid input: expected string, received number' },
    });
    await json('POST', '/faults', { kind: 'error', status: 503, match: { operation: 'getPersons' } });
    expect((await t.raw('/api/v2/persons')).status).toBe(503);
    expect((await t.raw('/api/v2/persons')).status).toBe(200);
  });

  it('resets to an empty sandbox', async () => {
    expect((await json('POST', '/reset')).status).toBe(204);
    expect((await json('GET', '/companies')).body).toEqual([]);
    expect((await t.raw('/api/v2/persons')).status).toBe(401);
  });

  it('is not served in plain mode, where the sandbox looks like Pipedrive only', async () => {
    const plain = await startSandbox({ mode: 'plain' });
    try {
      const res = await fetch(`${plain.url}/__sandbox/companies`);
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
