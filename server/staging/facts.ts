// One source row → the facts it contributes to staged records (a user row gives a person and its company
// links; a training row gives one metric fact for its person). Pure: rows and roles in, facts out.
import type { ColumnRole } from '../actimo/columns.ts';
import { isEmail, normalizePhone, parseDurationMinutes } from '../actimo/values.ts';
import { num, type ReadRow, readRow, str } from './cells.ts';
import { utcFromZoned } from './time.ts';
import {
  ENGAGEMENT_FIELDS,
  type IssueCode,
  MESSAGE_FIELDS,
  type Provenance,
  type StagedScalar,
  type StagingIssue,
  SURVEY_FIELDS,
  type TabularKind,
  TRAINING_FIELDS,
} from './vocabulary.ts';

export type FactKind = 'person' | 'organization' | 'membership' | 'metrics' | 'activity' | 'file';

export interface FactPayload {
  /** The export kind the row came from (metrics merge four of them). */
  sub: TabularKind;
  v: Record<string, StagedScalar>;
  s: Record<string, Provenance>;
  i: StagingIssue[];
  /** The row: [fileId, row]. */
  at: [number, number];
}

export interface Fact {
  kind: FactKind;
  key: string;
  /**
   * The row's own timestamp ('' when it has none). Facts of one id are ordered older before newer by
   * this, then by file, then by row (see FactSpill), so a row without one counts as the newest.
   */
  when: string;
  payload: FactPayload;
}

export interface FileMap {
  fileId: number;
  sha256: string;
  kind: TabularKind;
  roles: ColumnRole[];
}

export interface ConsolidationOptions {
  /** Zone of activity times that state none (Actimo shows local time). */
  timeZone: string;
}

export const DEFAULT_OPTIONS: ConsolidationOptions = { timeZone: 'Europe/Copenhagen' };

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function when(r: ReadRow, field: string): string {
  const d = r.fields.get(field)?.date;
  return d ? `${d.date}T${d.time ?? '00:00:00'}` : '';
}

function err(code: IssueCode, message: string, field?: string, source?: Provenance): StagingIssue {
  return { code, severity: 'error', message, ...(field ? { field } : {}), ...(source ? { source } : {}) };
}

/** Collects values of the given fields (with provenance) into a payload. */
function payload(sub: TabularKind, r: ReadRow, fields: readonly string[], at: [number, number]): FactPayload {
  const p: FactPayload = { sub, v: {}, s: {}, i: [...r.issues], at };
  for (const f of fields) {
    const fv = r.fields.get(f);
    if (fv) {
      p.v[f] = fv.value;
      p.s[f] = fv.src;
    }
  }
  return p;
}

function keyOf(r: ReadRow, field: string, at: [number, number], p: FactPayload, what: string): string {
  const key = str(r, field);
  if (key) return key;
  p.i.push(
    err(
      'missing_id',
      `this ${what} row has no Actimo id; it is staged as row ${at[1]} of file ${at[0]}`,
      field,
    ),
  );
  return `#${at[0]}:${at[1]}`;
}

const PERSON_FIELDS = [
  'firstName',
  'lastName',
  'fullName',
  'jobTitle',
  'department',
  'site',
  'companyName',
  'hireDate',
  'employmentStatus',
  'addTime',
  'updateTime',
  'language',
  'managerId',
];

function personFacts(f: FileMap, r: ReadRow, at: [number, number]): Fact[] {
  const p = payload('users', r, PERSON_FIELDS, at);
  const id = keyOf(r, 'actimoId', at, p, 'user');
  p.v.actimoId = id;
  const first = str(r, 'firstName');
  const last = str(r, 'lastName');
  const full = str(r, 'fullName');
  if (!first && !last && full) {
    const cut = full.lastIndexOf(' ');
    p.v.firstName = cut > 0 ? full.slice(0, cut) : full;
    if (cut > 0) p.v.lastName = full.slice(cut + 1);
  } else if (!full && (first || last)) {
    p.v.fullName = [first, last].filter(Boolean).join(' ');
  }
  if (!first && !last && !full) p.i.push(err('missing_name', 'no first name, last name or name'));
  const email = r.fields.get('email');
  if (email) {
    if (isEmail(String(email.value))) {
      p.v.email = email.value;
      p.s.email = email.src;
    } else
      p.i.push(err('invalid_email', `"${String(email.value)}" is not an email address`, 'email', email.src));
  }
  const phone = r.raw.get('phone');
  if (phone) {
    const role = f.roles.find((x) => x.field === 'phone');
    const country = role?.parse.type === 'phone' ? role.parse.defaultCountry : 'DK';
    const e164 = normalizePhone(phone.text, country, r.raw.get('phoneCountryCode')?.text);
    p.v.phone = e164 ?? phone.text;
    p.s.phone = phone.src;
    if (!e164)
      p.i.push({
        ...err(
          'invalid_phone',
          `"${phone.text}" is not a phone number we can read; kept as written`,
          'phone',
          phone.src,
        ),
        severity: 'warning',
      });
  }
  const companies = r.fields.get('companyIds');
  if (companies && Array.isArray(companies.value)) {
    p.v.companyIds = companies.value;
    p.s.companyIds = companies.src;
  }
  return [{ kind: 'person', key: id, when: when(r, 'updateTime'), payload: p }];
}

