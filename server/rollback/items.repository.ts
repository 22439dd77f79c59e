// rollback_items: the plan of one rollback run, one row per record (delete, restore, keep, nothing to do)
// or custom field (remove, keep), with its reason and the detail that explains it. Decided once when the
// run starts; the run then works through the planned ones and marks them done or failed.
import { type Knex, readJson, writeJson } from '../db.ts';
import type { FieldConflict, RollbackEntity } from './decide.ts';

export type ItemAction = 'delete' | 'restore' | 'keep' | 'none' | 'remove_field' | 'keep_field';
export type ItemStatus = 'planned' | 'done' | 'failed';

export interface ItemDetail {
  label?: string | null;
  actimoKey?: string;
  body?: Record<string, unknown>;
  restored?: Array<{ key: string; from: unknown; to: unknown }>;
  conflicts?: FieldConflict[];
  /** For fields: the field's name and how many records still hold a value in it. */
  fieldName?: string;
  fieldEntity?: 'person' | 'organization';
  logicalName?: string;
  holders?: number;
  /** For a field kept because other migrations of the company map to it: those migrations. */
  migrationIds?: number[];
}

export interface RollbackItem {
  id: number;
  runId: number;
  recordId: number | null;
  entity: RollbackEntity | 'field';
  step: number;
  pipedriveId: number | null;
  fieldCode: string | null;
  action: ItemAction;
  reason: string;
  detail: ItemDetail;
  status: ItemStatus;
  errorCode: string | null;
  errorMessage: string | null;
}

export type NewItem = Omit<RollbackItem, 'id' | 'runId' | 'status' | 'errorCode' | 'errorMessage'> & {
  status?: ItemStatus;
};

type Row = Record<string, unknown>;

function toItem(r: Row): RollbackItem {
  return {
    id: Number(r.id),
    runId: Number(r.run_id),
    recordId: r.record_id == null ? null : Number(r.record_id),
    entity: r.entity as RollbackItem['entity'],
    step: Number(r.step),
    pipedriveId: r.pipedrive_id == null ? null : Number(r.pipedrive_id),
    fieldCode: r.field_code == null ? null : String(r.field_code),
    action: r.action as ItemAction,
    reason: String(r.reason),
    detail: readJson<ItemDetail>(r.detail),
    status: r.status as ItemStatus,
    errorCode: r.error_code == null ? null : String(r.error_code),
    errorMessage: r.error_message == null ? null : String(r.error_message),
  };
}

export async function insertItems(
  db: Knex,
  companyId: number,
  migrationId: number,
  runId: number,
  items: readonly NewItem[],
  now: number,
): Promise<void> {
  const rows = items.map((i) => ({
    company_id: companyId,
    migration_id: migrationId,
    run_id: runId,
    record_id: i.recordId,
    entity: i.entity,
    step: i.step,
    pipedrive_id: i.pipedriveId,
    field_code: i.fieldCode,
    action: i.action,
    reason: i.reason,
    detail: writeJson(i.detail),
    status:
      i.status ??
      (i.action === 'delete' || i.action === 'restore' || i.action === 'remove_field' ? 'planned' : 'done'),
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 50) await db('rollback_items').insert(rows.slice(i, i + 50));
}

export async function itemsOf(
  db: Knex,
  companyId: number,
  runId: number,
  q: {
    entity?: string;
    statuses?: ItemStatus[];
    actions?: ItemAction[];
    afterId?: number;
    limit?: number;
  } = {},
): Promise<RollbackItem[]> {
  const b = db('rollback_items').where({ company_id: companyId, run_id: runId });
  if (q.entity) b.andWhere('entity', q.entity);
  if (q.statuses) b.whereIn('status', q.statuses);
  if (q.actions) b.whereIn('action', q.actions);
  if (q.afterId !== undefined) b.andWhere('id', '>', q.afterId);
  b.orderBy([{ column: 'step' }, { column: 'id' }]);
  if (q.limit !== undefined) b.limit(q.limit);
  return (await b).map(toItem);
}

export async function hasItems(
  db: Knex,
  companyId: number,
  runId: number,
  entity?: string,
): Promise<boolean> {
  const b = db('rollback_items').where({ company_id: companyId, run_id: runId });
  if (entity) b.andWhere('entity', entity);
  return (await b.first('id')) !== undefined;
}

export async function setItem(
  db: Knex,
  companyId: number,
  id: number,
  p: { status: ItemStatus; errorCode?: string | null; errorMessage?: string | null },
  now: number,
): Promise<void> {
  await db('rollback_items')
    .where({ company_id: companyId, id })
    .update({
      status: p.status,
      error_code: p.errorCode ?? null,
      error_message: p.errorMessage?.slice(0, 2000) ?? null,
      updated_at: now,
    });
}

/** Per entity, per action (and `failed`): how many items — the rollback's summary. */
export async function itemSummary(
  db: Knex,
  companyId: number,
  runId: number,
): Promise<Record<string, Record<string, number>>> {
  const rows = (await db('rollback_items')
    .where({ company_id: companyId, run_id: runId })
    .select('entity', 'action', 'status')
    .count({ n: '*' })
    .groupBy('entity', 'action', 'status')) as Array<Record<string, unknown>>;
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const e = out[String(r.entity)] ?? {};
    const key = r.status === 'failed' ? 'failed' : String(r.action);
    e[key] = (e[key] ?? 0) + Number(r.n);
    out[String(r.entity)] = e;
  }
  return out;
}
