// The destination side of the proposal: where each Person and Organization target lands in Pipedrive,
// with a confidence and a reason. Standard fields where Pipedrive has one, our custom fields for the HR
// context and the metrics, and "ignore" (said plainly) for what Pipedrive has no place for. Pure.
import { typeWords } from '../pipedrive/fields.ts';
import type { CustomDestination, Destination, DestinationSpec } from './document.ts';
import { DEFAULT_SCHEMA, type SchemaField, schemaFieldFor } from './schema.ts';
import { NEW_FIELD_TYPE, type PipedriveEntity, STANDARD_LABELS, TARGETS, type Target } from './targets.ts';

export function customFrom(f: SchemaField): CustomDestination {
  const d: CustomDestination = { kind: 'custom', logicalName: f.logicalName, name: f.name, type: f.type };
  if (f.options) d.options = [...f.options];
  if (f.decimals !== undefined) d.decimals = f.decimals;
  return d;
}

/** Our custom field for a target: the default schema's, or a new one named after the target. */
export function customDestinationFor(target: Target): CustomDestination {
  const f = schemaFieldFor(target.entity, target.field);
  if (f) return customFrom(f);
  const snake = target.field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return {
    kind: 'custom',
    logicalName: `${snake}__c`,
    name: target.label,
    type: NEW_FIELD_TYPE[target.value],
  };
}

/** The custom field that stands in for a standard field the account lacks (industry, employee count). */
export function standardFallback(entity: PipedriveEntity, key: string): CustomDestination | undefined {
  const f = DEFAULT_SCHEMA.find((s) => s.entity === entity && s.standardFirst === key);
  return f ? customFrom(f) : undefined;
}

const IGNORED: Record<string, string> = {
  language:
    'Pipedrive Persons have no language field; it is left out unless you choose a custom field or a note',
  managerId:
    "Pipedrive has no manager link between Persons; the manager's Actimo id is left out unless you choose a custom field or a note",
  companyName:
    'the company is linked by its id (Organization); the name column is left out unless you choose a custom field or a note',
  updateTime: 'decides which of several rows of one user is the newest; Pipedrive keeps its own update time',
  parentId:
    'Pipedrive does not link parent Organizations through this API; left out unless you choose a custom field or a note',
};

const STANDARD_REASONS: Record<string, string> = {
  'person.name': "Pipedrive's Name field (a full name column, or first and last name joined)",
  'person.email': "Pipedrive's Email field, as the primary address",
  'person.phone': "Pipedrive's Phone field, as the primary number in E.164 form",
  'person.jobTitle': "Pipedrive's Job title field",
  'person.organization':
    'the primary company links the Person to its Organization; other companies go into a note',
  'person.owner':
    "Actimo's exports name no owner for users: the owner is the installing admin (reported per Person)",
  'person.addTime': "Pipedrive's created time, so the Person keeps its original creation date",
  'organization.name': "Pipedrive's Name field",
  'organization.address': "Pipedrive's Address field (street, postal code, city and country joined)",
  'organization.domain': "Pipedrive's Website field",
  'organization.industry':
    "Pipedrive's Industry field where the account has one (values matched to its options); otherwise our custom field 'Industry (Actimo)'",
  'organization.employeeCount':
    "Pipedrive's Number of employees field where the account has one; otherwise our custom field 'Employee count'",
  'organization.addTime': "Pipedrive's created time, so the Organization keeps its original creation date",
};

function spec(t: Target, destination: Destination, confidence: number, reason: string): DestinationSpec {
  return { entity: t.entity, field: t.field, destination, confidence, reason, origin: 'proposal' };
}

export function proposeDestination(t: Target): DestinationSpec {
  const key = `${t.entity}.${t.field}`;
  if (t.field === 'actimoId') {
    return spec(
      t,
      customDestinationFor(t),
      1,
      `our custom field "Actimo ID" is always written: re-runs, delta runs and rollback find the ${t.entity === 'person' ? 'Person' : 'Organization'} by it`,
    );
  }
  const standard = t.standard[0];
  if (standard) {
    const fallback = standard === 'industry' || standard === 'employee_count';
    return spec(
      t,
      { kind: 'standard', key: standard },
      fallback ? 0.85 : 0.95,
      STANDARD_REASONS[key] ?? `Pipedrive's ${STANDARD_LABELS[standard]} field`,
    );
  }
  const ignored = IGNORED[t.field];
  if (ignored) return spec(t, { kind: 'ignore' }, 0.7, ignored);
  const custom = customDestinationFor(t);
  const extra =
    custom.type === 'enum' ? ` with the options ${custom.options?.map((o) => `"${o}"`).join(', ')}` : '';
  return spec(
    t,
    custom,
    0.9,
    `Pipedrive has no standard ${t.entity === 'person' ? 'Person' : 'Organization'} field for ${t.label.toLowerCase()}; our custom field "${custom.name}" (${typeWords(custom.type)})${extra} holds it`,
  );
}

export function proposeDestinations(): DestinationSpec[] {
  return TARGETS.map(proposeDestination);
}

export { typeWords };
