// Person and organization fields through the v2 Fields API: list them all (cursor paged, standard fields
// first), create a custom field, add options to an option field. Field codes are 40-hex hashes that
// differ in every company, so nothing outside this company's list is ever assumed.
import type { PipedriveClient } from './client.ts';
import { pages } from './client.ts';

export type FieldEntity = 'person' | 'organization';

export interface FieldOption {
  id: number;
  label: string;
}

/** A person or organization field of the account, as the v2 Fields API lists it. */
export interface AccountField {
  code: string;
  name: string;
  type: string;
  isCustom: boolean;
  options: FieldOption[] | null;
}

export interface AccountFields {
  person: AccountField[];
  organization: AccountField[];
}

const TYPE_WORDS: Record<string, string> = {
  varchar: 'text',
  varchar_auto: 'autocomplete text',
  text: 'long text',
  double: 'number',
  int: 'whole number',
  date: 'date',
  enum: 'single option',
  set: 'multiple options',
  phone: 'phone',
  monetary: 'monetary',
  address: 'address',
};

/** A field type as Pipedrive's own screens name it ("single option" for enum). */
export function typeWords(type: string): string {
  return TYPE_WORDS[type] ?? type;
}

interface RawField {
  field_name: string;
  field_code: string;
  field_type: string;
  is_custom_field: boolean;
  options?: Array<{ id?: number | string; label?: string }> | null;
}

function toField(f: RawField): AccountField {
  return {
    code: f.field_code,
    name: f.field_name,
    type: f.field_type,
    isCustom: f.is_custom_field,
    options: f.options
      ? f.options
          .filter((o) => o.id !== undefined && o.label !== undefined)
          .map((o) => ({ id: Number(o.id), label: String(o.label) }))
      : null,
  };
}

export async function listFields(client: PipedriveClient, entity: FieldEntity): Promise<AccountField[]> {
  const out: AccountField[] = [];
  const fetchPage = (cursor: string | undefined) =>
    entity === 'person'
      ? client.personFields.getPersonFields({ limit: 500, ...(cursor ? { cursor } : {}) })
      : client.organizationFields.getOrganizationFields({ limit: 500, ...(cursor ? { cursor } : {}) });
  for await (const page of pages<RawField>(fetchPage)) out.push(...page.map(toField));
  return out;
}

export async function listAccountFields(client: PipedriveClient): Promise<AccountFields> {
  return {
    person: await listFields(client, 'person'),
    organization: await listFields(client, 'organization'),
  };
}

export interface NewField {
  name: string;
  type: string;
  options?: readonly string[];
}

export async function createField(
  client: PipedriveClient,
  entity: FieldEntity,
  f: NewField,
): Promise<AccountField> {
  const request = {
    field_name: f.name,
    field_type: f.type as 'varchar',
    ...(f.options?.length ? { options: f.options.map((label) => ({ label })) } : {}),
  };
  const res =
    entity === 'person'
      ? await client.personFields.addPersonField({ AddPersonFieldRequest: request })
      : await client.organizationFields.addOrganizationField({ AddOrganizationFieldRequest: request });
  if (!res.data) throw new Error(`Pipedrive created the ${entity} field "${f.name}" but answered without it`);
  return toField(res.data);
}

export async function addOptions(
  client: PipedriveClient,
  entity: FieldEntity,
  code: string,
  labels: readonly string[],
): Promise<FieldOption[]> {
  const inner = labels.map((label) => ({ label }));
  const res =
    entity === 'person'
      ? await client.personFields.addPersonFieldOptions({
          field_code: code,
          AddDealFieldOptionsRequestInner: inner,
        })
      : await client.organizationFields.addOrganizationFieldOptions({
          field_code: code,
          AddDealFieldOptionsRequestInner: inner,
        });
  return (res.data ?? []).map((o) => ({ id: o.id, label: o.label }));
}
