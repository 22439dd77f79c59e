import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClients, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

async function oauthToken(t: TestSandbox): Promise<string> {
  const app = t.sandbox.oauth.registerApp({ redirectUri: 'http://127.0.0.1:9/callback' });
  const code = t.sandbox.oauth.issueCode({
    clientId: app.clientId,
    companyId: t.companyId,
    userId: t.adminId,
    redirectUri: app.redirectUri,
  });
  return t.sandbox.oauth.exchangeCode(app, code, app.redirectUri).accessToken;
}

const is429 = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' && (r.reason as { errorCode?: unknown }).errorCode === 429;

describe('sandbox rate limits: burst window per token, search limit, daily token budget', () => {
  let t: TestSandbox;

  beforeAll(async () => {
    t = await startTestSandbox({ company: { name: 'Lite Co', plan: 'lite', seats: 1 } });
  });
  afterAll(() => t.close());

  it('gives exactly one 429 to N+1 requests inside 2 s for a plan of N (Lite, API token: N = 20)', async () => {
    const results = await Promise.allSettled(Array.from({ length: 21 }, () => t.pd.users.getUsers()));
    expect(results.filter(is429)).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const rejected = results.find(is429) as PromiseRejectedResult;
    expect(rejected.reason).toEqual({
      success: false,
      error: 'Request over limit',
      errorCode: 429,
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
      data: null,
      additional_data: null,
    });
    t.sandbox.clock.advance(2_000);
  });

  it('counts down x-ratelimit-remaining, then answers 429 with the window headers until 2 s have passed', async () => {
    const seen: [number, string | null, string | null, string | null][] = [];
    for (let i = 0; i < 21; i++) {
      const r = await t.raw('/api/v2/persons');
      seen.push([
        r.status,
        r.headers.get('x-ratelimit-limit'),
        r.headers.get('x-ratelimit-remaining'),
        r.headers.get('x-ratelimit-reset'),
      ]);
    }
    expect(seen.slice(0, 3)).toEqual([
      [200, '20', '19', '2'],
      [200, '20', '18', '2'],
      [200, '20', '17', '2'],
    ]);
    expect(seen[19]).toEqual([200, '20', '0', '2']);
    expect(seen[20]).toEqual([429, '20', '0', '2']);
    t.sandbox.clock.advance(1_000);
    const stillLimited = await t.raw('/api/v2/persons');
    expect([stillLimited.status, stillLimited.headers.get('x-ratelimit-reset')]).toEqual([429, '1']);
    t.sandbox.clock.advance(999);
    expect((await t.raw('/api/v2/persons')).status).toBe(429);
    t.sandbox.clock.advance(1);
    const after = await t.raw('/api/v2/persons');
    expect([after.status, after.headers.get('x-ratelimit-remaining')]).toEqual([200, '19']);
    t.sandbox.clock.advance(2_000);
  });

  it('gives OAuth tokens the larger app limit (Lite: 80) and counts them apart from the API token', async () => {
    const pd = sdkClients(t.url, { accessToken: await oauthToken(t) });
    const results = await Promise.allSettled(
      Array.from({ length: 81 }, () => pd.activities.getActivities({})),
    );
    expect(results.filter(is429)).toHaveLength(1);
    expect((await t.raw('/api/v2/persons')).status).toBe(200);
    t.sandbox.clock.advance(2_000);
  });

  it('limits search to 10 requests per 2 s on every plan', async () => {
    const statuses: number[] = [];
    let limitHeader: string | null = null;
    for (let i = 0; i < 11; i++) {
      const r = await t.raw('/api/v2/persons/search?term=ann&fields=name');
      statuses.push(r.status);
      limitHeader = r.headers.get('x-ratelimit-limit');
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(limitHeader).toBe('10');
    expect((await t.raw('/api/v2/persons')).status).toBe(200);
    t.sandbox.clock.advance(2_000);
  });

  it('sends x-daily-requests-left on POST/PATCH with an API token', async () => {
    const r = await t.raw('/api/v2/organizations', { method: 'POST', body: JSON.stringify({ name: 'Org' }) });
    expect(r.headers.get('x-daily-requests-left')).toBe('9999');
    expect((await t.raw('/api/v2/organizations')).headers.get('x-daily-requests-left')).toBeNull();
  });

  it('computes the daily budget as 30,000 × plan multiplier × seats + top-ups', () => {
    const cases = [
      { plan: 'lite', seats: 1, topUpTokens: 0, budget: 30_000 },
      { plan: 'growth', seats: 3, topUpTokens: 0, budget: 180_000 },
      { plan: 'premium', seats: 2, topUpTokens: 0, budget: 300_000 },
      { plan: 'ultimate', seats: 2, topUpTokens: 5_000, budget: 425_000 },
    ] as const;
    for (const c of cases) {
      const { companyId } = t.sandbox.addCompany({
        name: `${c.plan} co`,
        plan: c.plan,
        seats: c.seats,
        topUpTokens: c.topUpTokens,
      });
      expect(t.sandbox.usage(companyId).budget).toBe(c.budget);
    }
  });

  it('charges each call its endpoint cost, refuses with 429 once the budget is spent, and resets at midnight', async () => {
    const small = t.sandbox.addCompany({ name: 'Budget Co', plan: 'growth', dailyBudget: 12 });
    const pd = sdkClients(t.url, { apiKey: small.apiToken });
    const org = await t.raw('/api/v2/organizations', {
      token: small.apiToken,
      method: 'POST',
      body: '{"name":"Spend"}',
    });
    expect(org.status).toBe(200);
    const from = t.sandbox.requests.lastSeq;
    await pd.organizations.getOrganization({ id: 1 });
    const over = await t.raw('/api/v2/organizations', { token: small.apiToken });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    await pd.organizations.getOrganization({ id: 1 });
    expect(t.sandbox.usage(small.companyId)).toMatchObject({ budget: 12, used: 7, remaining: 5 });
    for (let i = 0; i < 5; i++) await pd.organizations.getOrganization({ id: 1 });
    expect((await t.raw('/api/v2/organizations/1', { token: small.apiToken })).status).toBe(429);
    const log = t.sandbox.requests.list({ companyId: small.companyId, sinceSeq: from });
    expect(log.map((e) => [e.operation, e.status, e.cost, e.rateLimited])).toEqual([
      ['getOrganization', 200, 1, null],
      ['getOrganizations', 429, 0, 'budget'],
      ['getOrganization', 200, 1, null],
      ...Array(5).fill(['getOrganization', 200, 1, null]),
      ['getOrganization', 429, 0, 'budget'],
    ]);
    expect(t.sandbox.requests.totalCost({ companyId: small.companyId })).toBe(12);
    const usage = t.sandbox.usage(small.companyId);
    expect(usage).toMatchObject({
      day: '2026-03-02',
      used: 12,
      remaining: 0,
      resetsAt: '2026-03-03T00:00:00.000Z',
    });
    t.sandbox.clock.advance(Date.parse(usage.resetsAt) - t.sandbox.clock.now());
    expect((await t.raw('/api/v2/organizations/1', { token: small.apiToken })).status).toBe(200);
    expect(t.sandbox.usage(small.companyId)).toMatchObject({ day: '2026-03-03', used: 1 });
  });

  it('lets tests switch the limits off', async () => {
    t.sandbox.updateSettings({ limits: { burst: false, search: false, budget: false } });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => t.pd.users.getUsers()));
    expect(results.filter(is429)).toHaveLength(0);
    t.sandbox.updateSettings({ limits: { burst: true, search: true, budget: true } });
  });
});
