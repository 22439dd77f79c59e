// The Actimo workflows export (learning paths, onboarding flows, automations: free-form JSON) normalised
// into a stable reference: flows with their triggers, audiences, schedule and steps, and what each step
// references (messages, trainings, surveys, groups, fields). Tolerant of spellings, strict about shape:
// a document with no recognisable list of flows, a flow with neither id nor name, a step with no type or a
// delay with no unit is refused naming the file and the JSON path. Properties we do not read are kept in
// `extra`, so nothing is dropped silently. Pure.
import {
  childPath,
  DocumentFormatError,
  describe,
  isObject,
  type Json,
  type JsonObject,
  nameOrId,
  ObjectReader,
} from './json-read.ts';

export type FlowKind = 'onboarding' | 'learning_path' | 'automation' | 'campaign' | 'other';
export type TriggerType =
  | 'contact_created'
  | 'group_joined'
  | 'group_left'
  | 'field_changed'
  | 'date_reached'
  | 'training_completed'
  | 'message_opened'
  | 'schedule'
  | 'manual'
  | 'other';
export type StepType =
  | 'message'
  | 'training'
  | 'survey'
  | 'wait'
  | 'condition'
  | 'add_to_group'
  | 'remove_from_group'
  | 'update_field'
  | 'notify'
  | 'webhook'
  | 'other';

export interface Ref {
  id: string | null;
  name: string | null;
}
export interface Delay {
  minutes: number;
  asWritten: string;
}
export interface Trigger {
  type: TriggerType;
  asWritten: string;
  field: string | null;
  value: string | null;
  group: Ref | null;
  path: string;
  extra: JsonObject;
}
export interface Audience extends Ref {
  kind: 'group' | 'segment' | 'everyone' | 'filter';
  /** Properties of the audience not read (its `type` included), kept as written. */
  extra: JsonObject;
}
export interface Schedule {
  asWritten: string;
  start: string | null;
  end: string | null;
  repeat: string | null;
}
export interface Step {
  id: string;
  order: number;
  type: StepType;
  asWritten: string;
  name: string | null;
  delay: Delay | null;
  channel: string | null;
  message: (Ref & { body: string | null }) | null;
  training: (Ref & { points: number | null }) | null;
  survey: Ref | null;
  group: Ref | null;
  field: string | null;
  value: string | null;
  condition: string | null;
  url: string | null;
  branches: Array<{ label: string; steps: Step[] }>;
  path: string;
  extra: JsonObject;
}
export interface Flow {
  id: string;
  name: string;
  kind: FlowKind;
  kindAsWritten: string | null;
  status: 'active' | 'inactive' | 'draft' | 'unknown';
  description: string | null;
  file: string;
  path: string;
  triggers: Trigger[];
  audiences: Audience[];
  schedule: Schedule | null;
  steps: Step[];
  references: { messages: Ref[]; trainings: Ref[]; surveys: Ref[]; groups: Ref[]; fields: string[] };
  extra: JsonObject;
}
export interface WorkflowReference {
  migrationId: number;
  generatedAt: string;
  files: Array<{ fileId: number; name: string; sha256: string; flows: number }>;
  flows: Flow[];
  counts: { flows: number; steps: number; withoutEquivalent: number };
}

const COLLECTIONS: Array<[string, FlowKind | null]> = [
  ['workflows', null],
  ['flows', null],
  ['learningPaths', 'learning_path'],
  ['paths', 'learning_path'],
  ['onboardingFlows', 'onboarding'],
  ['onboarding', 'onboarding'],
  ['journeys', null],
  ['automations', 'automation'],
  ['campaigns', 'campaign'],
  ['items', null],
  ['data', null],
];

const STEP_TYPES: Array<[RegExp, StepType]> = [
  [/remove.*group|leave.*group|group.*remove/, 'remove_from_group'],
  [/add.*group|join.*group|group.*add|assign.*group|segment/, 'add_to_group'],
  [/webhook|http|api ?call|request/, 'webhook'],
  [/wait|delay|pause|sleep/, 'wait'],
  [/condition|branch|^if\b|split|filter|decision/, 'condition'],
  [/survey|pulse|poll|questionnaire/, 'survey'],
  [/training|course|quiz|learning|lesson|module|academy/, 'training'],
  [/notify|alert|manager|admin|task/, 'notify'],
  [/update|set ?field|field|property|tag/, 'update_field'],
  [/message|mail|sms|push|send|post|news|article/, 'message'],
];

