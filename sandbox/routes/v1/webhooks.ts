// /v1/webhooks. Webhooks made with an OAuth token are the app's ("application": hidden from the web app,
// listed only to that app, removed when it is uninstalled); webhooks made with an API token are "general".
// Version 2.0 is the default (since March 2025). Validation errors use the webhook endpoint's own shape:
// {status: "error", success: false, errors: {field: [message]}}.
import { Router } from 'express';
import type { Caller } from '../../auth.ts';
import { v1Int, v1String } from '../../entities/v1-input.ts';
import { ApiError, notFound, send } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { WEBHOOK_ACTIONS, WEBHOOK_OBJECTS, type WebhookRecord } from '../../state/types.ts';
import { mount, v1Id } from '../route.ts';

const MAX_PER_USER = 40;

function invalid(errors: Record<string, string[]>): ApiError {
  return new ApiError(400, 'Validation failed', { body: { status: 'error', success: false, errors } });
}

function visibleTo(caller: Caller, w: WebhookRecord): boolean {
  return caller.clientId === null ? w.type === 'general' : w.client_id === caller.clientId;
}

export function presentWebhook(companyId: number, w: WebhookRecord): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: w.id,
    company_id: companyId,
    owner_id: w.owner_id,
    user_id: w.user_id,
    event_action: w.event_action,
    event_object: w.event_object,
    subscription_url: w.subscription_url,
    version: w.version,
    is_active: w.is_active ? 1 : 0,
    add_time: iso(w.add_time),
    remove_time: iso(w.remove_time),
    type: w.type,
    http_auth_user: w.http_auth_user,
    http_auth_password: w.http_auth_password === null ? null : '******',
    remove_reason: w.remove_reason,
    last_delivery_time: iso(w.last_delivery_time),
    last_http_status: w.last_http_status,
    admin_id: w.owner_id,
    name: w.name,
  };
}

export function webhookRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'get', '/webhooks', 'getWebhooks', (_req, res, caller) => {
    const list = [...caller.company.webhooks.values()].filter((w) => visibleTo(caller, w));
    send(res, { status: 'ok', success: true, data: list.map((w) => presentWebhook(caller.company.id, w)) });
  });

  mount(sandbox, r, 'post', '/webhooks', 'addWebhook', (req, res, caller) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: Record<string, string[]> = {};
    const err = (field: string, message: string) => {
      errors[field] = [...(errors[field] ?? []), message];
    };
    const url = typeof body.subscription_url === 'string' ? body.subscription_url : '';
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      err('subscription_url', 'invalid or non-reachable URL');
    else if (
      sandbox.baseUrl &&
      parsed.origin === new URL(sandbox.baseUrl).origin &&
      /^\/(api\/)?v\d/.test(parsed.pathname)
    )
      err('subscription_url', 'Pipedrive API endpoints cannot be used as the subscription URL');
    if (!WEBHOOK_ACTIONS.includes(body.event_action as WebhookRecord['event_action']))
      err('event_action', 'invalid value');
    if (!WEBHOOK_OBJECTS.includes(body.event_object as WebhookRecord['event_object']))
      err('event_object', 'invalid value');
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) err('name', 'is required');
    const version = body.version === undefined ? '2.0' : body.version;
    if (version !== '1.0' && version !== '2.0') err('version', 'must be 1.0 or 2.0');
    let userId = caller.userId;
    try {
      userId = v1Int(body.user_id, 'user_id') ?? caller.userId;
      if (!caller.company.userExists(userId)) err('user_id', 'user not found');
      for (const k of ['http_auth_user', 'http_auth_password']) v1String(body[k], k);
    } catch (e) {
      err('user_id', (e as Error).message);
    }
    const mine = [...caller.company.webhooks.values()].filter(
      (w) => w.owner_id === caller.userId && visibleTo(caller, w),
    );
    if (mine.length >= MAX_PER_USER) err('subscription_url', `at most ${MAX_PER_USER} webhooks per user`);
    if (Object.keys(errors).length > 0) throw invalid(errors);
    const now = sandbox.clock.now();
    const webhook: WebhookRecord = {
      id: caller.company.nextWebhookId(),
      owner_id: caller.userId,
      user_id: userId,
      event_action: body.event_action as WebhookRecord['event_action'],
      event_object: body.event_object as WebhookRecord['event_object'],
      subscription_url: url,
      version: version as WebhookRecord['version'],
      is_active: true,
      add_time: now,
      remove_time: null,
      remove_reason: null,
      type: caller.clientId === null ? 'general' : 'application',
      client_id: caller.clientId,
      http_auth_user: (body.http_auth_user as string | null | undefined) ?? null,
      http_auth_password: (body.http_auth_password as string | null | undefined) ?? null,
      name,
      last_delivery_time: null,
      last_http_status: null,
      last_success_time: null,
      first_attempt_failures: 0,
      banned_until: null,
    };
    caller.company.webhooks.set(webhook.id, webhook);
    sandbox.changed();
    send(res, { status: 'ok', success: true, data: presentWebhook(caller.company.id, webhook) }, 201);
  });

  mount(sandbox, r, 'delete', '/webhooks/:id', 'deleteWebhook', (req, res, caller) => {
    const id = v1Id(req);
    const w = caller.company.webhooks.get(id);
    if (!w || !visibleTo(caller, w)) throw notFound('Webhook not found');
    caller.company.webhooks.delete(id);
    sandbox.changed();
    send(res, { status: 'ok', success: true });
  });

  return r;
}
