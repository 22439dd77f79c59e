import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../helpers/receiver.ts';
import { rejection, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

type Payload = {
  meta: Record<string, unknown>;
  data: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
};

describe('sandbox webhooks: v2 payloads, Basic auth, retries on the sandbox clock, bans', () => {
  let t: TestSandbox;
  let hook: Receiver;
  let webhookId: number;
  let actimoId: string;

  beforeAll(async () => {
    t = await startTestSandbox();
    hook = await startReceiver();
    actimoId = (
      await t.pd.personFields.addPersonField({
        AddPersonFieldRequest: { field_name: 'Actimo ID', field_type: 'varchar' },
      })
    ).data!.field_code;
  });
  afterAll(async () => {
    await t.close();
    await hook.close();
  });
  beforeEach(() => {
    hook.received.length = 0;
  });

  const payloads = () => hook.received.map((r) => r.body as Payload);

  it('registers a webhook (version 2.0 by default) and lists it', async () => {
    const res = await t.pd.webhooks.addWebhook({
      AddWebhookRequest: {
        name: 'hr-sync',
        subscription_url: `${hook.url}/pd/webhook`,
        event_action: '*',
        event_object: 'person',
        http_auth_user: 'pd',
        http_auth_password: 's3cret',
      },
    });
    expect(res).toMatchObject({
      success: true,
      data: {
        event_action: '*',
        event_object: 'person',
        version: '2.0',
        is_active: 1,
        type: 'general',
        http_auth_user: 'pd',
        name: 'hr-sync',
      },
    });
    webhookId = res.data!.id!;
    const list = await t.pd.webhooks.getWebhooks();
    expect(list.data!.map((w) => w.id)).toEqual([webhookId]);
  });

  it('refuses a malformed subscription URL with the webhook error shape', async () => {
    const err = await rejection(
      t.pd.webhooks.addWebhook({
        AddWebhookRequest: {
          name: 'x',
          subscription_url: 'not a url',
          event_action: 'create',
          event_object: 'person',
        },
      }),
    );
    expect(err).toEqual({
      status: 'error',
      success: false,
      errors: { subscription_url: ['invalid or non-reachable URL'] },
    });
  });

  it('delivers create, change and delete with Basic auth, string ids in meta, and only changed fields in previous', async () => {
    const created = await t.pd.persons.addPerson({
      AddPersonRequest: { name: 'Jane Doe', custom_fields: { [actimoId]: 'A-1' } },
    });
    const id = created.data!.id!;
    t.sandbox.clock.advance(1000);
    await t.pd.persons.updatePerson({ id, UpdatePersonRequest: { name: 'Jane Smith' } });
    await t.pd.persons.updatePerson({ id, UpdatePersonRequest: { name: 'Jane Smith' } }); // no change: no webhook
    await t.pd.persons.deletePerson({ id });
    await t.sandbox.webhooks.settled();
    expect(hook.received.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['POST', '/pd/webhook', `Basic ${Buffer.from('pd:s3cret').toString('base64')}`],
      ['POST', '/pd/webhook', `Basic ${Buffer.from('pd:s3cret').toString('base64')}`],
      ['POST', '/pd/webhook', `Basic ${Buffer.from('pd:s3cret').toString('base64')}`],
    ]);
    const [create, change, del] = payloads();
    expect(create!.meta).toMatchObject({
      action: 'create',
      entity: 'person',
      company_id: String(t.companyId),
      entity_id: String(id),
      is_bulk_edit: false,
      timestamp: '2026-03-02T09:00:00.000Z',
      type: 'general',
      user_id: String(t.adminId),
      version: '2.0',
      webhook_id: String(webhookId),
      webhook_owner_id: String(t.adminId),
      change_source: 'api',
      attempt: 1,
      host: 'acme-hr.pipedrive.com',
      permitted_user_ids: [String(t.adminId)],
    });
    expect(create!.meta.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(create!.data).toMatchObject({
      id,
      name: 'Jane Doe',
      custom_fields: { [actimoId]: { type: 'varchar', value: 'A-1' } },
    });
    expect(create!.previous).toBeNull();
    expect(change!.meta.action).toBe('change');
    expect(change!.data).toMatchObject({ name: 'Jane Smith', last_name: 'Smith' });
    expect(change!.previous).toEqual({ name: 'Jane Doe', last_name: 'Doe' });
    expect(del!.meta.action).toBe('delete');
    expect(del!.data).toBeNull();
    expect(del!.previous).toMatchObject({ id, name: 'Jane Smith' });
  });

  it('retries a failed delivery after 3, 30 and 150 s on the sandbox clock, with the same event id', async () => {
    hook.respondWith(500, 503, 500);
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Retry Me' } });
    await t.sandbox.webhooks.settled();
    expect(payloads().map((p) => p.meta.attempt)).toEqual([1]);
    t.sandbox.clock.advance(2_999);
    await t.sandbox.webhooks.settled();
    expect(hook.received).toHaveLength(1);
    t.sandbox.clock.advance(1);
    await t.sandbox.webhooks.settled();
    t.sandbox.clock.advance(30_000);
    await t.sandbox.webhooks.settled();
    t.sandbox.clock.advance(149_999);
    await t.sandbox.webhooks.settled();
    expect(payloads().map((p) => p.meta.attempt)).toEqual([1, 2, 3]);
    t.sandbox.clock.advance(1);
    await t.sandbox.webhooks.settled();
    expect(payloads().map((p) => p.meta.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(payloads().map((p) => p.meta.id)).size).toBe(1);
    const log = t.sandbox.webhooks.deliveries(t.companyId).slice(-4);
    expect(log.map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'failed'],
      [2, 503, 'failed'],
      [3, 500, 'failed'],
      [4, 200, 'delivered'],
    ]);
  });

  it('stops after the 4th attempt', async () => {
    hook.respondWith(500, 500, 500, 500);
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Never Delivered' } });
    for (const ms of [0, 3_000, 30_000, 150_000, 600_000]) {
      t.sandbox.clock.advance(ms);
      await t.sandbox.webhooks.settled();
    }
    expect(payloads().map((p) => p.meta.attempt)).toEqual([1, 2, 3, 4]);
    expect(t.sandbox.webhooks.pendingRetries()).toBe(0);
  });

  it('bans a webhook for 30 minutes after 10 first-attempt failures; events during the ban are lost', async () => {
    t.sandbox.updateSettings({ webhooks: { retryDelaysMs: [] } });
    const before = t.sandbox.company(t.companyId).webhooks.get(webhookId)!.first_attempt_failures;
    hook.respondWith(...Array(10 - before).fill(500));
    for (let i = before; i < 10; i++)
      await t.pd.persons.addPerson({ AddPersonRequest: { name: `Fail ${i}` } });
    await t.sandbox.webhooks.settled();
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'During ban' } });
    await t.sandbox.webhooks.settled();
    expect(hook.received).toHaveLength(10 - before);
    expect(t.sandbox.webhooks.deliveries(t.companyId).at(-1)).toMatchObject({
      outcome: 'lost_banned',
      attempt: 1,
    });
    t.sandbox.clock.advance(30 * 60_000);
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'After ban' } });
    await t.sandbox.webhooks.settled();
    expect(payloads().at(-1)!.data).toMatchObject({ name: 'After ban' });
    t.sandbox.updateSettings({ webhooks: { retryDelaysMs: [3_000, 30_000, 150_000] } });
  });

  it('marks a human edit in the web app with change_source "app"', async () => {
    const p = await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Human Target' } });
    await t.sandbox.webhooks.settled();
    hook.received.length = 0;
    t.sandbox.human.update(t.companyId, 'person', p.data!.id!, { emails: [{ value: 'typed@by.hand' }] });
    await t.sandbox.webhooks.settled();
    expect(payloads().map((x) => [x.meta.action, x.meta.change_source])).toEqual([['change', 'app']]);
    expect(payloads()[0]!.previous).toEqual({ emails: [] });
    expect((await t.pd.persons.getPerson({ id: p.data!.id! })).data!.emails).toEqual([
      { value: 'typed@by.hand', primary: true, label: 'work' },
    ]);
  });

  it('reports a merge in the web app as a delete (merged_to_id) and a change (merged_from_id)', async () => {
    const a = await t.pd.persons.addPerson({
      AddPersonRequest: { name: 'Dup A', emails: [{ value: 'a@x.io' }] },
    });
    const b = await t.pd.persons.addPerson({
      AddPersonRequest: { name: 'Dup B', emails: [{ value: 'b@x.io' }] },
    });
    await t.pd.notes.addNote({ AddNoteRequest: { content: 'about A', person_id: a.data!.id! } });
    await t.sandbox.webhooks.settled();
    hook.received.length = 0;
    t.sandbox.human.mergePersons(t.companyId, a.data!.id!, b.data!.id!);
    await t.sandbox.webhooks.settled();
    expect(
      payloads().map((x) => [
        x.meta.action,
        x.meta.entity_id,
        x.meta.merged_to_id,
        x.meta.merged_from_id,
        x.meta.change_source,
      ]),
    ).toEqual([
      ['delete', String(a.data!.id), String(b.data!.id), undefined, 'app'],
      ['change', String(b.data!.id), undefined, String(a.data!.id), 'app'],
    ]);
    const survivor = await t.pd.persons.getPerson({ id: b.data!.id! });
    expect(survivor.data!.emails!.map((e) => e.value)).toEqual(['b@x.io', 'a@x.io']);
    expect((await t.pd.notes.getNotes({ person_id: b.data!.id! })).data!.map((n) => n.content)).toEqual([
      'about A',
    ]);
  });

  it('deletes a webhook', async () => {
    expect(await t.pd.webhooks.deleteWebhook({ id: webhookId })).toEqual({ status: 'ok', success: true });
    await t.pd.persons.addPerson({ AddPersonRequest: { name: 'Unheard' } });
    await t.sandbox.webhooks.settled();
    expect(hook.received).toHaveLength(0);
  });

  it('removes a webhook that has had no successful delivery for 3 days', async () => {
    t.sandbox.updateSettings({ webhooks: { retryDelaysMs: [] } });
    const w = await t.pd.webhooks.addWebhook({
      AddWebhookRequest: {
        name: 'dead end',
        subscription_url: `${hook.url}/dead`,
        event_action: 'create',
        event_object: 'organization',
      },
    });
    hook.respondWith(500);
    await t.pd.organizations.addOrganization({ AddOrganizationRequest: { name: 'First' } });
    await t.sandbox.webhooks.settled();
    expect((await t.pd.webhooks.getWebhooks()).data!.map((x) => x.id)).toEqual([w.data!.id]);
    t.sandbox.clock.advance(3 * 24 * 3600 * 1000);
    hook.respondWith(500);
    await t.pd.organizations.addOrganization({ AddOrganizationRequest: { name: 'Three days later' } });
    await t.sandbox.webhooks.settled();
    expect((await t.pd.webhooks.getWebhooks()).data).toEqual([]);
    expect(t.sandbox.webhooks.deliveries(t.companyId).at(-1)).toMatchObject({
      outcome: 'webhook_removed',
      error: 'no successful deliveries for 3 days',
    });
    t.sandbox.updateSettings({ webhooks: { retryDelaysMs: [3_000, 30_000, 150_000] } });
  });
});
