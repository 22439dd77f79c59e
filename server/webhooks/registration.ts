// Registering our webhooks in a company's Pipedrive when a migration goes live, and re-creating them
// when Pipedrive dropped them (it deletes a webhook after three days without a successful delivery).
// We keep only a hash of the Basic-auth password, so any repair rotates the credentials and re-creates
// every webhook of ours with the new ones.
import { randomBytes } from 'node:crypto';
import type { Knex } from '../db.ts';
import type { PipedriveClient } from '../pipedrive/client.ts';
import { forgetWebhookCredentials, sha256Hex } from './intake.ts';
import {
  findCredentialOfCompany,
  listSubscriptions,
  saveCredential,
  saveSubscription,
  touchSubscriptions,
} from './webhook.repository.ts';

export interface WantedWebhook {
  action: 'create' | 'change' | 'delete' | '*';
  object: 'person' | 'organization' | 'activity' | 'note' | '*';
}

/** `change.person` style event names, as in manifest.json. */
export function parseEvents(events: string[]): WantedWebhook[] {
  return events.map((e) => {
    const [action, object] = e.split('.') as [WantedWebhook['action'], WantedWebhook['object']];
    return { action, object };
  });
}

export interface EnsureResult {
  created: number;
  kept: number;
  deleted: number;
  rotatedCredentials: boolean;
}

export async function ensureWebhooks(
  db: Knex,
  client: PipedriveClient,
  companyId: number,
  subscriptionUrl: string,
  wanted: WantedWebhook[],
): Promise<EnsureResult> {
  const live = ((await client.webhooks.getWebhooks()).data ?? []).filter(
    (w) => w.subscription_url === subscriptionUrl && w.is_active !== 0,
  );
  const liveById = new Map(live.map((w) => [w.id, w]));
  const known = await listSubscriptions(db, companyId);
  const hasCredentials = (await findCredentialOfCompany(db, companyId)) !== undefined;
  // Complete when each wanted event has a webhook we recorded that Pipedrive still has, as it was made.
  const complete =
    hasCredentials &&
    wanted.every((w) =>
      known.some((k) => {
        const l = liveById.get(k.pipedriveWebhookId);
        return (
          k.eventAction === w.action &&
          k.eventObject === w.object &&
          l?.event_action === w.action &&
          l?.event_object === w.object
        );
      }),
    );
  if (complete) {
    await touchSubscriptions(db, companyId);
    return { created: 0, kept: live.length, deleted: 0, rotatedCredentials: false };
  }

  for (const w of live) if (w.id) await client.webhooks.deleteWebhook({ id: w.id });
  const user = `pd-${companyId}-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(24).toString('base64url');
  await saveCredential(db, companyId, user, sha256Hex(password));
  forgetWebhookCredentials(companyId);
  for (const w of wanted) {
    const res = await client.webhooks.addWebhook({
      AddWebhookRequest: {
        name: `Actimo migration: ${w.action} ${w.object}`,
        subscription_url: subscriptionUrl,
        event_action: w.action,
        event_object: w.object,
        http_auth_user: user,
        http_auth_password: password,
        version: '2.0',
      },
    });
    const id = res.data?.id;
    if (!id) throw new Error('Pipedrive created a webhook without an id');
    await saveSubscription(db, companyId, {
      pipedriveWebhookId: id,
      eventAction: w.action,
      eventObject: w.object,
      subscriptionUrl,
    });
  }
  return { created: wanted.length, kept: 0, deleted: live.length, rotatedCredentials: true };
}
