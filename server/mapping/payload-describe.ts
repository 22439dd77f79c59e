// Words for where a value lands and what was done to it on the way: the `transform` of a trace entry,
// and the destination labels of the map view and the mapping specification. Pure.
import type { Destination } from './document.ts';
import type { ReadValue } from './payload-read.ts';
import { typeWords } from './propose-destination.ts';
import type { ResolvedMap, ResolvedTarget } from './resolve.ts';
import { DEFAULT_SCHEMA } from './schema.ts';
import { type PipedriveEntity, STANDARD_LABELS } from './targets.ts';

const ENTITY_WORDS: Record<PipedriveEntity, string> = { person: 'Person', organization: 'Organization' };

export function describeDestination(entity: PipedriveEntity, d: Destination): string {
  switch (d.kind) {
    case 'standard':
      return `${ENTITY_WORDS[entity]} · ${STANDARD_LABELS[d.key]}`;
    case 'custom':
      return `${ENTITY_WORDS[entity]} · our custom field "${d.name}" (${typeWords(d.type)})`;
    case 'existing':
      return `${ENTITY_WORDS[entity]} · existing field "${d.name ?? d.fieldCode}"${d.type ? ` (${typeWords(d.type)})` : ''}`;
    case 'note':
      return `${ENTITY_WORDS[entity]} · a note ("From Actimo")`;
    default:
      return 'not migrated';
  }
}

function metricRule(t: ResolvedTarget): string | undefined {
  if (t.part !== 'metrics') return undefined;
  return DEFAULT_SCHEMA.find((f) => f.holds === t.target && f.entity === 'person')?.description;
}

function destinationWords(t: ResolvedTarget, read: ReadValue, map: ResolvedMap, value: unknown): string {
  const to = t.to;
  if (to.kind === 'note') return 'a line in the "From Actimo" note';
  if (to.kind === 'standard') {
    switch (to.key) {
      case 'emails':
        return `the primary e-mail (label ${map.settings.emailLabel})`;
      case 'phones':
        return `the primary phone (label ${map.settings.phoneLabel})`;
      case 'add_time':
        return 'created time in UTC (RFC 3339)';
      case 'org_id':
        return `Actimo company ${String(read.value)} → Organization ${String(value)}`;
      case 'owner_id':
        return `owner: user ${String(value)} (the export names no owner)`;
      case 'industry':
        return `Industry option id ${String(value)}`;
      case 'employee_count':
        return 'a whole number';
      case 'address':
        return 'Address (with city, postal code and country where the export has them)';
      default:
        return STANDARD_LABELS[to.key];
    }
  }
  switch (to.type) {
    case 'double':
      return `number${to.decimals !== undefined ? ` rounded to ${to.decimals} decimals` : ''}`;
    case 'date':
      return 'date as YYYY-MM-DD';
    case 'enum':
    case 'set':
      return typeof value === 'number' || Array.isArray(value)
        ? `option id ${JSON.stringify(value)} of "${to.name}"`
        : `option "${String(value)}" of "${to.name}"`;
    default:
      return `text in "${to.name}"`;
  }
}

/** The human-readable transform of one written value, from the source cell to what was sent. */
export function describeWrite(t: ResolvedTarget, read: ReadValue, map: ResolvedMap, value: unknown): string {
  const steps: string[] = [];
  if (read.column) steps.push(read.column.transform);
  const rule = metricRule(t);
  if (rule) steps.push(rule);
  if (read.how) steps.push(read.how);
  steps.push(destinationWords(t, read, map, value));
  return steps.join(' → ');
}
