import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { createLogger } from '../../server/logger.ts';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { sha256Hex } from '../../server/webhooks/intake.ts';
import { WebhookProcessor } from '../../server/webhooks/processor.ts';
import { eventCounts, type StoredEvent, saveCredential } from '../../server/webhooks/webhook.repository.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { FakeClock } from '../helpers/clock.ts';
import { ENGINES } from '../helpers/db.ts';

function payload(
  companyId: number,
  over: { id?: string; entityId?: number; action?: string; at?: string } = {},
) {
  return {
    meta: {
      id: over.id ?? randomUUID(),
      action: over.action ?? 'change',
      entity: 'person',
      entity_id: String(over.entityId ?? 11),
      company_id: String(companyId),
      timestamp: over.at ?? '2026-11-25T10:00:00.000Z',
      version: '2.0',
      change_source: 'app',
      user_id: '900',
      attempt: 1,
      is_bulk_edit: false,
    },
    data: { id: over.entityId ?? 11, name: 'Jane Doe' },
    previous: { name: 'Jane Do' },
  };
}

describe.each(ENGINES)('webhook intake on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
    await upsertCompany(t.testDb.db, { id: 2, name: 'Other', mode: 'local' });
    await saveCredential(t.testDb.db, 1, 'pd-1-aaaa', sha256Hex('pw-one'));
    await saveCredential(t.testDb.db, 2, 'pd-2-bbbb', sha256Hex('pw-two'));
  });
  afterAll(async () => t.close());

  const deliver = (body: unknown, user = 'pd-1-aaaa', pw = 'pw-one') =>
    t.http
      .post('/webhooks/pipedrive')
      .auth(user, pw)
      .send(body as object);

  it('refuses a delivery with wrong credentials and stores nothing', async () => {
    const before = await eventCounts(t.testDb.db, 1);
    const res = await deliver(payload(1), 'pd-1-aaaa', 'wrong');
    expect(res.status).toBe(401);
    expect((await deliver(payload(1), 'nobody', 'pw-one')).status).toBe(401);
    expect(await eventCounts(t.testDb.db, 1)).toEqual(before);
  });

  it('stores an event once however often Pipedrive delivers it', async () => {
    const body = payload(1, { id: 'evt-dup-1' });
    expect((await deliver(body)).body).toEqual({ success: true, stored: 'new' });
    expect((await deliver(body)).body).toEqual({ success: true, stored: 'duplicate' });
    const row = await t.testDb.db('webhook_events').where({ company_id: 1, event_id: 'evt-dup-1' });
    expect(row).toHaveLength(1);
    expect(row[0].deliveries).toBe(2);
    expect(row[0].status).toBe('pending');
  });

  it('refuses an event about another company than its credentials', async () => {
    const res = await deliver(payload(2, { id: 'evt-cross' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('webhook_company_mismatch');
    expect(await t.testDb.db('webhook_events').where({ event_id: 'evt-cross' })).toHaveLength(0);
  });

  it('refuses a body that is not a v2 webhook', async () => {
    const res = await deliver({ meta: { id: 'x', action: 'updated' }, current: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('webhook_payload_invalid');
  });

  it('applies every event exactly once, oldest first, when each is delivered 1–4 times in random order', async () => {
    await t.testDb.db('webhook_events').delete();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        async (deliveries, randoms) => {
          await t.testDb.db('webhook_events').delete();
          const events = deliveries.map((_, i) =>
            payload(1, {
              id: `evt-${i}`,
              entityId: 100 + i,
              at: new Date(Date.UTC(2026, 10, 25, 10, 0, i)).toISOString(),
            }),
          );
          const sends = events.flatMap((e, i) => Array.from({ length: deliveries[i]! }, () => e));
          const order = sends.map((s) => ({ s, k: randoms.next().value })).sort((a, b) => a.k - b.k);
          await Promise.all(order.map(({ s }) => deliver(s)));

          const applied: string[] = [];
          const processor = new WebhookProcessor({
            db: t.testDb.db,
            clock: systemClock,
            logger: createLogger('silent'),
            handlers: {
              person: async (e: StoredEvent) => {
                applied.push(e.eventId);
                return 'applied';
              },
            },
          });
          await processor.drain();
          await processor.drain();
          expect(applied).toEqual(events.map((e) => e.meta.id));
          expect(await eventCounts(t.testDb.db, 1)).toEqual({ applied: events.length });
        },
      ),
      { numRuns: 15, seed: 20261125 },
    );
  });

  it('retries a failing handler and gives up after the last try, keeping the error', async () => {
    await t.testDb.db('webhook_events').delete();
    await deliver(payload(1, { id: 'evt-bad' }));
    let calls = 0;
    const clock = new FakeClock(Date.now());
    const processor = new WebhookProcessor({
      db: t.testDb.db,
      clock,
      logger: createLogger('silent'),
      maxTries: 3,
      handlers: {
        person: async () => {
          calls++;
          throw new Error('ledger unavailable');
        },
      },
    });
    await processor.drain();
    expect(calls).toBe(1); // not retried at once
    await clock.advance(1999);
    await processor.drain();
    expect(calls).toBe(1);
    await clock.advance(1);
    await processor.drain();
    expect(calls).toBe(2);
    for (let i = 0; i < 5; i++) {
      await clock.advance(300_000);
      await processor.drain();
    }
    expect(calls).toBe(3);
    const row = await t.testDb.db('webhook_events').where({ event_id: 'evt-bad' }).first();
    expect([row.status, row.tries, row.error]).toEqual(['failed', 3, 'ledger unavailable']);
  });
});
