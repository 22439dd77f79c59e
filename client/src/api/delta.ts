// Delta sync after go-live as the panel sees it (docs/delta-sync.md §API): webhook health, a re-check of
// the webhooks, the sweep on demand, and the delta from a newer Actimo export (preview, apply).
import { z } from 'zod';
import type { ApiClient } from './client.ts';
import { runSchema } from './engine.ts';

export const webhookHealthSchema = z.object({
  live: z.boolean(),
  liveAt: z.string().nullable(),
  deltaWindow: z.object({ hours: z.number(), endsAt: z.string().nullable(), open: z.boolean() }),
  subscriptions: z.array(
    z.object({
      pipedriveWebhookId: z.number(),
      event: z.string(),
      subscriptionUrl: z.string(),
      createdAt: z.string().nullable(),
      checkedAt: z.string().nullable(),
    }),
  ),
  lastEventAt: z.string().nullable(),
  events: z.record(z.string(), z.number()),
  changes: z.record(z.string(), z.number()),
  sweep: z.object({ sweptUntil: z.string().nullable(), sweptAt: z.string().nullable() }),
});
export type WebhookHealth = z.infer<typeof webhookHealthSchema>;

export const DELTA_POLICIES = ['keep_pipedrive', 'overwrite'] as const;
export type DeltaPolicy = (typeof DELTA_POLICIES)[number];

const fieldChange = z.object({
  key: z.string(),
  target: z.string().nullable(),
  from: z.unknown(),
  to: z.unknown(),
});
export type FieldChange = z.infer<typeof fieldChange>;

const entityDelta = z.object({
  created: z.array(z.object({ actimoId: z.string(), label: z.string().nullable() })),
  updated: z.array(
    z.object({
      actimoId: z.string(),
      pipedriveId: z.number(),
      fields: z.array(fieldChange),
      heldBack: z.array(fieldChange),
    }),
  ),
  gone: z.array(z.object({ actimoId: z.string(), pipedriveId: z.number().nullable() })),
  deletedInPipedrive: z.array(z.object({ actimoId: z.string(), pipedriveId: z.number().nullable() })),
  unchanged: z.number(),
});
export type EntityDelta = z.infer<typeof entityDelta>;

export const deltaPreviewSchema = z.object({
  migrationId: z.number(),
  policy: z.enum(DELTA_POLICIES),
  newerFiles: z.array(z.object({ id: z.number(), name: z.string(), kind: z.string() })),
  deltaWindow: z.object({ hours: z.number(), endsAt: z.string().nullable(), open: z.boolean() }),
  persons: entityDelta,
  organizations: entityDelta,
  counts: z.object({
    created: z.number(),
    updated: z.number(),
    heldBack: z.number(),
    gone: z.number(),
    deletedInPipedrive: z.number(),
  }),
});
export type DeltaPreview = z.infer<typeof deltaPreviewSchema>;

const base = (id: number) => `/api/migrations/${id}/delta`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export function fetchWebhookHealth(api: ApiClient, migrationId: number, signal?: AbortSignal) {
  return api.get(`${base(migrationId)}/webhooks`, webhookHealthSchema, opts(signal));
}

/** Checks the webhooks in Pipedrive now and re-creates missing ones. */
export function checkWebhooks(api: ApiClient, migrationId: number): Promise<unknown> {
  return api.request('POST', `${base(migrationId)}/webhooks`, { timeoutMs: 120_000 });
}

/** Runs the reconciliation sweep now. */
export function sweepNow(api: ApiClient, migrationId: number): Promise<unknown> {
  return api.request('POST', `${base(migrationId)}/sweep`, { timeoutMs: 300_000 });
}

export function previewDelta(api: ApiClient, migrationId: number, policy: DeltaPolicy, signal?: AbortSignal) {
  return api.post(`${base(migrationId)}/preview`, deltaPreviewSchema, {
    body: { policy },
    timeoutMs: 300_000,
    ...opts(signal),
  });
}

export function applyDelta(api: ApiClient, migrationId: number, policy: DeltaPolicy) {
  return api.post(`${base(migrationId)}/apply`, z.object({ run: runSchema, preview: deltaPreviewSchema }), {
    body: { policy },
    timeoutMs: 300_000,
  });
}

export const webhookEventSchema = z.object({
  id: z.number(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  deliveries: z.number(),
  status: z.string(),
  tries: z.number(),
  error: z.string().nullable(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** The company's latest webhook events received (or only the failed ones), newest first. */
export function fetchWebhookEvents(
  api: ApiClient,
  migrationId: number,
  failed: boolean,
  signal?: AbortSignal,
): Promise<{ events: WebhookEvent[] }> {
  return api.get(`${base(migrationId)}/events`, z.object({ events: z.array(webhookEventSchema) }), {
    query: { limit: 20, status: failed ? 'failed' : undefined },
    ...opts(signal),
  });
}
