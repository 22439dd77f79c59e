// Value mapping for choice fields: which option each distinct value of a column becomes. Employment
// status has a curated English/Danish table; any other option field is matched by label. A value that
// matches nothing is left for the admin: it is never guessed. Pure.
import { headerKey } from '../actimo/header.ts';
import { EMPLOYMENT_STATUS_OPTIONS } from './schema.ts';

const STATUS_WORDS: Record<(typeof EMPLOYMENT_STATUS_OPTIONS)[number], readonly string[]> = {
  Active: [
    'active',
    'aktiv',
    'employed',
    'ansat',
    'current',
    'i arbejde',
    'yes',
    'ja',
    'true',
    '1',
    'enabled',
  ],
  'On Leave': [
    'on leave',
    'leave',
    'leave of absence',
    'parental leave',
    'maternity leave',
    'sick leave',
    'orlov',
    'barsel',
    'barselsorlov',
    'sygemeldt',
    'paa orlov',
  ],
  Terminated: [
    'terminated',
    'inactive',
    'inaktiv',
    'former',
    'left',
    'resigned',
    'dismissed',
    'stopped',
    'deactivated',
    'disabled',
    'fratraadt',
    'opsagt',
    'ophoert',
    'deaktiveret',
    'stoppet',
    'no',
    'nej',
    'false',
    '0',
  ],
};

const STATUS_INDEX = new Map<string, string>(
  Object.entries(STATUS_WORDS).flatMap(([label, words]) => words.map((w) => [headerKey(w), label] as const)),
);

export interface ValueProposal {
  values: Record<string, string>;
  /** Values no option matches: the admin decides (an option, or left empty). */
  unmatched: string[];
}

/**
 * Proposes an option for each observed value: the exact label (any case or spacing), then the curated
 * words when the options are the employment statuses.
 */
export function proposeValues(observed: readonly string[], options: readonly string[]): ValueProposal {
  const byKey = new Map(options.map((o) => [headerKey(o), o] as const));
  const isStatus = EMPLOYMENT_STATUS_OPTIONS.every((o) => options.includes(o));
  const values: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const v of observed) {
    const key = headerKey(v);
    const label = byKey.get(key) ?? (isStatus ? STATUS_INDEX.get(key) : undefined);
    if (label && options.includes(label)) values[v] = label;
    else unmatched.push(v);
  }
  return { values, unmatched };
}

/**
 * The option label a staged value becomes: the admin's mapping first (a null there means "leave
 * empty"), then the option with the same label. Undefined when nothing matches.
 */
export function optionLabelFor(
  value: string,
  map: Readonly<Record<string, string | null>> | undefined,
  options: readonly string[],
): string | null | undefined {
  if (map && Object.hasOwn(map, value)) return map[value];
  const key = headerKey(value);
  if (map) {
    for (const [from, to] of Object.entries(map)) if (headerKey(from) === key) return to;
  }
  return options.find((o) => headerKey(o) === key);
}
