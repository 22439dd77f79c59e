// All facts of one Actimo id → its staged record(s). Facts arrive oldest first; the newest row of a
// person wins and a disagreement between rows is reported, never resolved silently. Pure.
import type { Fact, FactKind, FactPayload } from './facts.ts';
import type { Entity, IssueCode, Provenance, StagedScalar, StagingIssue } from './vocabulary.ts';

export interface StagedOut {
  entity: Exclude<Entity, 'membership'>;
  actimoId: string;
  personId: string | null;
  data: Record<string, StagedScalar>;
  provenance: Record<string, Provenance>;
  issues: StagingIssue[];
}

export interface MembershipOut {
  personId: string;
  organizationId: string;
  isPrimary: boolean;
  source: 'users' | 'memberships';
  provenance: Provenance;
}

export interface Reduced {
  records: StagedOut[];
  memberships: MembershipOut[];
  /** Facts a reduction derives for a later kind: the winning user row's company links. */
  derived?: Fact[];
}

const ENTITY: Record<Exclude<FactKind, 'membership' | 'metrics'>, StagedOut['entity']> = {
  person: 'person',
  organization: 'organization',
  activity: 'activity',
  file: 'file',
};

const CONFLICT: Partial<Record<FactKind, IssueCode>> = {
  person: 'duplicate_user_conflict',
  organization: 'duplicate_company_conflict',
};

function where(at: [number, number]): string {
  return `file ${at[0]} row ${at[1]}`;
}

