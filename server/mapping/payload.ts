// The payload builder: a staged record + the resolved map + the engine's references → exactly the API v2
// body to send, a trace per field (where each value came from and what was done to it), and the problems
// of values that cannot be sent. The value preview calls the same function. Pure.
import type { v2 } from 'pipedrive';
import { escapeHtml } from './notes.ts';
import { convert } from './payload-convert.ts';
import { describeWrite } from './payload-describe.ts';
import {
  type ReadValue,
  readTarget,
  type StagedOrganizationInput,
  type StagedPart,
  type StagedPersonInput,
} from './payload-read.ts';
import type { PayloadRefs, PayloadResult, Problem, Sink } from './payload-types.ts';
import { asText, type ValueType } from './payload-values.ts';
import type { ResolvedMap, ResolvedTarget } from './resolve.ts';
import type { PipedriveEntity, StandardKey } from './targets.ts';

export type { PayloadRefs, PayloadResult, Problem, ProblemSeverity, TraceEntry } from './payload-types.ts';

function place(t: ResolvedTarget, value: unknown, read: ReadValue, map: ResolvedMap, s: Sink): void {
  const to = t.to;
  let key: string;
  let valueType: ValueType;
  if (to.kind === 'note') {
    s.note.push([t.label, String(value)]);
    key = 'note';
    valueType = 'text';
  } else if (to.kind === 'standard') {
    key = to.key;
    if (to.key === 'address') value = { value: String(value), ...s.address };
    s.body[key] = value;
    valueType = STANDARD_VALUE_TYPE[to.key];
  } else {
    key = `custom_fields.${to.code}`;
    s.custom[to.code] = value;
    valueType = (
      ['enum', 'set', 'double', 'date', 'phone', 'text', 'varchar_auto'].includes(to.type)
        ? to.type
        : 'varchar'
    ) as ValueType;
  }
  s.trace.push({
    target: t.target,
    pipedriveKey: key,
    valueType,
    sources: read.sources,
    transform: describeWrite(t, read, map, value),
    value,
  });
}

const STANDARD_VALUE_TYPE: Record<StandardKey, ValueType> = {
  name: 'varchar',
  emails: 'emails',
  phones: 'phones',
  job_title: 'varchar',
  org_id: 'id',
  owner_id: 'id',
  add_time: 'timestamp',
  address: 'address',
  website: 'varchar',
  industry: 'enum',
  employee_count: 'int',
};

function addressParts(v: StagedPart['values']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, field] of [
    ['locality', 'city'],
    ['postal_code', 'postalCode'],
    ['country', 'country'],
  ] as const) {
    const text = asText(v[field] ?? null);
    if (text) out[key] = text;
  }
  return out;
}

function build(
  entity: PipedriveEntity,
  input: StagedPersonInput | StagedOrganizationInput,
  map: ResolvedMap,
  refs: PayloadRefs,
): PayloadResult<Record<string, unknown>> {
  const v = input.values;
  const s: Sink = {
    address: entity === 'organization' ? addressParts(v) : {},
    body: {},
    custom: {},
    trace: [],
    problems: [],
    note: [],
  };
  const targets = map[entity];
  const idTarget = targets.find((t) => t.target === 'actimoId');
  if (idTarget?.to.kind !== 'field')
    throw new Error(`the map has no Actimo ID field for ${entity}s; it cannot be confirmed without one`);
  let skip: Problem | null = null;
  for (const t of targets) {
    if (t.target === 'owner') {
      const owner = refs.ownerFor(undefined);
      if (owner) place(t, owner.id, { value: undefined, sources: [] }, map, s);
      continue;
    }
    const read =
      t.target === 'actimoId'
        ? { ...readTarget(t, input, map), value: input.actimoId }
        : readTarget(t, input, map);
    if (t.target === 'name' && (read.value === undefined || read.value === '')) {
      const fallback = map.settings.missingName;
      const alt = fallback === 'email' ? v.email : fallback === 'actimoId' ? input.actimoId : undefined;
      if (alt) {
        place(
          t,
          String(alt),
          { ...read, how: `no name: named after its ${fallback === 'email' ? 'e-mail' : 'Actimo id'}` },
          map,
          s,
        );
        continue;
      }
      skip = {
        code: 'missing_name',
        target: 'name',
        severity: 'skip',
        message: `Name: the ${entity} has no name, so it is not sent (the map says skip)`,
      };
      s.problems.push(skip);
      continue;
    }
    if (read.value === undefined || read.value === null) continue;
    const value = convert(t, read.value, read, map, refs, s);
    if (value !== undefined) place(t, value, read, map, s);
  }
  if (refs.visibleTo !== null) s.body.visible_to = refs.visibleTo;
  if (Object.keys(s.custom).length) s.body.custom_fields = s.custom;
  if (!skip && map.settings.invalidValue === 'skip_record') {
    const bad = s.problems.find((p) => p.severity === 'dropped');
    if (bad) {
      skip = {
        ...bad,
        severity: 'skip',
        message: `${bad.message}; the map says to skip records with an invalid value`,
      };
      s.problems.push(skip);
    }
  }
  const note = s.note.length
    ? `<p><b>From Actimo</b></p><ul>${s.note.map(([k, val]) => `<li>${escapeHtml(k)}: ${escapeHtml(val)}</li>`).join('')}</ul>`
    : null;
  return { body: s.body, trace: s.trace, problems: s.problems, note, skip };
}

export function buildPersonPayload(
  person: StagedPersonInput,
  map: ResolvedMap,
  refs: PayloadRefs,
): PayloadResult<v2.AddPersonRequest> {
  return build('person', person, map, refs) as PayloadResult<v2.AddPersonRequest>;
}

export function buildOrganizationPayload(
  org: StagedOrganizationInput,
  map: ResolvedMap,
  refs: PayloadRefs,
): PayloadResult<v2.AddOrganizationRequest> {
  // A body without a name only comes with `skip` set: it is never sent.
  return build('organization', org, map, refs) as unknown as PayloadResult<v2.AddOrganizationRequest>;
}
