// GET /api/migrations/:id/delta/events: the webhook health's list of the latest events received and of
// the failed ones, newest first, without their payloads, and only the caller's company's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCompany } from '../../server/tenants/company.repository.ts';
import { LOCAL_COMPANY } from '../../server/tenants/tenant-context.ts';
import type { WebhookPayload } from '../../server/webhooks/payload.ts';
import { finishEvent, recordEvent } from '../../server/webhooks/webhook.repository.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ENGINES } from '../helpers/db.ts';

const OTHER = 77;

function payload(id: string, action: 'change' | 'delete', entityId: number): WebhookPayload {
  return {
    meta: {
      id,
      action,
      entity: 'person',
      entity_id: String(entityId),
      company_id: '9001',
      timestamp: '2026-11-25T08:00:00.000Z',
      version: '2.0',
    },
    data: action === 'delete' ? null : { id: entityId, name: 'Renamed By Hand' },
    previous: null,
  };
}

describe.each(ENGINES)('the webhook events API on %s', (engine) => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    const db = t.testDb.db;
    await upsertCompany(db, { id: OTHER, name: 'Another company', mode: 'local' });
    const migration = (await t.http.post('/api/migrations').send({ name: 'Events' }).expect(201)).body;
    base = `/api/migrations/${migration.id}/delta/events`;
    const events: Array<[string, 'change' | 'delete', number, 'applied' | 'failed' | null, string]> = [
      ['ev-1', 'change', 501, 'applied', '2026-11-25T08:00:01.000Z'],
      ['ev-2', 'delete', 502, 'failed', '2026-11-25T08:00:02.000Z'],
      ['ev-3', 'change', 503, null, '2026-11-25T08:00:03.000Z'],
    ];
    for (const [id, action, entityId, status, receivedAt] of events) {
      await recordEvent(db, LOCAL_COMPANY.id, payload(id, action, entityId));
      const row = await db('webhook_events')
        .where({ company_id: LOCAL_COMPANY.id, event_id: id })
        .first('id');
      await db('webhook_events')
        .where({ id: row.id })
        .update({ received_at: new Date(receivedAt), tries: status === null ? 0 : 1 });
      if (status === 'failed')
        await finishEvent(db, LOCAL_COMPANY.id, Number(row.id), 'failed', 'Pipedrive said 500.');
      if (status === 'applied') await finishEvent(db, LOCAL_COMPANY.id, Number(row.id), 'applied');
    }
    await recordEvent(db, OTHER, payload('ev-other', 'change', 900));
  }, 60_000);
  afterAll(async () => t?.close());

  it('lists the latest events newest first, with their status and error, without their payload', async () => {
    const { events } = (await t.http.get(base).expect(200)).body;
    expect(events.map((e: { entityId: string }) => e.entityId)).toEqual(['503', '502', '501']);
    const { id: _id, ...failed } = events[1];
    expect(failed).toEqual({
      action: 'delete',
      entity: 'person',
      entityId: '502',
      occurredAt: '2026-11-25T08:00:00.000Z',
      receivedAt: '2026-11-25T08:00:02.000Z',
      deliveries: 1,
      status: 'failed',
      tries: 1,
      error: 'Pipedrive said 500.',
    });
    expect(events.map((e: { status: string }) => e.status)).toEqual(['pending', 'failed', 'applied']);
  });

  it('lists only the failed events on request, and as many as asked', async () => {
    const failed = (await t.http.get(base).query({ status: 'failed' }).expect(200)).body.events;
    expect(failed.map((e: { entityId: string }) => e.entityId)).toEqual(['502']);
    const two = (await t.http.get(base).query({ limit: 2 }).expect(200)).body.events;
    expect(two.map((e: { entityId: string }) => e.entityId)).toEqual(['503', '502']);
  });

  it('refuses a limit out of range and an unknown filter', async () => {
    expect((await t.http.get(base).query({ limit: 101 }).expect(400)).body.error.code).toBe(
      'invalid_request',
    );
    await t.http.get(base).query({ status: 'applied' }).expect(400);
  });

  it('answers 404 for a migration that does not exist', async () => {
    await t.http.get('/api/migrations/999999/delta/events').expect(404);
  });
});