function organizationFact(r: ReadRow, at: [number, number]): Fact {
  const p = payload(
    'companies',
    r,
    [
      'name',
      'industry',
      'employeeCount',
      'parentId',
      'street',
      'postalCode',
      'city',
      'country',
      'address',
      'addTime',
    ],
    at,
  );
  const id = keyOf(r, 'actimoId', at, p, 'company');
  p.v.actimoId = id;
  if (!str(r, 'name')) p.i.push(err('missing_name', 'the company has no name'));
  const domain = str(r, 'domain');
  if (domain) {
    p.v.domain = domain
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/^www\./, '')
      .replace(/[/?#].*$/, '');
    p.s.domain = r.fields.get('domain')!.src;
  }
  if (!p.v.address) {
    const line = [
      str(r, 'street'),
      [str(r, 'postalCode'), str(r, 'city')].filter(Boolean).join(' '),
      str(r, 'country'),
    ]
      .filter(Boolean)
      .join(', ');
    if (line) p.v.address = line;
  }
  return { kind: 'organization', key: id, when: '', payload: p };
}

/** Metric exports: every field but the person reference is carried, and which date orders the rows. */
const METRIC_SOURCE: Partial<Record<TabularKind, { fields: readonly string[]; when: string }>> = {
  engagement: { fields: ENGAGEMENT_FIELDS, when: 'period' },
  training: { fields: TRAINING_FIELDS, when: 'completedAt' },
  messages: { fields: MESSAGE_FIELDS, when: 'sentAt' },
  surveys: { fields: SURVEY_FIELDS, when: 'surveyDate' },
};

function activityFact(f: FileMap, r: ReadRow, at: [number, number], opts: ConsolidationOptions): Fact {
  const p = payload('activities', r, ['personId', 'subject', 'ownerEmail', 'note'], at);
  const key = str(r, 'activityId') ?? `${f.sha256.slice(0, 12)}:${at[1]}`;
  const type = (str(r, 'type') ?? '').toLowerCase();
  const t = /call|opkald|phone|telefon/.test(type)
    ? 'call'
    : /meet|møde|mode|moede/.test(type)
      ? 'meeting'
      : null;
  if (t) p.v.type = t;
  else
    p.i.push(
      err(
        'unknown_activity_type',
        `activity type "${type}" is neither a call nor a meeting`,
        'type',
        r.fields.get('type')?.src,
      ),
    );
  if (r.fields.has('type')) p.s.type = r.fields.get('type')!.src;
  const d = r.fields.get('date');
  if (d?.date) {
    const timeText = str(r, 'time');
    const tm = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$/.exec(timeText ?? '');
    const time = d.date.time ?? (tm ? `${pad(+tm[1]!, 2)}:${tm[2]}:${tm[3] ?? '00'}` : undefined);
    p.s.dueDate = d.src;
    p.v.originalStart = [r.raw.get('date')?.text, timeText].filter(Boolean).join(' ');
    if (time) {
      const utc = utcFromZoned(d.date.date, time, d.date.zone ?? opts.timeZone);
      p.v.dueDate = utc.slice(0, 10);
      p.v.dueTime = utc.slice(11, 16);
      p.v.timeZone = d.date.zone ?? opts.timeZone;
    } else p.v.dueDate = d.date.date;
  }
  const dur = r.raw.get('duration');
  if (dur) {
    const minutes = parseDurationMinutes(dur.text);
    if (minutes === null)
      p.i.push({
        ...err('unparseable_number', `duration "${dur.text}" is not a duration`, 'duration', dur.src),
        severity: 'warning',
      });
    else {
      p.v.duration = `${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
      p.s.duration = dur.src;
    }
  }
  if (!str(r, 'personId'))
    p.i.push({ ...err('user_not_found', 'the activity names no user'), severity: 'warning' });
  return { kind: 'activity', key, when: '', payload: p };
}

/** All facts of one row of a file. */
export function factsOfRow(
  f: FileMap,
  row: number,
  cells: readonly string[],
  opts: ConsolidationOptions,
): Fact[] {
  const r = readRow(f.fileId, row, cells, f.roles);
  const at: [number, number] = [f.fileId, row];
  const width = f.roles.length;
  if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
    r.issues.push({
      code: 'ragged_row',
      severity: 'info',
      message: `row ${row} has ${cells.length - width} cell(s) beyond the header; they are not mapped`,
    });
  }
  switch (f.kind) {
    case 'users':
      return personFacts(f, r, at);
    case 'companies':
      return [organizationFact(r, at)];
    case 'memberships': {
      const p = payload('memberships', r, ['companyId', 'primary'], at);
      const person = keyOf(r, 'personId', at, p, 'membership');
      if (!str(r, 'companyId')) return [];
      return [{ kind: 'membership', key: person, when: '', payload: p }];
    }
    case 'activities':
      return [activityFact(f, r, at, opts)];
    case 'files': {
      const p = payload('files', r, ['personId', 'fileName', 'uploadDate', 'path'], at);
      const person = keyOf(r, 'personId', at, p, 'file');
      const where = str(r, 'path') ?? str(r, 'fileName') ?? `row ${row}`;
      return [
        {
          kind: 'file',
          key: `${person}:${where}`,
          when: when(r, 'uploadDate'),
          payload: p,
        },
      ];
    }
    default: {
      const m = METRIC_SOURCE[f.kind];
      if (!m) return [];
      const p = payload(f.kind, r, m.fields, at);
      const person = keyOf(r, 'personId', at, p, f.kind);
      if (f.kind === 'training' && num(r, 'quizScore') === undefined) delete p.v.quizScore;
      return [{ kind: 'metrics', key: person, when: when(r, m.when), payload: p }];
    }
  }
}
