// Delta sync after go-live: registering our webhooks when a migration's full run completes, re-creating
// them when Pipedrive dropped them, and the reconciliation sweep that finds changes whose webhooks never
// came (an `updated_since` paged list with an overlap), recorded exactly like webhook events. A periodic
// tick does both for every live migration; the API does them on demand.
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { pipedriveTime } from '../migration/engine.ts';
import { listAllOrganizations, listAllPersons } from '../migration/pipedrive-index.ts';
import { listRecords, type MigrationRecord } from '../migration/records.repository.ts';
import { getRun } from '../migration/runs.repository.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf } from '../tenants/settings.ts';
import { forgetWebhookCredentials } from '../webhooks/intake.ts';
import { type EnsureResult, ensureWebhooks, type WantedWebhook } from '../webhooks/registration.ts';
import {
  eventCounts,
  findCredentialOfCompany,
  savePipedriveCompanyOfCredential,
} from '../webhooks/webhook.repository.ts';
import {
  changeCounts,
  liveMigrations,
  liveState,
  markLive,
  recordChange,
  saveSweep,
} from './changes.repository.ts';
import { driftFromWritten, isAfterOurWrite } from './human-edits.ts';
import { ourValues } from './webhook-handlers.ts';

export interface DeltaSyncDeps {
  db: Knex;
  clock: Clock;
  pipedrive: PipedriveServices;
  logger: Logger;
  /** Where Pipedrive delivers our webhooks (PUBLIC_URL + the manifest's path). */
  subscriptionUrl: string;
  wanted: WantedWebhook[];
  /** How often the periodic check and sweep run; 0 = never (on demand only). */
  intervalMs: number;
  /** How far before the last sweep's newest update the next one starts reading. */
  overlapMs?: number;
}

export interface SweepResult {
  listed: number;
  matched: number;
  recorded: number;
  since: string | null;
  sweptUntil: string | null;
}

