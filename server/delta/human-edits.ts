// What a person changed in Pipedrive on a record we migrated, from a webhook's `data`/`previous` or from
// the record as listed by the sweep, compared with what we last wrote. A change whose new values are the
// ones we wrote is the echo of our own write; a change older than our last write was overwritten by it.
import { sameValue } from '../mapping/index.ts';
import { pipedriveTime, type WrittenField } from '../migration/engine.ts';

export interface ChangedField {
  /** Pipedrive key, `custom_fields.<code>` for custom fields. */
  key: string;
  value: unknown;
  previous: unknown;
  /** A field our migration writes (a conflict for the next delta); other fields are reported only. */
  ours: boolean;
}

export interface Written {
  body?: Record<string, unknown>;
  fields?: WrittenField[];
}

/** Keys Pipedrive changes by itself or derives from another key. */
const IGNORED = new Set([
  'update_time',
  'add_time',
  'first_name',
  'last_name',
  'last_activity_id',
  'last_activity_date',
  'next_activity_id',
  'next_activity_date',
  'open_deals_count',
  'closed_deals_count',
  'won_deals_count',
  'lost_deals_count',
  'activities_count',
  'done_activities_count',
  'undone_activities_count',
  'email_messages_count',
  'notes_count',
  'files_count',
  'followers_count',
  'people_count',
  'participant_open_deals_count',
  'participant_closed_deals_count',
]);

export function valueAt(obj: Record<string, unknown> | null | undefined, key: string): unknown {
  if (!obj) return undefined;
  if (key.startsWith('custom_fields.')) {
    const cf = obj.custom_fields as Record<string, unknown> | null | undefined;
    return cf?.[key.slice('custom_fields.'.length)];
  }
  return obj[key];
}

/** The keys a webhook's `previous` names, custom fields flattened. */
export function changedKeys(previous: Record<string, unknown> | null): string[] {
  if (!previous) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(previous)) {
    if (IGNORED.has(k)) continue;
    if (k === 'custom_fields' && v && typeof v === 'object') {
      for (const code of Object.keys(v)) out.push(`custom_fields.${code}`);
    } else out.push(k);
  }
  return out.sort();
}

/**
 * The human part of a change event: every changed key except those now holding exactly what we wrote
 * (the echo of our write). Keys we never wrote are kept and marked `ours: false`.
 */
export function humanChanges(
  written: Written | null,
  data: Record<string, unknown> | null,
  previous: Record<string, unknown> | null,
): ChangedField[] {
  const fields = new Map((written?.fields ?? []).map((f) => [f.key, f]));
  const out: ChangedField[] = [];
  for (const key of changedKeys(previous)) {
    const value = valueAt(data, key);
    const f = fields.get(key);
    const sent = valueAt(written?.body, key);
    if (f && sent !== undefined && sameValue(f.type, sent, value)) continue;
    out.push({
      key,
      value: value ?? null,
      previous: valueAt(previous, key) ?? null,
      ours: !!f && sent !== undefined,
    });
  }
  return out;
}

/**
 * For the sweep, which sees the record but not what changed: the fields we wrote whose value in
 * Pipedrive is no longer what we wrote.
 */
export function driftFromWritten(written: Written | null, current: Record<string, unknown>): ChangedField[] {
  const out: ChangedField[] = [];
  for (const f of written?.fields ?? []) {
    const sent = valueAt(written?.body, f.key);
    if (sent === undefined) continue;
    const value = valueAt(current, f.key);
    if (sameValue(f.type, sent, value)) continue;
    out.push({ key: f.key, value: value ?? null, previous: sent, ours: true });
  }
  return out;
}

/** True when Pipedrive's time `t` is after our last write's (`ours`); unknown times count as after. */
export function isAfterOurWrite(t: string | null | undefined, ours: string | null): boolean {
  const a = pipedriveTime(t);
  if (!a || !ours) return true;
  return a >= ours;
}