/** Newest wins; older rows with other values are named in a conflict issue. */
function newestWins(
  kind: Exclude<FactKind, 'membership' | 'metrics'>,
  key: string,
  facts: readonly FactPayload[],
): StagedOut {
  const winner = facts[facts.length - 1]!;
  const issues = [...winner.i];
  const differing = new Set<string>();
  const losers: string[] = [];
  for (const f of facts.slice(0, -1)) {
    const fields = new Set([...Object.keys(f.v), ...Object.keys(winner.v)]);
    let differs = false;
    for (const field of fields) {
      if (JSON.stringify(f.v[field] ?? null) !== JSON.stringify(winner.v[field] ?? null)) {
        differing.add(field);
        differs = true;
      }
    }
    if (differs) losers.push(where(f.at));
  }
  const code = CONFLICT[kind];
  if (code && differing.size > 0) {
    issues.push({
      code,
      severity: 'warning',
      message: `${facts.length} rows for ${kind} ${key} disagree on ${[...differing].sort().join(', ')}; the newest (${where(winner.at)}) wins over ${losers.join(', ')}`,
    });
  }
  const personId = typeof winner.v.personId === 'string' ? winner.v.personId : null;
  return { entity: ENTITY[kind], actimoId: key, personId, data: winner.v, provenance: winner.s, issues };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const DONE = /complet|finish|done|passed|gennemf|afsluttet|fuldf|bestået|bestaaet/i;

/** Per-person aggregates from engagement, training, message and survey rows. */
function metrics(key: string, facts: readonly FactPayload[]): StagedOut {
  const data: Record<string, StagedScalar> = { personId: key };
  const prov: Record<string, Provenance> = {};
  const issues: StagingIssue[] = [];
  const set = (field: string, value: StagedScalar, src: Provenance | undefined) => {
    data[field] = value;
    if (src) prov[field] = src;
  };
  const courses = new Map<string, boolean>();
  const quiz: number[] = [];
  const scores: number[] = [];
  let lastTraining: string | undefined;
  let messages = 0;
  for (const f of facts) {
    issues.push(...f.i);
    const v = f.v;
    if (f.sub === 'engagement' && typeof v.engagementScore === 'number')
      set('engagementScore', v.engagementScore, f.s.engagementScore);
    if (f.sub === 'training') {
      const course = String(v.courseId ?? v.courseName ?? `row ${f.at[1]}`);
      const done = typeof v.completedAt === 'string' || DONE.test(String(v.status ?? ''));
      courses.set(course, (courses.get(course) ?? false) || done);
      if (typeof v.quizScore === 'number') quiz.push(v.quizScore);
      for (const d of [v.completedAt, v.startedAt]) {
        if (typeof d === 'string' && (!lastTraining || d > lastTraining)) {
          lastTraining = d;
          set('lastTrainingDate', d, f.s.completedAt ?? f.s.startedAt);
        }
      }
      set('coursesStarted', courses.size, [f.at[0], f.at[1], 0]);
      set('coursesCompleted', [...courses.values()].filter(Boolean).length, [f.at[0], f.at[1], 0]);
    }
    if (f.sub === 'messages') {
      messages++;
      // Latest snapshot: a later row replaces every message figure.
      for (const [from, to] of [
        ['openRate', 'messageOpenRate'],
        ['clickRate', 'messageClickRate'],
        ['deliveryStatus', 'messageDeliveryStatus'],
      ] as const) {
        if (v[from] !== undefined) set(to, v[from], f.s[from]);
      }
      set(
        'messageCount',
        typeof v.messageCount === 'number' ? v.messageCount : messages,
        f.s.messageCount ?? [f.at[0], f.at[1], 0],
      );
    }
    if (f.sub === 'surveys') {
      if (typeof v.score === 'number') scores.push(v.score);
      if (typeof v.surveyDate === 'string' || v.responseStatus !== undefined) {
        const text = [v.surveyDate, v.responseStatus].filter((x) => x !== undefined).join(' – ');
        set('lastSurveyResponse', text, f.s.surveyDate ?? f.s.responseStatus);
      }
    }
  }
  if (quiz.length) data.quizAverage = round2(quiz.reduce((a, b) => a + b, 0) / quiz.length);
  if (scores.length) data.surveyScore = round2(scores.reduce((a, b) => a + b, 0) / scores.length);
  return { entity: 'metrics', actimoId: key, personId: key, data, provenance: prov, issues };
}

/** A person's company links: the primary one links the Person; the rest go into a note. */
function memberships(key: string, facts: readonly FactPayload[]): Reduced {
  const links = new Map<
    string,
    { primary: boolean; listed: number; source: 'users' | 'memberships'; src: Provenance; order: number }
  >();
  facts.forEach((f, order) => {
    const companyId = String(f.v.companyId);
    const prev = links.get(companyId);
    const primary = f.v.primary === true || (prev?.primary ?? false);
    const listed = typeof f.v.listed === 'number' ? f.v.listed : (prev?.listed ?? Number.MAX_SAFE_INTEGER);
    const source = f.sub === 'memberships' ? 'memberships' : (prev?.source ?? 'users');
    links.set(companyId, { primary, listed, source, src: f.s.companyId ?? [f.at[0], f.at[1], 0], order });
  });
  const all = [...links.entries()];
  const primaries = all.filter(([, l]) => l.primary).sort((a, b) => b[1].order - a[1].order);
  const issues: StagingIssue[] = [];
  let chosen: string | undefined = primaries[0]?.[0];
  if (primaries.length > 1) {
    issues.push({
      code: 'multiple_primary_companies',
      severity: 'warning',
      message: `user ${key} is primary in ${primaries.map(([c]) => c).join(', ')}; the newest (${chosen}) links the Person`,
    });
  }
  chosen ??= [...all].sort((a, b) => a[1].listed - b[1].listed || a[1].order - b[1].order)[0]?.[0];
  const others = all.map(([c]) => c).filter((c) => c !== chosen);
  if (others.length > 0) {
    issues.push({
      code: 'secondary_companies',
      severity: 'info',
      message: `user ${key} also belongs to ${others.join(', ')}; ${chosen} links the Person and the others go into a note`,
    });
  }
  const out: Reduced = {
    records: [],
    memberships: all.map(([organizationId, l]) => ({
      personId: key,
      organizationId,
      isPrimary: organizationId === chosen,
      source: l.source,
      provenance: l.src,
    })),
  };
  if (issues.length)
    out.records.push({ entity: 'person', actimoId: key, personId: key, data: {}, provenance: {}, issues });
  return out;
}

function provenanceOf(f: FactPayload, from: string, to: string): Record<string, Provenance> {
  const src = f.s[from];
  return src ? { [to]: src } : {};
}

/** Reduces one id's facts (oldest first). Membership issues come back as a data-less person record. */
export function reduceGroup(kind: FactKind, key: string, facts: readonly FactPayload[]): Reduced {
  if (kind === 'membership') return memberships(key, facts);
  if (kind === 'metrics') return { records: [metrics(key, facts)], memberships: [] };
  const record = newestWins(kind, key, facts);
  const winner = facts[facts.length - 1]!;
  const companies = winner.v.companyIds;
  if (kind !== 'person' || !Array.isArray(companies)) return { records: [record], memberships: [] };
  // Only the winning row's companies link the person: a superseded row's list is history.
  const derived: Fact[] = companies.map((companyId, listed) => ({
    kind: 'membership',
    key,
    when: '',
    payload: {
      sub: 'users',
      v: { companyId, listed },
      s: provenanceOf(winner, 'companyIds', 'companyId'),
      i: [],
      at: winner.at,
    },
  }));
  return { records: [record], memberships: [], derived };
}
