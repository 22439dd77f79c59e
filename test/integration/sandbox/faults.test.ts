import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

describe('sandbox fault injection', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  it('applies the write and then drops the connection: the client sees a network error, the person exists', async () => {
    t.sandbox.faults.inject({ kind: 'drop_after_write', match: { operation: 'addPerson' } });
    const err = await rejection(t.pd.persons.addPerson({ AddPersonRequest: { name: 'Half Written' } }));
    expect([err.isAxiosError, err.code, err.message]).toEqual([true, 'ECONNRESET', 'socket hang up']);
    const list = await t.pd.persons.getPersons({});
    expect(list.data!.map((p) => p.name)).toEqual(['Half Written']);
    expect(t.sandbox.requests.list({ operation: 'addPerson' }).at(-1)).toMatchObject({
      status: 0,
      fault: 'drop_after_write',
      cost: 5,
    });
    // The fault was for one request only.
    expect((await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Second' } })).data!.id).toBe(2);
  });

  it('answers an injected 500 as JSON and 502 as a gateway HTML page, applying nothing', async () => {
    t.sandbox.faults.inject({
      kind: 'error',
      status: 500,
      match: { method: 'POST', pathPrefix: '/api/v2/organizations' },
    });
    t.sandbox.faults.inject({ kind: 'error', status: 502, match: { method: 'POST' } });
    const e500 = await t.raw('/api/v2/organizations', { method: 'POST', body: '{"name":"A"}' });
    expect([e500.status, e500.body]).toEqual([
      500,
      {
        success: false,
        error: 'Internal server error',
        error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
        data: null,
        additional_data: null,
      },
    ]);
    const e502 = await t.raw('/api/v2/organizations', { method: 'POST', body: '{"name":"B"}' });
    expect(e502.status).toBe(502);
    expect(e502.headers.get('content-type')).toContain('text/html');
    expect(e502.body).toContain('502 Bad Gateway');
    expect(t.sandbox.state(t.companyId).organizations.records).toEqual([]);
  });

  it('hangs until the client gives up; nothing is written', async () => {
    t.sandbox.faults.inject({ kind: 'hang', match: { operation: 'addOrganization' } });
    const err = await rejection(
      fetch(`${t.url}/api/v2/organizations`, {
        method: 'POST',
        headers: { 'x-api-token': t.apiToken, 'content-type': 'application/json' },
        body: '{"name":"Slow"}',
        signal: AbortSignal.timeout(200),
      }),
    );
    expect(err.name).toBe('TimeoutError');
    expect(t.sandbox.state(t.companyId).organizations.records).toEqual([]);
  });

  it('draws random faults from the seed: the same seed fails the same requests', async () => {
    const run = async (seed: string) => {
      const s = await startTestSandbox({
        seed,
        settings: { faults: { errorRate: 0.3, errorStatuses: [500] } },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await s.raw('/api/v2/persons')).status);
      await s.close();
      return statuses;
    };
    const a = await run('seed-a');
    expect(await run('seed-a')).toEqual(a);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(await run('seed-b')).not.toEqual(a);
  });

  it('drops only writes at dropAfterWriteRate = 1, and reads still answer', async () => {
    t.sandbox.updateSettings({ faults: { dropAfterWriteRate: 1 } });
    expect(
      (await rejection(t.pd.organizations.addOrganization({ AddOrganizationRequest: { name: 'Dropped' } })))
        .code,
    ).toBe('ECONNRESET');
    const orgs = await t.pd.organizations.getOrganizations({});
    expect(orgs.data!.map((o) => o.name)).toEqual(['Dropped']);
    t.sandbox.updateSettings({ faults: { dropAfterWriteRate: 0 } });
  });
});
