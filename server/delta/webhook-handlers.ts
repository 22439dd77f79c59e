// The webhook processor's handlers for persons and organizations: an edit or deletion of a record we
// migrated is recorded against it (record_changes, the record's human fields), so delta runs and rollback
// respect it. The echo of our own writes (values equal to what we wrote or are writing) and changes older
// than our last write are ignored; records we did not migrate are ignored.
import type { Clock } from '../clock.ts';
import { type Knex, readJson } from '../db.ts';
import { pipedriveTime } from '../migration/engine.ts';
import type { MigrationRecord } from '../migration/records.repository.ts';
import type { EngineEntity } from '../migration/types.ts';
import type { EventHandler, EventOutcome } from '../webhooks/processor.ts';
import type { StoredEvent } from '../webhooks/webhook.repository.ts';
import { migratedRecordsOf, recordChange } from './changes.repository.ts';
import { humanChanges, isAfterOurWrite, type Written } from './human-edits.ts';

/** What we wrote last, and what our newest ledger row for the record is writing (its answer may not be in yet). */
export async function ourValues(db: Knex, companyId: number, record: MigrationRecord): Promise<Written[]> {
  const out: Written[] = [];
  if (record.written) out.push(record.written as Written);
  const last = await db('ledger')
    .where({ company_id: companyId, record_id: record.id })
    .whereIn('state', ['intent', 'sent', 'unknown', 'done'])
    .orderBy('id', 'desc')
    .first('request');
  if (last) out.push(readJson<Written>(last.request));
  return out;
}

/** Changed fields that none of our writes explains. */
export function notOurs(
  candidates: Written[],
  data: Record<string, unknown> | null,
  previous: Record<string, unknown> | null,
) {
  if (candidates.length === 0) return humanChanges(null, data, previous);
  const per = candidates.map((w) => humanChanges(w, data, previous));
  const [first, ...rest] = per;
  return first!.filter((f) => rest.every((r) => r.some((x) => x.key === f.key)));
}

export async function applyEvent(
  db: Knex,
  clock: Clock,
  entity: EngineEntity,
  e: StoredEvent,
): Promise<EventOutcome> {
  const pipedriveId = Number(e.entityId);
  if (!Number.isSafeInteger(pipedriveId)) return 'ignored';
  const records = await migratedRecordsOf(db, e.companyId, entity, pipedriveId);
  if (records.length === 0) return 'ignored';
  const occurredAt = Date.parse(e.occurredAt);
  let applied = false;
  for (const r of records) {
    const base = {
      migrationId: r.migrationId,
      recordId: r.id,
      source: 'webhook' as const,
      pipedriveUserId: e.pipedriveUserId,
      changeSource: e.changeSource,
      eventId: e.eventId,
      occurredAt,
    };
    if (e.action === 'delete') {
      applied =
        (await recordChange(
          db,
          e.companyId,
          { ...base, kind: 'delete', changeKey: 'delete', fields: [] },
          clock.now(),
        )) || applied;
      continue;
    }
    if (e.action !== 'change') continue;
    const updateTime = e.data?.update_time as string | null | undefined;
    // Our later write already replaced whatever this change did.
    if (!isAfterOurWrite(updateTime, r.updateTime)) continue;
    const fields = notOurs(await ourValues(db, e.companyId, r), e.data, e.previous);
    if (fields.length === 0) continue;
    applied =
      (await recordChange(
        db,
        e.companyId,
        { ...base, kind: 'edit', changeKey: pipedriveTime(updateTime) ?? `event:${e.eventId}`, fields },
        clock.now(),
      )) || applied;
  }
  return applied ? 'applied' : 'ignored';
}

export function deltaWebhookHandlers(
  db: Knex,
  clock: Clock,
): Record<'person' | 'organization', EventHandler> {
  return {
    person: (e) => applyEvent(db, clock, 'person', e),
    organization: (e) => applyEvent(db, clock, 'organization', e),
  };
}
