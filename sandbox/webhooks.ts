// Webhook deliveries, v2 payloads (research §2.8): POST with a JSON body `{meta, data, previous}`,
// HTTP Basic auth when the webhook has credentials, success = any 2xx within the timeout (10 s).
// A failed delivery is retried 3 times after 3, 30 and 150 s on the sandbox clock (meta.attempt 1–4);
// every first-attempt failure counts towards a ban (10 → banned for 30 min, events during a ban are
// lost); a webhook with no successful delivery for 3 days is deleted. Unlike Pipedrive, the sandbox
// delivers to localhost and private addresses, since that is where tests listen.
import { randomUUID } from 'node:crypto';
import { rfc3339 } from './clock.ts';
import { presentActivity } from './entities/activities.ts';
import { changedKeys, webhookCustomFields } from './entities/common.ts';
import type { ChangeEvent } from './entities/context.ts';
import { presentOrganization } from './entities/organizations.ts';
import { presentPerson } from './entities/persons.ts';
import type { Sandbox } from './sandbox.ts';
import type { Company } from './state/company.ts';
import type {
  ActivityRecord,
  NoteRecord,
  OrganizationRecord,
  PersonRecord,
  WebhookRecord,
} from './state/types.ts';

const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;
const KEEP_DELIVERIES = 5_000;

export interface Delivery {
  seq: number;
  companyId: number;
  webhookId: number;
  eventId: string;
  entity: string;
  action: string;
  entityId: number;
  attempt: number;
  url: string;
  /** Sandbox clock, ISO 8601. */
  at: string;
  status: number | null;
  error: string | null;
  outcome: 'delivered' | 'failed' | 'lost_banned' | 'skipped_v1' | 'webhook_removed';
  payload: WebhookPayload;
}

export interface WebhookPayload {
  meta: Record<string, unknown>;
  data: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
}

export class WebhookDispatcher {
  private log: Delivery[] = [];
  private seq = 0;
  private readonly inflight = new Set<Promise<void>>();
  private readonly timers = new Set<number>();

  constructor(private readonly sandbox: Sandbox) {}

  dispatch(event: ChangeEvent): void {
    const matching = [...event.company.webhooks.values()].filter(
      (w) =>
        w.is_active &&
        (w.event_action === '*' || w.event_action === event.action) &&
        (w.event_object === '*' || w.event_object === event.entity),
    );
    if (matching.length === 0) return;
    const body = payloadBody(event);
    if (!body) return; // a write that changed nothing sends nothing
    const correlationId = randomUUID();
    for (const webhook of matching) {
      const meta = {
        action: event.action,
        entity: event.entity,
        company_id: String(event.company.id),
        correlation_id: correlationId,
        entity_id: String(event.entityId),
        id: randomUUID(),
        is_bulk_edit: false,
        timestamp: new Date(event.at).toISOString(),
        type: webhook.type,
        user_id: String(event.userId),
        version: '2.0',
        webhook_id: String(webhook.id),
        webhook_owner_id: String(webhook.owner_id),
        change_source: event.source,
        attempt: 1,
        host: `${event.company.info.domain}.pipedrive.com`,
        permitted_user_ids: event.company.activeUsers().map((u) => String(u.id)),
        ...event.extraMeta,
      };
      const payload: WebhookPayload = { meta, ...body };
      const now = this.sandbox.clock.now();
      if (webhook.version !== '2.0') {
        this.record(event.company, webhook, payload, 'skipped_v1', null, 'v1 payloads are not emulated');
      } else if (webhook.banned_until !== null && webhook.banned_until > now) {
        this.record(event.company, webhook, payload, 'lost_banned', null, 'webhook is banned');
      } else {
        if (webhook.banned_until !== null) webhook.banned_until = null;
        this.send(event.company, webhook, payload);
      }
    }
  }

  /** Deliveries made so far (newest last), optionally for one company. */
  deliveries(companyId?: number): Delivery[] {
    return companyId === undefined ? [...this.log] : this.log.filter((d) => d.companyId === companyId);
  }

  /** Resolves when no delivery is on the wire (retries waiting on the clock are not on the wire). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Retries waiting for the sandbox clock. */
  pendingRetries(): number {
    return this.timers.size;
  }

  clear(): void {
    this.log = [];
    for (const t of this.timers) this.sandbox.clock.cancel(t);
    this.timers.clear();
  }

  close(): void {
    this.clear();
  }

