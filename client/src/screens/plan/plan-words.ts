// The plan's vocabulary in the admin's words: entities, reason codes and cost lines.
import type { EngineEntity } from '../../api/engine.ts';

export const ENTITY_LABELS: Record<EngineEntity, string> = {
  organization: 'Organizations',
  person: 'People',
  note: 'Notes',
  activity: 'Activities',
  file: 'Files',
};

const REASONS: Record<string, string> = {
  matched_actimo_id: 'already in Pipedrive with the same Actimo id',
  matched_email: 'already in Pipedrive with the same email',
  matched_name: 'already in Pipedrive with the same name',
  policy_always_create: 'a match exists, but the duplicate policy says always create',
  nothing_to_note: 'nothing to put in a note',
  missing_name: 'no name to give the record',
  invalid_value: 'a value Pipedrive would refuse',
};

/** A reason code in words; an unknown code is shown as it is, so nothing is hidden. */
export function reasonText(code: string): string {
  return REASONS[code] ?? code.replaceAll('_', ' ');
}

export const POLICY_LABELS: Record<string, string> = {
  merge: 'merge into the existing record',
  create: 'always create a new record',
};
