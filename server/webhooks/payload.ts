// Pipedrive's webhook v2 payload (shared/research/pipedrive-api.md §2.8). Ids in `meta` are strings.
import { z } from 'zod';

const id = z.union([z.string(), z.number()]).transform(String);

export const webhookPayloadSchema = z.object({
  meta: z
    .object({
      id: z.string().min(1).max(64),
      action: z.enum(['create', 'change', 'delete']),
      entity: z.string().min(1).max(32),
      entity_id: id,
      company_id: id,
      timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a timestamp'),
      version: z.literal('2.0'),
      change_source: z.string().max(16).optional(),
      user_id: id.optional(),
      attempt: z.number().int().optional(),
      webhook_id: id.optional(),
      is_bulk_edit: z.boolean().optional(),
    })
    .passthrough(),
  data: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable(),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