  private send(company: Company, webhook: WebhookRecord, payload: WebhookPayload): void {
    const p = this.attempt(company, webhook, payload)
      // A bug here must not take the process down with an unhandled rejection; it shows in the log.
      .catch((err: unknown) =>
        this.record(company, webhook, payload, 'failed', null, `sandbox error: ${String(err)}`),
      )
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async attempt(company: Company, webhook: WebhookRecord, payload: WebhookPayload): Promise<void> {
    const settings = this.sandbox.settings.webhooks;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Pipedrive-Sandbox-Webhooks',
    };
    if (webhook.http_auth_user !== null || webhook.http_auth_password !== null) {
      const basic = Buffer.from(
        `${webhook.http_auth_user ?? ''}:${webhook.http_auth_password ?? ''}`,
      ).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(webhook.subscription_url, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? (err.name === 'TimeoutError' ? 'timed out' : err.message) : String(err);
    }
    const now = this.sandbox.clock.now();
    const ok = status !== null && status >= 200 && status < 300;
    webhook.last_delivery_time = now;
    webhook.last_http_status = status;
    if (ok) {
      webhook.last_success_time = now;
      this.record(company, webhook, payload, 'delivered', status, null);
      return;
    }
    if (error === null) error = `HTTP ${status}`;
    this.record(company, webhook, payload, 'failed', status, error);
    const attempt = Number(payload.meta.attempt);
    if (attempt === 1) {
      webhook.first_attempt_failures += 1;
      if (webhook.first_attempt_failures >= settings.banAfterFailures) {
        webhook.banned_until = now + settings.banMs;
        webhook.first_attempt_failures = 0;
      }
    }
    if (now - (webhook.last_success_time ?? webhook.add_time) >= THREE_DAYS_MS) {
      company.webhooks.delete(webhook.id);
      webhook.is_active = false;
      webhook.remove_time = now;
      webhook.remove_reason = 'no successful deliveries for 3 days';
      this.record(company, webhook, payload, 'webhook_removed', status, webhook.remove_reason);
      return;
    }
    const delay = settings.retryDelaysMs[attempt - 1];
    if (delay === undefined) return;
    const timer = this.sandbox.clock.schedule(delay, () => {
      this.timers.delete(timer);
      if (!company.webhooks.has(webhook.id)) return;
      this.send(company, webhook, { ...payload, meta: { ...payload.meta, attempt: attempt + 1 } });
    });
    this.timers.add(timer);
    this.sandbox.changed();
  }

  private record(
    company: Company,
    webhook: WebhookRecord,
    payload: WebhookPayload,
    outcome: Delivery['outcome'],
    status: number | null,
    error: string | null,
  ): void {
    this.seq += 1;
    this.log.push({
      seq: this.seq,
      companyId: company.id,
      webhookId: webhook.id,
      eventId: String(payload.meta.id),
      entity: String(payload.meta.entity),
      action: String(payload.meta.action),
      entityId: Number(payload.meta.entity_id),
      attempt: Number(payload.meta.attempt),
      url: webhook.subscription_url,
      at: new Date(this.sandbox.clock.now()).toISOString(),
      status,
      error,
      outcome,
      payload,
    });
    if (this.log.length > KEEP_DELIVERIES + 500) this.log.splice(0, this.log.length - KEEP_DELIVERIES);
  }
}

/** `data` is the object now (null on delete); `previous` holds only what changed (the last state on delete). */
function payloadBody(event: ChangeEvent): Omit<WebhookPayload, 'meta'> | undefined {
  const after = event.after === null ? null : presentForWebhook(event.company, event.entity, event.after);
  const before = event.before === null ? null : presentForWebhook(event.company, event.entity, event.before);
  if (event.action === 'create') return { data: after, previous: null };
  if (event.action === 'delete') return { data: null, previous: before };
  if (!after || !before) return undefined;
  const previous: Record<string, unknown> = {};
  for (const k of changedKeys(before, after)) {
    if (k === 'update_time') continue;
    if (k === 'custom_fields') {
      const b = before.custom_fields as Record<string, unknown>;
      const a = after.custom_fields as Record<string, unknown>;
      previous.custom_fields = Object.fromEntries(changedKeys(b, a).map((code) => [code, b[code] ?? null]));
    } else previous[k] = before[k];
  }
  return Object.keys(previous).length === 0 ? undefined : { data: after, previous };
}

function presentForWebhook(
  company: Company,
  entity: ChangeEvent['entity'],
  record: unknown,
): Record<string, unknown> {
  switch (entity) {
    case 'person': {
      const p = record as PersonRecord;
      return {
        ...presentPerson(company, p),
        custom_fields: webhookCustomFields(company, 'person', p.custom_fields),
      };
    }
    case 'organization': {
      const o = record as OrganizationRecord;
      return {
        ...presentOrganization(company, o),
        custom_fields: webhookCustomFields(company, 'organization', o.custom_fields),
      };
    }
    case 'activity':
      return presentActivity(record as ActivityRecord, true);
    case 'note': {
      const n = record as NoteRecord;
      return {
        id: n.id,
        content: n.content,
        person_id: n.person_id,
        org_id: n.org_id,
        deal_id: null,
        lead_id: null,
        project_id: null,
        user_id: n.user_id,
        add_time: rfc3339(n.add_time),
        update_time: rfc3339(n.update_time),
        is_deleted: n.deleted_at !== null,
      };
    }
  }
}
