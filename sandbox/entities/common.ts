// Pieces persons and organizations share: contact lists, custom field values, owners.
import { validationFailed } from '../http.ts';
import type { Company } from '../state/company.ts';
import { normalizeCustomValue, webhookCustomValue } from '../state/custom-values.ts';
import type { ContactValue, CustomValues, FieldEntity } from '../state/types.ts';

/** Only `value` is required; label defaults to "work"; the first value is primary when none is marked. */
export function normalizeContacts(
  list: { value: string; primary?: boolean | undefined; label?: string | undefined }[],
  what: string,
): ContactValue[] {
  const primaries = list.filter((c) => c.primary === true).length;
  if (primaries > 1) throw validationFailed(`${what}: only one value can be primary`);
  return list.map((c, i) => ({
    value: c.value,
    primary: primaries === 0 ? i === 0 : c.primary === true,
    label: c.label ?? 'work',
  }));
}

/** Validates and merges custom field values into `target` (null clears a field). */
export function applyCustomFields(
  company: Company,
  entity: FieldEntity,
  target: CustomValues,
  input: Record<string, unknown>,
): void {
  const fields = company.fields[entity];
  const next: CustomValues = {};
  for (const [code, value] of Object.entries(input)) {
    const field = fields.byCode(code);
    if (!field?.is_custom) throw validationFailed(`custom_fields.${code}: unknown custom field`);
    next[field.code] = normalizeCustomValue(field, value, company);
  }
  for (const [code, value] of Object.entries(next)) {
    if (value === null) delete target[code];
    else target[code] = value;
  }
}

/** API v2 lists every custom field of the entity, null when empty; `only` narrows to the asked ones. */
export function presentCustomFields(
  company: Company,
  entity: FieldEntity,
  values: CustomValues,
  only?: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of company.fields[entity].custom()) {
    if (only && !only.includes(f.code)) continue;
    out[f.code] = values[f.code] ?? null;
  }
  return out;
}

export function webhookCustomFields(
  company: Company,
  entity: FieldEntity,
  values: CustomValues,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of company.fields[entity].custom())
    out[f.code] = webhookCustomValue(f, values[f.code] ?? null);
  return out;
}

export function requireOwner(company: Company, ownerId: number): number {
  if (!company.userExists(ownerId)) throw validationFailed(`owner_id: user ${ownerId} not found`);
  return ownerId;
}

export function requireOrg(company: Company, orgId: number | null): number | null {
  if (orgId !== null && !company.orgExists(orgId))
    throw validationFailed(`org_id: organization ${orgId} not found`);
  return orgId;
}

/** "Jane van Doe" → first "Jane", last "van Doe" (Pipedrive splits at the first space). */
export function splitName(name: string): { first_name: string; last_name: string | null } {
  const trimmed = name.trim();
  const i = trimmed.indexOf(' ');
  return i < 0
    ? { first_name: trimmed, last_name: null }
    : { first_name: trimmed.slice(0, i), last_name: trimmed.slice(i + 1).trim() };
}

/** Shallow-compared keys whose JSON differs: webhooks v2 `previous` carries only changed fields. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
