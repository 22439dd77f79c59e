import { type Knex, readId, readJson, readTimestamp, writeJson } from '../db.ts';
import type { WebhookPayload } from './payload.ts';

export interface WebhookCredentialRow {
  companyId: number;
  user: string;
  passwordSha256: string;
  /** The Pipedrive company the webhooks were registered in, when it is not `companyId` (local mode). */
  pipedriveCompanyId: number | null;
}

function toCredential(r: Record<string, unknown>): WebhookCredentialRow {
  return {
    companyId: readId(r.company_id),
    user: String(r.http_auth_user),
    passwordSha256: String(r.password_sha256),
    pipedriveCompanyId: r.pipedrive_company_id == null ? null : readId(r.pipedrive_company_id),
  };
}

export async function savePipedriveCompanyOfCredential(
  db: Knex,
  companyId: number,
  pipedriveCompanyId: number,
): Promise<void> {
  await db('webhook_credentials')
    .where({ company_id: companyId })
    .update({ pipedrive_company_id: pipedriveCompanyId });
}

export async function findCredentialByUser(
  db: Knex,
  user: string,
): Promise<WebhookCredentialRow | undefined> {
  const r = await db('webhook_credentials').where({ http_auth_user: user }).first();
  return r ? toCredential(r) : undefined;
}

export async function findCredentialOfCompany(
  db: Knex,
  companyId: number,
): Promise<WebhookCredentialRow | undefined> {
  const r = await db('webhook_credentials').where({ company_id: companyId }).first();
  return r ? toCredential(r) : undefined;
}

export async function saveCredential(
  db: Knex,
  companyId: number,
  user: string,
  passwordSha256: string,
): Promise<void> {
  await db('webhook_credentials')
    .insert({ company_id: companyId, http_auth_user: user, password_sha256: passwordSha256 })
    .onConflict('company_id')
    .merge({ http_auth_user: user, password_sha256: passwordSha256, created_at: db.fn.now() });
}

export interface SubscriptionRow {
  pipedriveWebhookId: number;
  eventAction: string;
  eventObject: string;
  subscriptionUrl: string;
}

export async function listSubscriptions(db: Knex, companyId: number): Promise<SubscriptionRow[]> {
  const rows = await db('webhook_subscriptions').where({ company_id: companyId }).orderBy('id');
  return rows.map((r) => ({
    pipedriveWebhookId: readId(r.pipedrive_webhook_id),
    eventAction: r.event_action,
    eventObject: r.event_object,
    subscriptionUrl: r.subscription_url,
  }));
}

export async function saveSubscription(db: Knex, companyId: number, s: SubscriptionRow): Promise<void> {
  await db('webhook_subscriptions')
    .insert({
      company_id: companyId,
      pipedrive_webhook_id: s.pipedriveWebhookId,
      event_action: s.eventAction,
      event_object: s.eventObject,
      subscription_url: s.subscriptionUrl,
    })
    .onConflict(['company_id', 'event_action', 'event_object'])
    .merge({
      pipedrive_webhook_id: s.pipedriveWebhookId,
      subscription_url: s.subscriptionUrl,
      checked_at: db.fn.now(),
    });
}

export async function touchSubscriptions(db: Knex, companyId: number): Promise<void> {
  await db('webhook_subscriptions').where({ company_id: companyId }).update({ checked_at: db.fn.now() });
}

/** Stores an event once per (company, event id); a redelivery only bumps the delivery count. */
export async function recordEvent(
  db: Knex,
  companyId: number,
  p: WebhookPayload,
): Promise<'new' | 'duplicate'> {
  const inserted = await db('webhook_events')
    .insert({
      company_id: companyId,
      event_id: p.meta.id,
      action: p.meta.action,
      entity: p.meta.entity,
      entity_id: p.meta.entity_id,
      change_source: p.meta.change_source ?? null,
      pipedrive_user_id: p.meta.user_id ?? null,
      occurred_at: new Date(p.meta.timestamp),
      payload: writeJson({ data: p.data, previous: p.previous, meta: p.meta }),
    })
    .onConflict(['company_id', 'event_id'])
    .ignore()
    .returning('id');
  if (inserted.length > 0) return 'new';
  await db('webhook_events').where({ company_id: companyId, event_id: p.meta.id }).increment('deliveries', 1);
  return 'duplicate';
}

