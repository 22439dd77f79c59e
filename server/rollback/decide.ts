// What rollback does with one record, decided from the ledger (what we wrote, and the before-image of
// records that existed before us) and the record as Pipedrive shows it now. Pure: the planner reads, this
// decides, the executor writes.
//
// - A record we created is deleted, unless it changed in Pipedrive since our last write (its update_time
//   is newer, a field we wrote holds another value, or a webhook saw a person edit it): then it is kept
//   and reported as a conflict, unless the admin forces the deletion.
// - On a record that existed before us, each field we changed is restored to its before-image, but only
//   where it still holds the value we wrote; a field someone changed since is left alone and reported.
import { sameValue, type ValueType } from '../mapping/index.ts';
import { pipedriveTime } from '../migration/engine.ts';

export const ROLLBACK_ENTITIES = ['activity', 'file', 'note', 'person', 'organization'] as const;
export type RollbackEntity = (typeof ROLLBACK_ENTITIES)[number];

/** Newest first: what hangs on a person goes before the person, persons before their organizations. */
export const stepOf = (e: RollbackEntity): number => ROLLBACK_ENTITIES.indexOf(e);

export type RollbackAction = 'delete' | 'restore' | 'keep' | 'none';

export type RollbackReason =
  | 'created_by_us' // delete
  | 'forced' // delete although it changed since we wrote it
  | 'restore_before_image' // restore every field we changed
  | 'restore_partial' // restore some fields; others changed since we wrote them
  | 'edited_in_pipedrive' // keep: update_time newer than our write, or a webhook saw a person edit it
  | 'value_changed' // keep: a field we wrote holds another value now
  | 'file_kept' // keep: the note describing an uploaded file that is kept (original name, date, batch)
  | 'already_deleted' // none: the record is gone from Pipedrive
  | 'already_rolled_back' // none: an earlier rollback undid our last write
  | 'already_restored' // none: every field already holds its before-image
  | 'created_in_other_run'; // none: the record was created by another run than the one rolled back

export interface FieldConflict {
  key: string;
  wrote: unknown;
  now: unknown;
  before?: unknown;
}

export interface Decision {
  action: RollbackAction;
  reason: RollbackReason;
  /** For restores: the body to send (custom fields nested). */
  body?: Record<string, unknown>;
  /** Keys restored, with the value they go back to. */
  restored?: Array<{ key: string; from: unknown; to: unknown }>;
  conflicts?: FieldConflict[];
}

export interface WrittenFieldType {
  key: string;
  type: ValueType;
}

/** The record as Pipedrive shows it now; `null` when it is gone (deleted, or merged away). */
export type Current = Record<string, unknown> | null;

/** `{a: 1, custom_fields: {x: 2}}` → `{a: 1, 'custom_fields.x': 2}`: the keys the engine's field list uses. */
export function flatten(body: Record<string, unknown> | null | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === 'custom_fields' && v && typeof v === 'object' && !Array.isArray(v))
      for (const [c, cv] of Object.entries(v as Record<string, unknown>)) out.set(`custom_fields.${c}`, cv);
    else out.set(k, v);
  }
  return out;
}

/** The inverse of flatten. */
export function nest(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (k.startsWith('custom_fields.')) {
      const cf = (out.custom_fields as Record<string, unknown> | undefined) ?? {};
      cf[k.slice('custom_fields.'.length)] = v;
      out.custom_fields = cf;
    } else out[k] = v;
  }
  return out;
}

export function valueAt(obj: Record<string, unknown> | null | undefined, key: string): unknown {
  if (!obj) return undefined;
  if (key.startsWith('custom_fields.')) {
    const cf = obj.custom_fields as Record<string, unknown> | null | undefined;
    return cf?.[key.slice('custom_fields.'.length)];
  }
  return obj[key];
}

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** E-mails, phones: the set of values, case-insensitively (Pipedrive may reorder them or add labels). */
function contactValues(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === 'string') out.push(x.trim().toLowerCase());
    else if (x && typeof x === 'object' && 'value' in x)
      out.push(
        String((x as { value: unknown }).value ?? '')
          .trim()
          .toLowerCase(),
      );
    else return undefined;
  }
  return out.filter(Boolean).sort();
}

/** An option or reference field answers `{ value, … }` or an id; compare the ids. */
function scalar(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('value' in o) return o.value;
    if ('id' in o) return o.id;
  }
  return v;
}