const TRIGGER_TYPES: Array<[RegExp, TriggerType]> = [
  [/(left|removed|leave).*group|group.*(left|removed)/, 'group_left'],
  [/group|segment/, 'group_joined'],
  [/creat|added|new|join|hire|signup|sign up|invite|onboard/, 'contact_created'],
  [/field|change|updat/, 'field_changed'],
  [/training|course|quiz/, 'training_completed'],
  [/open|read|view|click/, 'message_opened'],
  [/date|anniversary|birthday|days? (after|before)/, 'date_reached'],
  [/schedul|cron|recurr|daily|weekly|monthly|every/, 'schedule'],
  [/manual|button|admin/, 'manual'],
];

const classify = <T extends string>(table: Array<[RegExp, T]>, s: string, other: T): T =>
  table.find(([re]) => re.test(s.toLowerCase().replace(/[_-]+/g, ' ')))?.[1] ?? other;

const UNIT_MINUTES: Record<string, number> = {
  m: 1,
  min: 1,
  minute: 1,
  h: 60,
  hour: 60,
  d: 1440,
  day: 1440,
  w: 10080,
  week: 10080,
};

/** `P2D`, `2d`, `3 days`, `1 week`, `{ days: 2, hours: 4 }`, or a number under a key that names the unit. */
function readDelay(v: Json, unitFromKey: number | null, r: ObjectReader, path: string): Delay {
  if (typeof v === 'number') {
    if (unitFromKey === null)
      throw r.fail('delay_without_unit', path, `the delay ${v} has no unit (minutes, hours, days?)`);
    return { minutes: v * unitFromKey, asWritten: String(v) };
  }
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    const iso = /^p(?:(\d+)w)?(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?)?$/.exec(s);
    if (iso && s !== 'p' && s !== 'pt')
      return {
        minutes:
          Number(iso[1] ?? 0) * 10080 +
          Number(iso[2] ?? 0) * 1440 +
          Number(iso[3] ?? 0) * 60 +
          Number(iso[4] ?? 0),
        asWritten: v,
      };
    const plain = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(s);
    const unit = plain ? UNIT_MINUTES[plain[2]!.replace(/s$/, '')] : undefined;
    if (plain && unit) return { minutes: Math.round(Number(plain[1]) * unit), asWritten: v };
    if (/^\d+(\.\d+)?$/.test(s) && unitFromKey !== null)
      return { minutes: Number(s) * unitFromKey, asWritten: v };
    throw r.fail(
      'unreadable_delay',
      path,
      `cannot read the delay "${v}" (expected e.g. "2 days", "4h" or "P2D")`,
    );
  }
  if (isObject(v)) {
    const d = new ObjectReader(v, r.file, path);
    let minutes = 0;
    let any = false;
    for (const [names, unit] of [
      [['weeks', 'week'], 10080],
      [['days', 'day'], 1440],
      [['hours', 'hour'], 60],
      [['minutes', 'minute'], 1],
    ] as const) {
      const t = d.take(...names);
      if (t === undefined) continue;
      if (typeof t.value !== 'number')
        throw r.fail('unreadable_delay', t.path, `expected a number, found ${describe(t.value)}`);
      minutes += t.value * unit;
      any = true;
    }
    if (!any || Object.keys(d.rest()).length > 0)
      throw r.fail(
        'unreadable_delay',
        path,
        `cannot read the delay ${describe(v)} (expected weeks, days, hours, minutes)`,
      );
    return { minutes, asWritten: JSON.stringify(v) };
  }
  throw r.fail('unreadable_delay', path, `cannot read the delay ${describe(v)}`);
}

/** A referenced message, training, survey or group; its other properties go to `extra` (kept). */
function ref(v: Json | undefined, file: string, path: string, extra?: JsonObject, as?: string): Ref | null {
  if (v === undefined || v === null || v === '') return null;
  const r = nameOrId(v, file, path);
  if (extra && as && Object.keys(r.extra).length > 0) extra[as] = r.extra;
  return { id: r.id, name: r.name };
}

function readTrigger(v: Json, file: string, path: string): Trigger {
  if (typeof v === 'string')
    return {
      type: classify(TRIGGER_TYPES, v, 'other'),
      asWritten: v,
      field: null,
      value: null,
      group: null,
      path,
      extra: {},
    };
  if (!isObject(v))
    throw new DocumentFormatError(
      'malformed_trigger',
      file,
      path,
      `expected a trigger, found ${describe(v)}`,
    );
  const r = new ObjectReader(v, file, path);
  const type = r.text('type', 'event', 'on', 'kind', 'name');
  if (type === null)
    throw r.fail('trigger_without_type', path, `a trigger needs a type or an event, found ${describe(v)}`);
  const g = r.take('group', 'segment', 'groupId', 'groupName');
  const kept: JsonObject = {};
  return {
    type: classify(TRIGGER_TYPES, type, 'other'),
    asWritten: type,
    field: r.text('field', 'property', 'attribute', 'dateField'),
    value: r.text('value', 'equals', 'to', 'offset', 'daysAfter', 'days'),
    group: g ? ref(g.value, file, g.path, kept, 'group') : null,
    path,
    extra: { ...r.rest(), ...kept },
  };
}

