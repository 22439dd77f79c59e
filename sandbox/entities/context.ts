// Who is writing, and where change events go. API writes carry change_source "api"; the simulated
// human in Pipedrive's web app (sandbox.human) writes with "app", which is what webhook consumers use to
// tell their own echoes from real edits.
import { notFound } from '../http.ts';
import type { Company } from '../state/company.ts';
import type { EntityStore } from '../state/store.ts';
import type { SoftDeletable } from '../state/types.ts';

export type ChangeSource = 'api' | 'app';
export type EventEntity = 'person' | 'organization' | 'activity' | 'note';
export type EventAction = 'create' | 'change' | 'delete';

export interface ChangeEvent {
  company: Company;
  entity: EventEntity;
  action: EventAction;
  entityId: number;
  /** The record before the write (null on create); a deep copy. */
  before: unknown;
  /** The record after the write (null on delete). */
  after: unknown;
  userId: number;
  source: ChangeSource;
  at: number;
  /** The OAuth app that made the write, if any. */
  clientId: string | null;
  extraMeta?: Record<string, string>;
}

export interface WriteContext {
  company: Company;
  now: number;
  userId: number;
  source: ChangeSource;
  clientId: string | null;
  emit(event: ChangeEvent): void;
}

export function snapshot<T>(record: T): T {
  return structuredClone(record);
}

export function emitChange(
  ctx: WriteContext,
  entity: EventEntity,
  action: EventAction,
  entityId: number,
  before: unknown,
  after: unknown,
  extraMeta?: Record<string, string>,
): void {
  ctx.emit({
    company: ctx.company,
    entity,
    action,
    entityId,
    before: before === null ? null : snapshot(before),
    after: after === null ? null : snapshot(after),
    userId: ctx.userId,
    source: ctx.source,
    at: ctx.now,
    clientId: ctx.clientId,
    ...(extraMeta ? { extraMeta } : {}),
  });
}

/** A record that is not deleted, else Pipedrive's 404 (e.g. "Person not found"). */
export function liveOr404<T extends SoftDeletable>(store: EntityStore<T>, id: number, message: string): T {
  const record = store.getLive(id);
  if (!record) throw notFound(message);
  return record;
}

/** Soft-deletes a record and sends its delete event (data null, previous = the last state). */
export function softDelete<T extends SoftDeletable>(
  ctx: WriteContext,
  entity: EventEntity,
  store: EntityStore<T>,
  record: T,
  extraMeta?: Record<string, string>,
): void {
  const before = snapshot(record);
  store.markDeleted(record.id, ctx.now);
  emitChange(ctx, entity, 'delete', record.id, before, null, extraMeta);
}

/** Copies the keys the input defines (PATCH semantics: absent means "leave as is"). */
export function assignDefined<T extends object, K extends keyof T>(
  target: T,
  input: Partial<Pick<T, K>>,
  keys: readonly K[],
): void {
  for (const k of keys) {
    if (input[k] !== undefined) target[k] = input[k] as T[K];
  }
}
