// Receiving a webhook: the Basic credentials name the company (never the body), the payload must be
// Pipedrive's v2 shape and about that company, and the event is stored once, before we answer, so the
// acknowledgement is fast and nothing acknowledged can be lost. Processing happens later (processor.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Knex } from '../db.ts';
import { AppError, ValidationError } from '../errors.ts';
import { webhookPayloadSchema } from './payload.ts';
import { findCredentialByUser, recordEvent, type WebhookCredentialRow } from './webhook.repository.ts';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

// Deliveries come in bursts from the same webhook user: keep known credentials for a short while, so the
// acknowledgement costs one insert. Registration forgets a company's entry when it rotates credentials;
// another app server may accept the old ones for at most CACHE_MS.
const CACHE_MS = 30_000;
const credentialCache = new Map<string, { cred: WebhookCredentialRow; until: number }>();

export function forgetWebhookCredentials(companyId: number): void {
  for (const [user, entry] of credentialCache)
    if (entry.cred.companyId === companyId) credentialCache.delete(user);
}

async function credentialOf(db: Knex, user: string): Promise<WebhookCredentialRow | undefined> {
  const hit = credentialCache.get(user);
  if (hit && hit.until > Date.now()) return hit.cred;
  const cred = await findCredentialByUser(db, user);
  if (cred) credentialCache.set(user, { cred, until: Date.now() + CACHE_MS });
  else credentialCache.delete(user);
  return cred;
}

/** The company whose webhook credentials these are, or undefined (compared in constant time). */
export async function companyOfDelivery(
  db: Knex,
  authorization: string | undefined,
): Promise<number | undefined> {
  return (await credentialOfDelivery(db, authorization))?.companyId;
}

/** The webhook credentials these are, or undefined (compared in constant time). */
export async function credentialOfDelivery(
  db: Knex,
  authorization: string | undefined,
): Promise<WebhookCredentialRow | undefined> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const cred = await credentialOf(db, decoded.slice(0, colon));
  // Compare against a dummy hash when the user is unknown, so timing says nothing about which users exist.
  const expected = Buffer.from(cred?.passwordSha256 ?? sha256Hex('no such user'), 'hex');
  const given = Buffer.from(sha256Hex(decoded.slice(colon + 1)), 'hex');
  return timingSafeEqual(expected, given) && cred ? cred : undefined;
}

export async function acceptDelivery(
  db: Knex,
  companyId: number,
  body: unknown,
  /** The Pipedrive company of the credentials, when it is not `companyId` (local mode). */
  pipedriveCompanyId: number | null = null,
): Promise<'new' | 'duplicate'> {
  const parsed = webhookPayloadSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      'webhook_payload_invalid',
      'Not a Pipedrive webhook v2 payload',
      parsed.error.issues.slice(0, 5),
    );
  }
  const about = parsed.data.meta.company_id;
  if (about !== String(companyId) && (pipedriveCompanyId === null || about !== String(pipedriveCompanyId))) {
    throw new AppError(
      'forbidden',
      'webhook_company_mismatch',
      'The webhook is about another company than its credentials',
    );
  }
  return recordEvent(db, companyId, parsed.data);
}