function readAudience(v: Json, file: string, path: string): Audience {
  if (typeof v === 'string' && /^(all|everyone|alle)$/i.test(v.trim()))
    return { kind: 'everyone', id: null, name: v, extra: {} };
  const kind =
    isObject(v) && typeof v.type === 'string' && /segment|filter/i.test(v.type)
      ? /filter/i.test(v.type)
        ? 'filter'
        : 'segment'
      : 'group';
  const { id, name, extra } = nameOrId(v, file, path);
  return { kind, id, name, extra };
}

function readStep(v: Json, file: string, path: string, index: number): Step {
  if (!isObject(v))
    throw new DocumentFormatError(
      'malformed_step',
      file,
      path,
      `expected a step object, found ${describe(v)}`,
    );
  const r = new ObjectReader(v, file, path);
  const asWritten = r.text('type', 'action', 'kind', 'stepType', 'actionType');
  if (asWritten === null)
    throw r.fail('step_without_type', path, `a step needs a type (or action), found ${describe(v)}`);
  const type = classify(STEP_TYPES, asWritten, 'other');
  const id = r.text('id', 'stepId', 'key', 'uuid') ?? String(index + 1);
  const orderText = r.text('order', 'position', 'index', 'sequence');
  const order = orderText !== null && /^\d+$/.test(orderText) ? Number(orderText) : index + 1;
  const name = r.text('name', 'title', 'label');
  let delay: Delay | null = null;
  for (const [names, unit] of [
    [['delay', 'wait', 'after', 'offset', 'duration'], null],
    [['delayMinutes', 'waitMinutes', 'minutes'], 1],
    [['delayHours', 'waitHours', 'hours'], 60],
    [['delayDays', 'waitDays', 'days', 'afterDays', 'dayOffset'], 1440],
  ] as const) {
    const t = r.take(...names);
    if (t && t.value !== null && delay === null) {
      delay = readDelay(t.value, unit, r, t.path);
      if (typeof t.value === 'number') delay.asWritten = `${t.key} ${t.value}`;
    }
  }
  const obj = (...names: string[]) => {
    const t = r.take(...names);
    return t ? { value: t.value, path: t.path } : undefined;
  };
  const msg = obj('message', 'content', 'email', 'sms', 'notification', 'post');
  const training = obj('training', 'course', 'module', 'learning', 'quiz');
  const survey = obj('survey', 'pulse', 'poll');
  const group = obj('group', 'segment', 'groupId', 'groupName');
  const kept: JsonObject = {};
  let message: Step['message'] = null;
  if (msg && msg.value !== null) {
    if (isObject(msg.value)) {
      const m = new ObjectReader(msg.value, file, msg.path);
      const mid = m.text('id', 'messageId', 'key');
      const mname = m.text('title', 'subject', 'name');
      const body = m.text('body', 'text', 'content', 'html');
      message = { id: mid, name: mname, body };
      if (Object.keys(m.rest()).length > 0) kept.message = m.rest();
    } else message = { ...ref(msg.value, file, msg.path)!, body: null };
  }
  let points: number | null = null;
  let trainingRef: Ref | null = null;
  if (training && training.value !== null) {
    const tv = training.value;
    if (isObject(tv) && 'points' in tv) {
      if (typeof tv.points !== 'number')
        throw r.fail(
          'unreadable_points',
          `${training.path}.points`,
          `expected a number, found ${describe(tv.points)}`,
        );
      points = tv.points;
      const { points: _p, ...restOf } = tv;
      trainingRef = ref(restOf, file, training.path, kept, 'training');
    } else trainingRef = ref(tv, file, training.path, kept, 'training');
  }
  const branches: Step['branches'] = [];
  for (const [names, label] of [
    [['then', 'yes', 'ifTrue', 'onTrue'], 'then'],
    [['else', 'no', 'ifFalse', 'onFalse', 'otherwise'], 'else'],
  ] as const) {
    const l = r.list(...names);
    if (l) branches.push({ label, steps: l.items.map((s, i) => readStep(s, file, l.pathOf(i), i)) });
  }
  const more = r.list('branches', 'paths');
  if (more)
    more.items.forEach((b, i) => {
      const bp = more.pathOf(i);
      if (!isObject(b))
        throw new DocumentFormatError(
          'malformed_branch',
          file,
          bp,
          `expected a branch, found ${describe(b)}`,
        );
      const br = new ObjectReader(b, file, bp);
      const label = br.text('label', 'name', 'condition', 'when') ?? `branch ${i + 1}`;
      const s = br.list('steps', 'actions');
      branches.push({ label, steps: s ? s.items.map((x, j) => readStep(x, file, s.pathOf(j), j)) : [] });
    });
  const cond = r.take('condition', 'conditions', 'if', 'when', 'rule', 'filter');
  return {
    id,
    order,
    type,
    asWritten,
    name,
    delay,
    channel: r.text('channel', 'via', 'medium'),
    message,
    training: trainingRef ? { ...trainingRef, points } : null,
    survey: survey ? ref(survey.value, file, survey.path, kept, 'survey') : null,
    group: group ? ref(group.value, file, group.path, kept, 'group') : null,
    field: r.text('field', 'property', 'attribute'),
    value: r.text('value', 'newValue', 'set'),
    condition:
      cond === undefined || cond.value === null
        ? null
        : typeof cond.value === 'string'
          ? cond.value
          : JSON.stringify(cond.value),
    url: r.text('url', 'endpoint', 'webhookUrl', 'target'),
    branches,
    path,
    extra: { ...r.rest(), ...kept },
  };
}

