// The delta of one record: the payload built from the newer Actimo export against the body we last wrote
// (the snapshot the full run left in migration_records), field by field. Only changed fields are sent; a
// field a human changed in Pipedrive since our last write is held back under `keep_pipedrive` (and sent
// under `overwrite`). What we record as written leaves held-back fields out, so verification and the
// sweep do not take the human's value for a mismatch.
import { sameValue, type ValueType } from '../mapping/index.ts';
import type { WrittenField } from '../migration/engine.ts';

export const DELTA_POLICIES = ['keep_pipedrive', 'overwrite'] as const;
export type DeltaPolicy = (typeof DELTA_POLICIES)[number];

export interface FieldChange {
  key: string;
  target: string | null;
  from: unknown;
  to: unknown;
}

export interface RecordDiff {
  /** Every field whose value in the newer export differs from what we wrote. */
  changed: FieldChange[];
  /** The update to send (changed fields, minus held-back ones). */
  send: Record<string, unknown>;
  /** Changed fields left alone because a human changed them in Pipedrive. */
  held: FieldChange[];
  /** What to record as written after the update. */
  written: Record<string, unknown>;
}

function flatten(
  body: Record<string, unknown> | null | undefined,
  strip: readonly string[],
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(body ?? {})) {
    if (strip.includes(k)) continue;
    if (k === 'custom_fields' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [code, cv] of Object.entries(v)) out.set(`custom_fields.${code}`, cv);
    } else out.set(k, v);
  }
  return out;
}

function unflatten(m: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of m) {
    if (k.startsWith('custom_fields.')) {
      out.custom_fields ??= {};
      (out.custom_fields as Record<string, unknown>)[k.slice('custom_fields.'.length)] = v;
    } else out[k] = v;
  }
  return out;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );
}

function same(type: ValueType | undefined, a: unknown, b: unknown): boolean {
  if (type) return sameValue(type, a, b);
  const empty = (v: unknown) =>
    v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  return stable(a) === stable(b);
}

export function diffRecord(
  writtenBody: Record<string, unknown> | null | undefined,
  newBody: Record<string, unknown>,
  fields: readonly WrittenField[],
  humanFields: readonly string[],
  policy: DeltaPolicy,
  strip: readonly string[] = ['add_time'],
): RecordDiff {
  const types = new Map(fields.map((f) => [f.key, f]));
  const before = flatten(writtenBody, strip);
  const after = flatten(newBody, strip);
  const changed: FieldChange[] = [];
  const held: FieldChange[] = [];
  const send = new Map<string, unknown>();
  const written = new Map(before);
  for (const [key, to] of after) {
    const from = before.get(key);
    const f = types.get(key);
    // A field held back last time is not in what we wrote: it counts as changed until it is sent.
    if (before.has(key) && same(f?.type, from, to)) continue;
    const change = { key, target: f?.target ?? null, from: from ?? null, to: to ?? null };
    changed.push(change);
    if (policy === 'keep_pipedrive' && humanFields.includes(key)) {
      held.push(change);
      written.delete(key);
    } else {
      send.set(key, to);
      written.set(key, to);
    }
  }
  // A value the newer export no longer has is cleared.
  for (const [key, from] of before) {
    if (after.has(key) || from === null || from === undefined || from === '') continue;
    const f = types.get(key);
    const change = { key, target: f?.target ?? null, from, to: null };
    changed.push(change);
    if (policy === 'keep_pipedrive' && humanFields.includes(key)) {
      held.push(change);
      written.delete(key);
    } else {
      send.set(key, null);
      written.set(key, null);
    }
  }
  return { changed, send: unflatten(send), held, written: unflatten(written) };
}
