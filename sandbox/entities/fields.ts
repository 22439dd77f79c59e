// Custom fields of persons and organizations, shared by the v2 Fields API and the v1 fields endpoints.
import { rfc3339, v1Time } from '../clock.ts';
import { forbidden, notFound, validationFailed } from '../http.ts';
import type { Company } from '../state/company.ts';
import { CUSTOM_FIELD_CAP } from '../state/fields.ts';
import type { FieldEntity, FieldOption, FieldRecord } from '../state/types.ts';

export const OPTION_TYPES = ['enum', 'set'];

export interface NewField {
  name: string;
  field_type: string;
  options?: string[] | undefined;
  ui_visibility?: Record<string, unknown> | undefined;
  important_fields?: Record<string, unknown> | undefined;
  required_fields?: Record<string, unknown> | undefined;
}

export function addField(
  company: Company,
  entity: FieldEntity,
  input: NewField,
  by: number,
  now: number,
): FieldRecord {
  const hasOptions = OPTION_TYPES.includes(input.field_type);
  if (hasOptions && !input.options?.length)
    throw validationFailed(`options: required for fields of type ${input.field_type}`);
  if (!hasOptions && input.options !== undefined)
    throw validationFailed(`options: only enum and set fields have options`);
  const used = company.fields.person.custom().length + company.fields.organization.custom().length;
  if (used >= CUSTOM_FIELD_CAP[company.info.plan])
    throw forbidden(
      "Couldn't add the field. Custom fields limit reached.",
      'feature_capping_custom_fields_limit',
    );
  const field = company.fields[entity].addCustom(
    { name: input.name, field_type: input.field_type, options: hasOptions ? input.options! : null, by, now },
    company.rng,
    company.nextOptionId,
  );
  if (input.ui_visibility) field.ui_visibility = { ...field.ui_visibility, ...input.ui_visibility };
  if (input.important_fields) field.important_fields = input.important_fields;
  if (input.required_fields) field.required_fields = input.required_fields;
  return field;
}

export function customField(company: Company, entity: FieldEntity, code: string): FieldRecord {
  const field = company.fields[entity].byCode(code);
  if (!field) throw notFound('Field not found');
  return field;
}

/** Deleting a custom field deletes its values too. */
export function deleteField(company: Company, entity: FieldEntity, code: string): FieldRecord {
  const field = customField(company, entity, code);
  if (!field.is_custom) throw validationFailed(`field_code: ${code} is a system field and cannot be deleted`);
  company.fields[entity].remove(field.code);
  const store = entity === 'person' ? company.persons : company.organizations;
  for (const r of store.all()) delete r.custom_fields[field.code];
  return field;
}

function optionField(company: Company, entity: FieldEntity, code: string): FieldRecord {
  const field = customField(company, entity, code);
  if (!field.is_custom || !OPTION_TYPES.includes(field.field_type) || !field.options)
    throw validationFailed(`field_code: ${code} is not an enum or set field`);
  return field;
}

/** Bulk option changes are atomic: everything is checked before anything changes. */
export function addOptions(
  company: Company,
  entity: FieldEntity,
  code: string,
  labels: string[],
  now: number,
): FieldOption[] {
  const field = optionField(company, entity, code);
  const added = labels.map((label) => ({
    id: company.nextOptionId(),
    label,
    add_time: now,
    update_time: now,
  }));
  field.options!.push(...added);
  field.update_time = now;
  return added;
}

export function updateOptions(
  company: Company,
  entity: FieldEntity,
  code: string,
  changes: { id: number; label: string }[],
  now: number,
): FieldOption[] {
  const field = optionField(company, entity, code);
  const targets = changes.map((c) => {
    const option = field.options!.find((o) => o.id === c.id);
    if (!option) throw validationFailed(`id: option ${c.id} does not exist`);
    return { option, label: c.label };
  });
  for (const t of targets) {
    t.option.label = t.label;
    t.option.update_time = now;
  }
  field.update_time = now;
  return targets.map((t) => t.option);
}

/** Deleted options disappear from values too: an enum is cleared, a set loses the id (empty → cleared). */
export function deleteOptions(
  company: Company,
  entity: FieldEntity,
  code: string,
  ids: number[],
  now: number,
): FieldOption[] {
  const field = optionField(company, entity, code);
  const removed = ids.map((id) => {
    const option = field.options!.find((o) => o.id === id);
    if (!option) throw validationFailed(`id: option ${id} does not exist`);
    return option;
  });
  field.options = field.options!.filter((o) => !ids.includes(o.id));
  field.update_time = now;
  stripOptionValues(company, entity, field, ids);
  return removed;
}

export function stripOptionValues(
  company: Company,
  entity: FieldEntity,
  field: FieldRecord,
  ids: number[],
): void {
  if (ids.length === 0) return;
  const store = entity === 'person' ? company.persons : company.organizations;
  for (const r of store.all()) {
    const v = r.custom_fields[field.code];
    if (typeof v === 'number' && ids.includes(v)) delete r.custom_fields[field.code];
    if (Array.isArray(v)) {
      const kept = (v as number[]).filter((id) => !ids.includes(id));
      if (kept.length === 0) delete r.custom_fields[field.code];
      else r.custom_fields[field.code] = kept;
    }
  }
}

const OPTIONAL_RESPONSE = new Set([
  'marketing_status',
  'picture_id',
  'notes',
  'birthday',
  'job_title',
  'postal_address',
]);

/** The API v2 field object. */
export function presentFieldV2(f: FieldRecord, include: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {
    field_name: f.name,
    field_code: f.code,
    field_type: f.field_type,
    options: f.options
      ? f.options.map((o) => ({
          id: o.id,
          label: o.label,
          color: o.color ?? null,
          add_time: rfc3339(o.add_time),
          update_time: rfc3339(o.update_time),
        }))
      : null,
    subfields: null,
    is_custom_field: f.is_custom,
    is_optional_response_field: OPTIONAL_RESPONSE.has(f.code),
  };
  if (include.includes('ui_visibility')) out.ui_visibility = f.ui_visibility;
  if (include.includes('important_fields')) out.important_fields = f.important_fields;
  if (include.includes('required_fields')) out.required_fields = f.required_fields;
  return out;
}

/** The API v1 field object. */
export function presentFieldV1(f: FieldRecord): Record<string, unknown> {
  return {
    id: f.id,
    key: f.is_custom ? f.code : f.v1_key,
    name: f.name,
    order_nr: f.order_nr,
    field_type: f.field_type,
    add_time: v1Time(f.add_time),
    update_time: v1Time(f.update_time),
    last_updated_by_user_id: f.created_by_user_id,
    created_by_user_id: f.created_by_user_id,
    active_flag: true,
    edit_flag: f.is_custom,
    index_visible_flag: true,
    details_visible_flag: f.ui_visibility.details_visible_flag !== false,
    add_visible_flag: f.ui_visibility.add_visible_flag !== false,
    important_flag: f.important_fields.enabled === true,
    bulk_edit_allowed: true,
    searchable_flag: false,
    filtering_allowed: true,
    sortable_flag: true,
    mandatory_flag: f.code === 'name',
    options: f.options ? f.options.map((o) => ({ id: o.id, label: o.label })) : null,
  };
}