const KIND_WORDS: Array<[RegExp, FlowKind]> = [
  [/onboard/, 'onboarding'],
  [/learn|path|course|training|academy/, 'learning_path'],
  [/campaign|news|message/, 'campaign'],
  [/automat|workflow|flow|journey|rule/, 'automation'],
];

function readStatus(v: string | null): Flow['status'] {
  if (v === null) return 'unknown';
  const s = v.toLowerCase();
  if (/^(true|active|enabled|on|published|running|live|aktiv)$/.test(s)) return 'active';
  if (/^(false|inactive|disabled|off|paused|stopped|archived|inaktiv)$/.test(s)) return 'inactive';
  if (/draft|kladde/.test(s)) return 'draft';
  return 'unknown';
}

function readFlow(v: Json, file: string, path: string, defaultKind: FlowKind | null): Flow {
  if (!isObject(v))
    throw new DocumentFormatError(
      'malformed_flow',
      file,
      path,
      `expected a workflow object, found ${describe(v)}`,
    );
  const r = new ObjectReader(v, file, path);
  const idText = r.text('id', 'workflowId', 'flowId', 'learningPathId', 'pathId', 'uuid', 'key');
  const nameText = r.text('name', 'title', 'label');
  if (idText === null && nameText === null)
    throw r.fail('flow_without_name', path, `a workflow needs an id or a name, found ${describe(v)}`);
  const kindAsWritten = r.text('type', 'kind', 'category', 'flowType');
  const kind = kindAsWritten
    ? classify(KIND_WORDS, kindAsWritten, defaultKind ?? 'other')
    : (defaultKind ?? 'automation');
  const status = readStatus(r.text('status', 'state', 'active', 'enabled', 'isActive'));
  const t = r.list('triggers', 'trigger', 'start', 'startTrigger', 'event', 'events', 'on');
  const triggers: Trigger[] = t ? t.items.map((x, i) => readTrigger(x, file, t.pathOf(i))) : [];
  const a = r.list('audience', 'audiences', 'groups', 'segments', 'target', 'targets', 'recipients');
  const audiences: Audience[] = a ? a.items.map((x, i) => readAudience(x, file, a.pathOf(i))) : [];
  let schedule: Schedule | null = null;
  const s = r.take('schedule', 'recurrence', 'cron', 'repeat');
  const start = r.text('startDate', 'startAt', 'startsAt', 'start_date');
  const end = r.text('endDate', 'endAt', 'endsAt', 'end_date');
  if (s && s.value !== null) {
    if (isObject(s.value)) {
      const sr = new ObjectReader(s.value, file, s.path);
      schedule = {
        asWritten: JSON.stringify(s.value),
        start: sr.text('start', 'startDate', 'from') ?? start,
        end: sr.text('end', 'endDate', 'until') ?? end,
        repeat: sr.text('repeat', 'every', 'frequency', 'cron', 'interval'),
      };
    } else if (typeof s.value === 'string') schedule = { asWritten: s.value, start, end, repeat: s.value };
    else throw r.fail('malformed_schedule', s.path, `expected a schedule, found ${describe(s.value)}`);
  } else if (start || end)
    schedule = { asWritten: [start, end].filter(Boolean).join(' – '), start, end, repeat: null };
  const st = r.take('steps', 'actions', 'nodes', 'modules', 'items', 'sequence', 'courses', 'messages');
  let steps: Step[] = [];
  if (st && st.value !== null) {
    if (!Array.isArray(st.value))
      throw r.fail('steps_not_a_list', st.path, `expected a list of steps, found ${describe(st.value)}`);
    // A learning path may list its courses (messages) directly: each is a training (message) step.
    const implied = /^courses$/i.test(st.key) ? 'training' : /^messages$/i.test(st.key) ? 'message' : null;
    steps = st.value
      .map((x, i) => {
        const p = childPath(st.path, i);
        if (
          implied &&
          (typeof x === 'string' ||
            typeof x === 'number' ||
            (isObject(x) && !('type' in x) && !('action' in x)))
        )
          return readStep({ type: implied, [implied]: x }, file, p, i);
        return readStep(x, file, p, i);
      })
      .sort((x, y) => x.order - y.order);
  }
  const id =
    idText ??
    nameText!
      .toLowerCase()
      .replace(/[^a-z0-9æøå]+/g, '-')
      .replace(/^-|-$/g, '');
  return {
    id,
    name: nameText ?? `Workflow ${idText}`,
    kind,
    kindAsWritten,
    status,
    description: r.text('description', 'summary', 'purpose'),
    file,
    path,
    triggers,
    audiences,
    schedule,
    steps,
    references: referencesOf(steps, triggers, audiences),
    extra: r.rest(),
  };
}

