// One target's staged value → the value its Pipedrive field takes (option ids for options, numbers,
// dates, RFC 3339 times, contact lists, the linked Organization's id), or a problem. Pure.
import type { StagedScalar } from '../staging/vocabulary.ts';
import { type ReadValue, sourceText } from './payload-read.ts';
import type { PayloadRefs, ProblemSeverity, Sink } from './payload-types.ts';
import {
  asText,
  type Converted,
  type ProblemCode,
  toDate,
  toNumber,
  toText,
  toTimestamp,
} from './payload-values.ts';
import type { ResolvedMap, ResolvedTarget } from './resolve.ts';
import { optionLabelFor } from './values.ts';

export function problem(
  s: Sink,
  t: ResolvedTarget,
  severity: ProblemSeverity,
  code: ProblemCode,
  message: string,
) {
  s.problems.push({ code, target: t.target, severity, message: `${t.label}: ${message}` });
}

// Module-level rather than closures inside `convert`: it runs for every field of every record.

/** A conversion's value, or undefined with the problem noted. */
function kept(s: Sink, t: ResolvedTarget, c: Converted) {
  if ('problem' in c) problem(s, t, 'dropped', c.problem, c.message);
  return 'ok' in c ? c.ok : undefined;
}

/** The option id for a value (its label before provisioning), or undefined with the problem noted. */
function optionOf(
  s: Sink,
  t: ResolvedTarget,
  value: StagedScalar,
  read: ReadValue,
  options: { id: number; label: string }[] | undefined,
  labels: readonly string[] | undefined,
) {
  const names = options?.map((o) => o.label) ?? labels ?? [];
  const label = optionLabelFor(String(asText(value)), read.column?.values, names);
  if (label === null) return undefined;
  if (label === undefined) {
    problem(
      s,
      t,
      'dropped',
      'option_not_found',
      `"${asText(value)}" matches no option (${names.join(', ') || 'none known'})`,
    );
    return undefined;
  }
  const id = options?.find((o) => o.label === label)?.id;
  if (id === undefined) {
    problem(
      s,
      t,
      'info',
      'field_not_provisioned',
      `option "${label}" gets its id when the field is provisioned`,
    );
    return label;
  }
  return id;
}

/** Converts a value for the field it lands in; undefined when it is left out. */
export function convert(
  t: ResolvedTarget,
  raw: StagedScalar,
  read: ReadValue,
  map: ResolvedMap,
  refs: PayloadRefs,
  s: Sink,
) {
  const to = t.to;
  const value = sourceText(raw, read.column);
  // Only the admin's value mapping turns a non-empty cell into null: say so, with its reason code.
  if (value === null && typeof raw === 'string' && raw.trim() !== '')
    problem(s, t, 'info', 'value_skipped', `"${raw.trim()}" is skipped by the value mapping: left empty`);
  if (value === null || value === '') return undefined;
  if (to.kind === 'standard') {
    switch (to.key) {
      case 'emails':
        return [{ value: String(value), primary: true, label: map.settings.emailLabel }];
      case 'phones':
        return [{ value: String(value), primary: true, label: map.settings.phoneLabel }];
      case 'add_time':
        return kept(s, t, toTimestamp(value, map.settings.timeZone));
      case 'employee_count':
        return kept(s, t, toNumber(value, 0));
      case 'industry':
        return optionOf(s, t, value, read, to.options, undefined);
      case 'org_id': {
        const id = refs.organizationIdFor(String(value));
        if (id === undefined) {
          if (refs.pending)
            problem(
              s,
              t,
              'info',
              'reference_pending',
              `Actimo company ${value} is linked by its Pipedrive id once migrated`,
            );
          else
            problem(
              s,
              t,
              'warning',
              'organization_not_migrated',
              `Actimo company ${value} is not in Pipedrive, so the Person is not linked`,
            );
        }
        return id;
      }
      default:
        return kept(s, t, toText(value, 'varchar'));
    }
  }
  if (to.kind === 'note') return asText(value);
  switch (to.type) {
    case 'double':
      return kept(s, t, toNumber(value, to.decimals));
    case 'date':
      return kept(s, t, toDate(value));
    case 'enum':
      return optionOf(s, t, value, read, to.options, to.labels);
    case 'set': {
      const id = optionOf(s, t, value, read, to.options, to.labels);
      return id === undefined ? undefined : [id];
    }
    default:
      return kept(s, t, toText(value, to.type));
  }
}