export interface WebhookHealth {
  live: boolean;
  liveAt: string | null;
  deltaWindow: { hours: number; endsAt: string | null; open: boolean };
  subscriptions: Array<{
    pipedriveWebhookId: number;
    event: string;
    subscriptionUrl: string;
    createdAt: string | null;
    checkedAt: string | null;
  }>;
  lastEventAt: string | null;
  events: Record<string, number>;
  changes: Record<string, number>;
  sweep: { sweptUntil: string | null; sweptAt: string | null };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function isoOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const d =
    v instanceof Date
      ? v
      : new Date(String(v).replace(' ', 'T') + (/[zZ]|[+-]\d\d/.test(String(v).slice(10)) ? '' : 'Z'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export class DeltaSync {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly d: DeltaSyncDeps) {}

  private async requireMigration(companyId: number, migrationId: number): Promise<void> {
    const m = await this.d.db('migrations').where({ company_id: companyId, id: migrationId }).first('id');
    if (!m) throw new NotFoundError('migration_not_found', `Migration ${migrationId} not found`);
  }

  /** On demand from the API: only a live migration (its full run completed) has webhooks and sweeps. */
  async requireLive(companyId: number, migrationId: number): Promise<void> {
    await this.requireMigration(companyId, migrationId);
    if ((await liveState(this.d.db, companyId, migrationId)).liveAt === null)
      throw new ConflictError(
        'migration_not_live',
        'This migration is not live yet: its webhooks are registered when its full run completes.',
      );
  }

  private async client(companyId: number) {
    const settings = await readSettings(this.d.db, companyId);
    return openClient(this.d.pipedrive, companyId, { budget: budgetPolicyOf(settings) });
  }

  /** Called when a run completes: a full run makes its migration live and registers our webhooks. */
  async onRunCompleted(companyId: number, runId: number): Promise<void> {
    const run = await getRun(this.d.db, companyId, runId);
    if (run?.kind !== 'full' || run.status !== 'completed') return;
    await this.goLive(companyId, run.migrationId);
  }

  async goLive(companyId: number, migrationId: number): Promise<EnsureResult> {
    await this.requireMigration(companyId, migrationId);
    await markLive(this.d.db, companyId, migrationId, this.d.clock.now());
    return this.ensure(companyId);
  }

  /** Our webhooks in the company's Pipedrive, re-created when any is missing. */
  async ensure(companyId: number): Promise<EnsureResult> {
    const opened = await this.client(companyId);
    try {
      const result = await ensureWebhooks(
        this.d.db,
        opened.client,
        companyId,
        this.d.subscriptionUrl,
        this.d.wanted,
      );
      const cred = await findCredentialOfCompany(this.d.db, companyId);
      if (cred && cred.pipedriveCompanyId === null) {
        // Local mode: deliveries name the Pipedrive company, which is not our local company's id.
        const me = (await opened.client.users.getCurrentUser()) as unknown as {
          data?: { company_id?: number } | null;
        };
        const pd = me.data?.company_id;
        if (pd !== undefined) {
          await savePipedriveCompanyOfCredential(this.d.db, companyId, pd);
          forgetWebhookCredentials(companyId);
        }
      }
      return result;
    } finally {
      await opened.close();
    }
  }

  /**
   * Lists the persons and organizations updated since the last sweep (minus the overlap) and records,
   * for each one we migrated, the fields we wrote that no longer hold what we wrote and changed after
   * our last write. Deletions are not in the list endpoints: webhooks report those.
   */
  async sweep(companyId: number, migrationId: number): Promise<SweepResult> {
    const { db, clock } = this.d;
    await this.requireMigration(companyId, migrationId);
    const state = await liveState(db, companyId, migrationId);
    const start = state.sweptUntil ?? (await this.firstWrite(companyId, migrationId));
    const since =
      start === null
        ? null
        : new Date(Date.parse(start) - (this.d.overlapMs ?? 10 * 60_000))
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z');
    const out: SweepResult = { listed: 0, matched: 0, recorded: 0, since, sweptUntil: start };
    const opened = await this.client(companyId);
    try {
      for (const entity of ['organization', 'person'] as const) {
        const records = (await listRecords(db, companyId, migrationId, { entity, states: ['done'] })).filter(
          (r) => r.pipedriveId !== null,
        );
        if (records.length === 0) continue;
        const byId = new Map<number, MigrationRecord>(records.map((r) => [r.pipedriveId!, r]));
        const q = since ? { updatedSince: since } : {};
        const listed =
          entity === 'person'
            ? await listAllPersons(opened.client, q)
            : await listAllOrganizations(opened.client, q);
        out.listed += listed.length;
        for (const l of listed) {
          const current = l as unknown as Record<string, unknown>;
          const t = pipedriveTime(current.update_time as string | null | undefined);
          if (t && (!out.sweptUntil || t > out.sweptUntil)) out.sweptUntil = t;
          const r = byId.get(l.id);
          if (!r) continue;
          out.matched++;
          if (!isAfterOurWrite(t, r.updateTime) || t === r.updateTime) continue;
          const candidates = await ourValues(db, companyId, r);
          const per = candidates.map((w) => driftFromWritten(w, current));
          const fields = (per[0] ?? []).filter((f) => per.every((p) => p.some((x) => x.key === f.key)));
          if (fields.length === 0) continue;
          const added = await recordChange(
            db,
            companyId,
            {
              migrationId,
              recordId: r.id,
              kind: 'edit',
              source: 'sweep',
              changeKey: t ?? `sweep:${clock.now()}`,
              fields,
              pipedriveUserId: null,
              changeSource: null,
              eventId: null,
              occurredAt: t ? Date.parse(t) : clock.now(),
            },
            clock.now(),
          );
          if (added) out.recorded++;
        }
      }
    } finally {
      await opened.close();
    }
    await saveSweep(db, companyId, migrationId, out.sweptUntil, clock.now());
    return out;
  }

  /** Pipedrive's time of this migration's first answered write: where the first sweep starts. */
  private async firstWrite(companyId: number, migrationId: number): Promise<string | null> {
    const r = await this.d
      .db('ledger')
      .where({ company_id: companyId, migration_id: migrationId })
      .whereNotNull('response_update_time')
      .min({ t: 'response_update_time' })
      .first();
    return r?.t == null ? null : pipedriveTime(String(r.t));
  }

  async health(companyId: number, migrationId: number): Promise<WebhookHealth> {
    const { db } = this.d;
    await this.requireMigration(companyId, migrationId);
    const state = await liveState(db, companyId, migrationId);
    const settings = await readSettings(db, companyId);
    const hours = settings.deltaWindowHours;
    const endsAt = state.liveAt === null ? null : state.liveAt + hours * 3_600_000;
    const subs = await db('webhook_subscriptions').where({ company_id: companyId }).orderBy('id');
    const last = await db('webhook_events')
      .where({ company_id: companyId })
      .max({ t: 'received_at' })
      .first();
    return {
      live: state.liveAt !== null,
      liveAt: iso(state.liveAt),
      deltaWindow: { hours, endsAt: iso(endsAt), open: endsAt !== null && this.d.clock.now() < endsAt },
      subscriptions: subs.map((s: Record<string, unknown>) => ({
        pipedriveWebhookId: Number(s.pipedrive_webhook_id),
        event: `${s.event_action}.${s.event_object}`,
        subscriptionUrl: String(s.subscription_url),
        createdAt: isoOf(s.created_at),
        checkedAt: isoOf(s.checked_at),
      })),
      lastEventAt: isoOf(last?.t),
      events: await eventCounts(db, companyId),
      changes: await changeCounts(db, companyId, migrationId),
      sweep: { sweptUntil: state.sweptUntil, sweptAt: iso(state.sweptAt) },
    };
  }

  /** One periodic pass: per company with a live migration, check the webhooks, then sweep each migration. */
  async tick(): Promise<void> {
    const live = await liveMigrations(this.d.db);
    const companies = [...new Set(live.map((l) => l.companyId))];
    for (const companyId of companies) {
      try {
        await this.ensure(companyId);
        for (const l of live.filter((x) => x.companyId === companyId))
          await this.sweep(companyId, l.migrationId);
      } catch (err) {
        this.d.logger.warn({ err: (err as Error).message, companyId }, 'delta sync check failed');
      }
    }
  }

  start(): void {
    if (this.timer || this.d.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((err: Error) => this.d.logger.error({ err: err.message }, 'delta sync tick failed'))
        .finally(() => {
          this.ticking = undefined;
        });
    }, this.d.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}