export interface StoredEvent {
  id: number;
  companyId: number;
  eventId: string;
  action: 'create' | 'change' | 'delete';
  entity: string;
  entityId: string;
  changeSource: string | null;
  pipedriveUserId: string | null;
  occurredAt: string;
  data: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  tries: number;
}

function toEvent(r: Record<string, unknown>): StoredEvent {
  const payload = readJson<{ data: StoredEvent['data']; previous: StoredEvent['previous'] }>(r.payload);
  return {
    id: readId(r.id),
    companyId: readId(r.company_id),
    eventId: String(r.event_id),
    action: r.action as StoredEvent['action'],
    entity: String(r.entity),
    entityId: String(r.entity_id),
    changeSource: (r.change_source as string | null) ?? null,
    pipedriveUserId: (r.pipedrive_user_id as string | null) ?? null,
    occurredAt: readTimestamp(r.occurred_at)!,
    data: payload.data,
    previous: payload.previous,
    tries: Number(r.tries),
  };
}

/**
 * Claims up to `limit` pending events, oldest first, across companies (the processor is a background
 * worker; each event carries its company). PostgreSQL skips rows another server has locked.
 */
export async function claimPendingEvents(
  db: Knex,
  limit: number,
  now: Date,
  staleBefore: Date,
): Promise<StoredEvent[]> {
  return db.transaction(async (trx) => {
    // Events left 'processing' by a crashed worker go back to the queue.
    await trx('webhook_events')
      .where('status', 'processing')
      .andWhere('claimed_at', '<', staleBefore)
      .update({ status: 'pending' });
    const q = trx('webhook_events')
      .where({ status: 'pending' })
      .andWhere((w) => w.whereNull('retry_at').orWhere('retry_at', '<=', now))
      .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
      .limit(limit);
    if (trx.client.config.client === 'pg') q.forUpdate().skipLocked();
    const rows: Array<Record<string, unknown>> = await q;
    if (rows.length === 0) return [];
    await trx('webhook_events')
      .whereIn(
        'id',
        rows.map((r) => r.id as number),
      )
      .update({ status: 'processing', claimed_at: now, tries: trx.raw('tries + 1') });
    // `tries` as it is now, counting this claim.
    return rows.map((r) => ({ ...toEvent(r), tries: Number(r.tries) + 1 }));
  });
}

export async function finishEvent(
  db: Knex,
  companyId: number,
  id: number,
  status: 'applied' | 'ignored' | 'failed',
  error?: string,
): Promise<void> {
  await db('webhook_events')
    .where({ company_id: companyId, id })
    .update({ status, processed_at: db.fn.now(), error: error ?? null });
}

/** Puts a failed event back in the queue, not to be tried again before `retryAt`. */
export async function retryEventLater(
  db: Knex,
  companyId: number,
  id: number,
  retryAt: Date,
  error: string,
): Promise<void> {
  await db('webhook_events')
    .where({ company_id: companyId, id })
    .update({ status: 'pending', retry_at: retryAt, error });
}

export async function eventCounts(db: Knex, companyId: number): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: number | string }> = await db('webhook_events')
    .where({ company_id: companyId })
    .groupBy('status')
    .select('status')
    .count({ n: '*' });
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** An event as the panel's webhook health lists it: what arrived, when, and what became of it. */
export interface EventSummary {
  id: number;
  action: string;
  entity: string;
  entityId: string;
  occurredAt: string;
  receivedAt: string;
  deliveries: number;
  status: string;
  tries: number;
  error: string | null;
}

/** The company's latest events received, newest first; `failed` for the failed ones only. */
export async function recentEvents(
  db: Knex,
  companyId: number,
  q: { limit: number; failed?: boolean },
): Promise<EventSummary[]> {
  const b = db('webhook_events').where({ company_id: companyId });
  if (q.failed) b.andWhere('status', 'failed');
  const rows: Array<Record<string, unknown>> = await b
    .orderBy([
      { column: 'received_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(q.limit)
    .select(
      'id',
      'action',
      'entity',
      'entity_id',
      'occurred_at',
      'received_at',
      'deliveries',
      'status',
      'tries',
      'error',
    );
  return rows.map((r) => ({
    id: readId(r.id),
    action: String(r.action),
    entity: String(r.entity),
    entityId: String(r.entity_id),
    occurredAt: readTimestamp(r.occurred_at)!,
    receivedAt: readTimestamp(r.received_at)!,
    deliveries: Number(r.deliveries),
    status: String(r.status),
    tries: Number(r.tries),
    error: r.error == null ? null : String(r.error),
  }));
}