function referencesOf(
  steps: readonly Step[],
  triggers: readonly Trigger[],
  audiences: readonly Audience[],
): Flow['references'] {
  const out: Flow['references'] = { messages: [], trainings: [], surveys: [], groups: [], fields: [] };
  const add = (list: Ref[], r: Ref | null) => {
    if (r && !list.some((x) => x.id === r.id && x.name === r.name)) list.push({ id: r.id, name: r.name });
  };
  const walk = (ss: readonly Step[]) => {
    for (const s of ss) {
      add(out.messages, s.message);
      add(out.trainings, s.training);
      add(out.surveys, s.survey);
      add(out.groups, s.group);
      if (s.field && !out.fields.includes(s.field)) out.fields.push(s.field);
      for (const b of s.branches) walk(b.steps);
    }
  };
  walk(steps);
  for (const t of triggers) {
    add(out.groups, t.group);
    if (t.field && !out.fields.includes(t.field)) out.fields.push(t.field);
  }
  for (const a of audiences) if (a.kind !== 'everyone') add(out.groups, a);
  return out;
}

/** Every flow of one workflows document. Refuses a document that holds no recognisable list of flows. */
export function normaliseWorkflowDocument(doc: Json, file: string): Flow[] {
  if (Array.isArray(doc)) return doc.map((f, i) => readFlow(f, file, `$[${i}]`, null));
  if (!isObject(doc))
    throw new DocumentFormatError(
      'not_workflows',
      file,
      '$',
      `expected a list of workflows or an object holding one, found ${describe(doc)}`,
    );
  const r = new ObjectReader(doc, file, '$');
  const flows: Flow[] = [];
  let found = false;
  for (const [name, kind] of COLLECTIONS) {
    for (let t = r.take(name); t; t = r.take(name)) {
      found = true;
      if (!Array.isArray(t.value))
        throw r.fail('not_a_list', t.path, `expected a list of workflows, found ${describe(t.value)}`);
      const path = t.path;
      flows.push(...t.value.map((f, i) => readFlow(f, file, childPath(path, i), kind)));
    }
  }
  if (found) return flows;
  // A single flow exported on its own.
  if (
    ['steps', 'actions', 'nodes', 'courses'].some((k) => Object.keys(doc).some((d) => d.toLowerCase() === k))
  )
    return [readFlow(doc, file, '$', null)];
  throw r.fail(
    'not_workflows',
    '$',
    `no list of workflows found (expected an array, or workflows, flows, learningPaths, onboarding, journeys or automations); the document has ${Object.keys(doc).slice(0, 8).join(', ') || 'no properties'}`,
  );
}

export const countSteps = (steps: readonly Step[]): number =>
  steps.reduce((n, s) => n + 1 + s.branches.reduce((m, b) => m + countSteps(b.steps), 0), 0);