/** Whether two values of one field are the same, the way Pipedrive normalises them. */
export function same(type: ValueType | undefined, a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  const ca = contactValues(a);
  const cb = contactValues(b);
  if (ca && cb) return ca.length === cb.length && ca.every((x, i) => x === cb[i]);
  const sa = scalar(a);
  const sb = scalar(b);
  if (type) {
    try {
      if (sameValue(type, sa, sb)) return true;
    } catch {
      // fall through to a plain comparison
    }
  }
  if (typeof sa === 'object' || typeof sb === 'object') return JSON.stringify(sa) === JSON.stringify(sb);
  return String(sa) === String(sb);
}

const laterThan = (now: string | null, ours: string | null): boolean => {
  const a = pipedriveTime(now);
  const b = pipedriveTime(ours);
  return a !== null && b !== null && a > b;
};

/** A record we created: delete it, or keep it because it changed since our last write. */
export function decideCreated(o: {
  written: Record<string, unknown>;
  fields: readonly WrittenFieldType[];
  writtenUpdateTime: string | null;
  current: Current;
  humanEdit: boolean;
  force: boolean;
}): Decision {
  if (!o.current) return { action: 'none', reason: 'already_deleted' };
  const types = new Map(o.fields.map((f) => [f.key, f.type]));
  const conflicts: FieldConflict[] = [];
  const written = flatten(o.written);
  for (const [key, type] of types) {
    const wrote = written.get(key);
    if (wrote === undefined) continue;
    const now = valueAt(o.current, key);
    if (!same(type, wrote, now)) conflicts.push({ key, wrote, now: now ?? null });
  }
  const edited = o.humanEdit || laterThan(currentTime(o.current), o.writtenUpdateTime);
  if (conflicts.length === 0 && !edited) return { action: 'delete', reason: 'created_by_us' };
  if (o.force) return { action: 'delete', reason: 'forced', conflicts };
  return {
    action: 'keep',
    reason: conflicts.length > 0 ? 'value_changed' : 'edited_in_pipedrive',
    conflicts,
  };
}

/** A record that existed before us: put back every field that still holds what we wrote. */
export function decideRestore(o: {
  beforeImage: Record<string, unknown>;
  written: Record<string, unknown>;
  fields: readonly WrittenFieldType[];
  current: Current;
  /** Keys a person changed since our last write (recorded by delta sync): never restored over. */
  humanFields?: readonly string[];
}): Decision {
  if (!o.current) return { action: 'none', reason: 'already_deleted' };
  const types = new Map(o.fields.map((f) => [f.key, f.type]));
  const wrote = flatten(o.written);
  const human = new Set(o.humanFields ?? []);
  const restore: Array<{ key: string; from: unknown; to: unknown }> = [];
  const conflicts: FieldConflict[] = [];
  for (const [key, before] of flatten(o.beforeImage)) {
    const type = types.get(key);
    const now = valueAt(o.current, key) ?? null;
    if (same(type, now, before)) continue; // already back (or we wrote what was there)
    const w = wrote.has(key) ? wrote.get(key) : undefined;
    if (w !== undefined && !human.has(key) && same(type, now, w))
      restore.push({ key, from: now, to: before ?? null });
    else conflicts.push({ key, wrote: w ?? null, now, before: before ?? null });
  }
  if (restore.length === 0)
    return conflicts.length > 0
      ? { action: 'keep', reason: 'value_changed', conflicts }
      : { action: 'none', reason: 'already_restored' };
  return {
    action: 'restore',
    reason: conflicts.length > 0 ? 'restore_partial' : 'restore_before_image',
    body: restoreBody(restore),
    restored: restore,
    conflicts,
  };
}

/** The PATCH body that puts the fields back; an option or contact value goes back in the API's input shape. */
function restoreBody(
  restore: ReadonlyArray<{ key: string; from: unknown; to: unknown }>,
): Record<string, unknown> {
  return nest(restore.map((r) => [r.key, inputShape(r.key, r.to, r.from)]));
}

/**
 * A value in the shape the update endpoint takes. An empty text attribute goes back as '' (API v2 refuses
 * null for text attributes such as job_title; custom fields and references take null).
 */
function inputShape(key: string, v: unknown, from: unknown): unknown {
  if (isEmpty(v) && !key.startsWith('custom_fields.') && typeof from === 'string') return '';
  if (v === undefined) return null;
  if (key === 'emails' || key === 'phones') {
    if (!Array.isArray(v)) return [];
    return v.map((x) => {
      const c = x as { value?: unknown; primary?: unknown; label?: unknown };
      return { value: c.value, primary: Boolean(c.primary), label: c.label ?? 'work' };
    });
  }
  return v;
}

function currentTime(cur: Record<string, unknown>): string | null {
  const t = cur.update_time;
  return typeof t === 'string' ? t : null;
}
