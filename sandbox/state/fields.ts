// Person and organization fields of one company: the standard ones Pipedrive lists for every company,
// then the custom ones in creation order. A custom field's code is a 40-hex hash drawn from the
// company's own random stream, so the same field has a different code in every company (as in Pipedrive).
import type { Prng } from '../random.ts';
import type { FieldEntity, FieldOption, FieldRecord } from './types.ts';

/** Types accepted when creating a custom field (SDK AddPersonFieldRequest.field_type). */
export const CUSTOM_FIELD_TYPES = [
  'varchar',
  'text',
  'double',
  'phone',
  'date',
  'daterange',
  'time',
  'timerange',
  'set',
  'enum',
  'varchar_auto',
  'address',
  'monetary',
  'org',
  'people',
  'user',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** v1 additionally accepts `visible_to` (research §2.1). */
export const V1_FIELD_TYPES = [...CUSTOM_FIELD_TYPES, 'visible_to'] as const;

/** Custom fields allowed per company by plan (Pipedrive "Usage limits"). */
export const CUSTOM_FIELD_CAP = { lite: 30, growth: 100, premium: 300, ultimate: 500 } as const;

type Standard = [code: string, name: string, type: string, v1Key?: string];

const STANDARD: Record<FieldEntity, Standard[]> = {
  person: [
    ['id', 'ID', 'int'],
    ['name', 'Name', 'varchar'],
    ['first_name', 'First name', 'varchar'],
    ['last_name', 'Last name', 'varchar'],
    ['owner_id', 'Owner', 'user'],
    ['org_id', 'Organization', 'org'],
    ['emails', 'Email', 'varchar', 'email'],
    ['phones', 'Phone', 'phone', 'phone'],
    ['label_ids', 'Labels', 'set', 'label_ids'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['picture_id', 'Profile picture', 'picture'],
    ['postal_address', 'Postal address', 'address'],
    ['birthday', 'Birthday', 'date'],
    ['job_title', 'Job title', 'varchar'],
    ['notes', 'Notes', 'text'],
    ['marketing_status', 'Marketing status', 'status'],
    ['add_time', 'Person created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  organization: [
    ['id', 'ID', 'int'],
    ['name', 'Name', 'varchar'],
    ['owner_id', 'Owner', 'user'],
    ['address', 'Address', 'address'],
    ['label_ids', 'Labels', 'set', 'label_ids'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['website', 'Website', 'varchar'],
    ['linkedin', 'LinkedIn profile', 'varchar'],
    ['industry', 'Industry', 'enum'],
    ['annual_revenue', 'Annual revenue', 'monetary'],
    ['employee_count', 'Number of employees', 'int'],
    ['add_time', 'Organization created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
};

export class FieldStore {
  private readonly fields: FieldRecord[] = [];

  constructor(
    readonly entity: FieldEntity,
    createdAt: number,
    private readonly nextFieldId: () => number,
  ) {
    for (const [code, name, type, v1Key] of STANDARD[entity]) {
      this.fields.push(
        blankField({
          code,
          v1_key: v1Key ?? code,
          id: nextFieldId(),
          name,
          field_type: type,
          add_time: createdAt,
        }),
      );
    }
    this.renumber();
  }

  list(): readonly FieldRecord[] {
    return this.fields;
  }

  custom(): FieldRecord[] {
    return this.fields.filter((f) => f.is_custom);
  }

  byCode(code: string): FieldRecord | undefined {
    return this.fields.find((f) => f.code === code || (!f.is_custom && f.v1_key === code));
  }

  byId(id: number): FieldRecord | undefined {
    return this.fields.find((f) => f.id === id);
  }

  addCustom(
    input: { name: string; field_type: string; options: string[] | null; by: number | null; now: number },
    rng: Prng,
    nextOptionId: () => number,
  ): FieldRecord {
    let code = rng.hex(40);
    while (this.byCode(code)) code = rng.hex(40);
    const field = blankField({
      code,
      v1_key: code,
      id: this.nextFieldId(),
      name: input.name,
      field_type: input.field_type,
      add_time: input.now,
    });
    field.is_custom = true;
    field.created_by_user_id = input.by;
    field.options = input.options
      ? input.options.map((label) => ({
          id: nextOptionId(),
          label,
          add_time: input.now,
          update_time: input.now,
        }))
      : null;
    this.fields.push(field);
    this.renumber();
    return field;
  }

  remove(code: string): FieldRecord | undefined {
    const i = this.fields.findIndex((f) => f.code === code && f.is_custom);
    if (i < 0) return undefined;
    const [removed] = this.fields.splice(i, 1);
    this.renumber();
    return removed;
  }

  dump(): FieldRecord[] {
    return this.fields.map((f) => ({ ...f }));
  }

  load(fields: FieldRecord[]): void {
    this.fields.splice(0, this.fields.length, ...fields);
  }

  private renumber(): void {
    this.fields.forEach((f, i) => {
      f.order_nr = i;
    });
  }
}

function blankField(
  f: Pick<FieldRecord, 'code' | 'v1_key' | 'id' | 'name' | 'field_type' | 'add_time'>,
): FieldRecord {
  return {
    ...f,
    is_custom: false,
    options: null,
    order_nr: 0,
    update_time: f.add_time,
    created_by_user_id: null,
    ui_visibility: { add_visible_flag: true, details_visible_flag: true },
    important_fields: { enabled: false },
    required_fields: { enabled: false },
  };
}

export function optionById(field: FieldRecord, id: number): FieldOption | undefined {
  return field.options?.find((o) => o.id === id);
}
