// field_schema: which Pipedrive field holds each of our logical custom fields, per company and entity.
// Every function takes the company and scopes by it.
import { type Knex, readBool, readId, readJson, writeJson } from '../db.ts';
import type { FieldEntity, FieldOption } from './fields.ts';

export interface RecordedField {
  entity: FieldEntity;
  logicalName: string;
  code: string;
  name: string;
  type: string;
  options: FieldOption[] | null;
  createdByUs: boolean;
  /** The migration whose provisioning created the field; null when adopted or recorded before this was kept. */
  createdByMigrationId?: number | null;
  updatedAt?: string;
}

type Row = Record<string, unknown>;

function toRecorded(r: Row): RecordedField {
  return {
    entity: r.entity as FieldEntity,
    logicalName: String(r.logical_name),
    code: String(r.field_code),
    name: String(r.field_name),
    type: String(r.field_type),
    options: r.options ? readJson<FieldOption[]>(r.options) : null,
    createdByUs: readBool(r.created_by_us),
    createdByMigrationId:
      r.created_by_migration_id === null || r.created_by_migration_id === undefined
        ? null
        : readId(r.created_by_migration_id),
  };
}

export async function listRecordedFields(db: Knex, companyId: number): Promise<RecordedField[]> {
  const rows = await db('field_schema').where({ company_id: companyId }).orderBy(['entity', 'id']);
  return rows.map(toRecorded);
}

/** Records (or replaces) the field that holds a logical field. */
export async function recordField(db: Knex, companyId: number, f: RecordedField): Promise<void> {
  const row = {
    field_code: f.code,
    field_name: f.name,
    field_type: f.type,
    options: f.options ? writeJson(f.options) : null,
    created_by_us: f.createdByUs,
    created_by_migration_id: f.createdByMigrationId ?? null,
  };
  await db('field_schema')
    .insert({ company_id: companyId, entity: f.entity, logical_name: f.logicalName, ...row })
    .onConflict(['company_id', 'entity', 'logical_name'])
    .merge({ ...row, updated_at: db.fn.now() });
}

export async function forgetField(
  db: Knex,
  companyId: number,
  entity: FieldEntity,
  logicalName: string,
): Promise<void> {
  await db('field_schema').where({ company_id: companyId, entity, logical_name: logicalName }).delete();
}
