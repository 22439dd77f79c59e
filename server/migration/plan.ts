// The plan: per staged record, create, merge into an existing Pipedrive record, or skip (with a reason
// code), and what the run will cost: requests and tokens per endpoint from costs.ts, the time at the
// burst limit, and the days at the chosen share of the daily budget. Existing persons and organizations
// are indexed once (paged lists), owners from one users list. Records already written keep their
// progress: a re-plan never forgets a Pipedrive id.
import type { Knex } from '../db.ts';
import type { ResolvedMap } from '../mapping/index.ts';
import type { PipedriveClient } from '../pipedrive/client.ts';
import { costOfOp } from '../pipedrive/costs.ts';
import { dailyTokenBudget } from '../pipedrive/token-budget.ts';
import type { CompanySettings } from '../tenants/settings.ts';
import {
  loadActivities,
  loadFiles,
  loadOrganizations,
  loadPersons,
  stagedActivityIds,
  stagedFileIds,
  stagedIds,
} from './inputs.ts';
import {
  activityPayload,
  fileNoteKeyOf,
  noteContent,
  noteKeyOf,
  type OwnerTally,
  organizationPayload,
  personPayload,
} from './payloads.ts';
import {
  type ExistingIndex,
  indexExisting,
  listOwners,
  normEmail,
  normName,
  type Owners,
  pagesFor,
} from './pipedrive-index.ts';
import { listRecords, type MigrationRecord, type PlannedRecord, savePlan } from './records.repository.ts';
import type { EngineEntity, RecordAction } from './types.ts';

export interface EntityPlan {
  create: number;
  merge: number;
  skip: number;
  /** Already written with this payload's plan (a run sends them only if the payload changed). */
  done: number;
  reasons: Record<string, number>;
}

export interface CostLine {
  op: string;
  requests: number;
  tokens: number;
}

export interface Estimate {
  lines: CostLine[];
  requests: number;
  tokens: number;
  burstLimit: number;
  /** Seconds at the burst limit (requests per 2 s, less the limiter's headroom). */
  seconds: number;
  dailyAllowance: number;
  /** Budget days at the chosen share (1 = fits in today's allowance). */
  days: number;
}

export interface Plan {
  policy: CompanySettings['duplicatePolicy'];
  mapVersion: number;
  entities: Record<EngineEntity, EntityPlan>;
  owners: OwnerTally;
  /** Activity owners: matched by e-mail, or the default owner. */
  activityOwners: OwnerTally;
  existing: { persons: number; organizations: number };
  estimate: Estimate;
}

const emptyEntity = (): EntityPlan => ({ create: 0, merge: 0, skip: 0, done: 0, reasons: {} });

export function actimoCodes(map: ResolvedMap): {
  person: string | undefined;
  organization: string | undefined;
} {
  const code = (entity: 'person' | 'organization') => {
    const t = map[entity].find((x) => x.target === 'actimoId');
    return t?.to.kind === 'field' ? t.to.code : undefined;
  };
  return { person: code('person'), organization: code('organization') };
}

export interface PlanDeps {
  db: Knex;
  companyId: number;
  migrationId: number;
  client: PipedriveClient;
  map: ResolvedMap;
  settings: CompanySettings;
  now: number;
  /** Burst limit to estimate with (the learned one when the client has seen Pipedrive's headers). */
  burstLimit?: number;
  /** Tokens already spent today by this company. */
  spentToday?: number;
}

interface Decision {
  action: RecordAction;
  reason: string | null;
  pipedriveId: number | null;
  existedBefore: boolean;
}

function decide(
  prior: MigrationRecord | undefined,
  skipReason: string | null,
  byActimo: number | undefined,
  bySecond: number | undefined,
  secondReason: string,
  policy: CompanySettings['duplicatePolicy'],
): Decision {
  if (skipReason)
    return {
      action: 'skip',
      reason: skipReason,
      pipedriveId: prior?.pipedriveId ?? null,
      existedBefore: prior?.existedBefore ?? false,
    };
  // Ours from an earlier run: it keeps its id, whatever the index says.
  if (prior?.pipedriveId != null && !prior.existedBefore)
    return { action: 'create', reason: null, pipedriveId: prior.pipedriveId, existedBefore: false };
  const match = byActimo ?? bySecond;
  if (match !== undefined && policy === 'merge') {
    return {
      action: 'merge',
      reason: byActimo !== undefined ? 'matched_actimo_id' : secondReason,
      pipedriveId: match,
      existedBefore: true,
    };
  }
  return {
    action: 'create',
    reason: match !== undefined ? 'policy_always_create' : null,
    pipedriveId: null,
    existedBefore: false,
  };
}

function stateFor(prior: MigrationRecord | undefined, d: Decision): PlannedRecord['state'] {
  if (d.action === 'skip') return 'skipped';
  if (!prior || prior.state === 'skipped') return 'planned';
  return prior.state;
}

export async function buildPlan(d: PlanDeps): Promise<Plan> {
  const codes = actimoCodes(d.map);
  const [index, owners] = await Promise.all([indexExisting(d.client, codes), listOwners(d.client)]);
  return planWith(d, index, owners);
}

export async function planWith(d: PlanDeps, index: ExistingIndex, owners: Owners): Promise<Plan> {
  const { db, companyId, migrationId, map, settings } = d;
  const priorList = await listRecords(db, companyId, migrationId);
  const prior = new Map(priorList.map((r) => [`${r.entity}:${r.actimoKey}`, r]));
  const entities: Record<EngineEntity, EntityPlan> = {
    organization: emptyEntity(),
    person: emptyEntity(),
    note: emptyEntity(),
    file: emptyEntity(),
    activity: emptyEntity(),
  };
  const personSkipped = new Set<string>();
  const planned: PlannedRecord[] = [];
  const count = (entity: EngineEntity, dec: Decision, p: MigrationRecord | undefined, fresh: boolean) => {
    const e = entities[entity];
    if (!fresh && p?.state === 'done' && dec.action !== 'skip') e.done++;
    else e[dec.action]++;
    if (dec.reason) e.reasons[dec.reason] = (e.reasons[dec.reason] ?? 0) + 1;
  };

  const orgs = await loadOrganizations(db, companyId, migrationId);
  const ctx = {
    map,
    owners,
    visibleTo: settings.visibleTo,
    orgIdFor: () => undefined,
    orgNameOf: (id: string) => {
      const n = orgs.get(id)?.values.name;
      return typeof n === 'string' ? n : undefined;
    },
    pending: true,
  };
  for (const o of orgs.values()) {
    const built = organizationPayload(o, ctx);
    const name = typeof built.body.name === 'string' ? built.body.name : null;
    const p = prior.get(`organization:${o.actimoId}`);
    const dec = decide(
      p,
      built.skip?.code ?? null,
      index.orgsByActimo.get(o.actimoId),
      name ? index.orgsByName.get(normName(name)) : undefined,
      'matched_name',
      settings.duplicatePolicy,
    );
    count('organization', dec, p, false);
    planned.push({
      entity: 'organization',
      actimoKey: o.actimoId,
      personKey: null,
      label: name,
      action: dec.action,
      reasonCode: dec.reason,
      pipedriveId: dec.pipedriveId,
      existedBefore: dec.existedBefore,
      state: stateFor(p, dec),
    });
  }

  const owner: OwnerTally = { matched: 0, defaulted: 0 };
  const personIds = await stagedIds(db, companyId, migrationId, 'staged_persons');
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = await loadPersons(db, companyId, migrationId, personIds.slice(i, i + 500));
    for (const person of chunk.values()) {
      owner.last = undefined;
      const built = personPayload(person, ctx, owner);
      const emails = Array.isArray(built.body.emails) ? (built.body.emails as Array<{ value?: string }>) : [];
      const email = emails.find((e) => e.value)?.value;
      const p = prior.get(`person:${person.actimoId}`);
      const dec = decide(
        p,
        built.skip?.code ?? null,
        index.personsByActimo.get(person.actimoId),
        email ? index.personsByEmail.get(normEmail(email)) : undefined,
        'matched_email',
        settings.duplicatePolicy,
      );
      count('person', dec, p, false);
      if (dec.action === 'skip') personSkipped.add(person.actimoId);
      const name = typeof built.body.name === 'string' ? built.body.name : null;
      planned.push({
        entity: 'person',
        actimoKey: person.actimoId,
        personKey: person.actimoId,
        label: name ?? email ?? null,
        action: dec.action,
        reasonCode: dec.reason,
        pipedriveId: dec.pipedriveId,
        existedBefore: dec.existedBefore,
        state: stateFor(p, dec),
        owner: dec.action === 'skip' ? null : (owner.last ?? null),
      });
      const content = dec.action === 'skip' ? null : noteContent(person, built.note, ctx);
      const key = noteKeyOf(person.actimoId);
      const pn = prior.get(`note:${key}`);
      if (content || pn) {
        const nd: Decision = content
          ? { action: 'create', reason: null, pipedriveId: pn?.pipedriveId ?? null, existedBefore: false }
          : {
              action: 'skip',
              reason: 'nothing_to_note',
              pipedriveId: pn?.pipedriveId ?? null,
              existedBefore: false,
            };
        count('note', nd, pn, false);
        planned.push({
          entity: 'note',
          actimoKey: key,
          personKey: person.actimoId,
          label: null,
          action: nd.action,
          reasonCode: nd.reason,
          pipedriveId: nd.pipedriveId,
          existedBefore: false,
          state: stateFor(pn, nd),
        });
      }
    }
  }
  // Files: an upload on the person, then a note with the original name, upload date and source batch.
  const stagedPersons = new Set(personIds);
  const fileIds = await stagedFileIds(db, companyId, migrationId);
  for (let i = 0; i < fileIds.length; i += 500) {
    const files = await loadFiles(db, companyId, migrationId, fileIds.slice(i, i + 500));
    for (const f of files.values()) {
      const skipReason = personSkipped.has(f.personId)
        ? 'person_skipped'
        : !stagedPersons.has(f.personId)
          ? 'person_not_staged'
          : f.storedPath === null
            ? 'file_missing'
            : null;
      const p = prior.get(`file:${f.actimoId}`);
      const dec: Decision = skipReason
        ? { action: 'skip', reason: skipReason, pipedriveId: p?.pipedriveId ?? null, existedBefore: false }
        : { action: 'create', reason: null, pipedriveId: p?.pipedriveId ?? null, existedBefore: false };
      count('file', dec, p, false);
      planned.push({
        entity: 'file',
        actimoKey: f.actimoId,
        personKey: f.personId,
        label: f.fileName,
        action: dec.action,
        reasonCode: dec.reason,
        pipedriveId: dec.pipedriveId,
        existedBefore: false,
        state: stateFor(p, dec),
      });
      const nkey = fileNoteKeyOf(f.actimoId);
      const pn = prior.get(`note:${nkey}`);
      if (dec.action === 'skip' && !pn) continue;
      const nd: Decision = { ...dec, pipedriveId: pn?.pipedriveId ?? null };
      count('note', nd, pn, false);
      planned.push({
        entity: 'note',
        actimoKey: nkey,
        personKey: f.personId,
        label: f.fileName,
        action: nd.action,
        reasonCode: nd.reason,
        pipedriveId: nd.pipedriveId,
        existedBefore: false,
        state: stateFor(pn, nd),
      });
    }
  }
  // Calls and meetings of migrated persons.
  const activityOwners: OwnerTally = { matched: 0, defaulted: 0 };
  const today = new Date(d.now).toISOString().slice(0, 10);
  const activityIds = await stagedActivityIds(db, companyId, migrationId);
  for (let i = 0; i < activityIds.length; i += 500) {
    const acts = await loadActivities(db, companyId, migrationId, activityIds.slice(i, i + 500));
    for (const a of acts.values()) {
      const skipReason =
        typeof a.values.type !== 'string'
          ? 'unknown_activity_type'
          : a.personId === null || !stagedPersons.has(a.personId)
            ? 'user_not_found'
            : personSkipped.has(a.personId)
              ? 'person_skipped'
              : null;
      const p = prior.get(`activity:${a.actimoId}`);
      const dec: Decision = skipReason
        ? { action: 'skip', reason: skipReason, pipedriveId: p?.pipedriveId ?? null, existedBefore: false }
        : { action: 'create', reason: null, pipedriveId: p?.pipedriveId ?? null, existedBefore: false };
      const resolved = skipReason ? null : activityPayload(a, 0, ctx, today, activityOwners).owner;
      count('activity', dec, p, false);
      planned.push({
        entity: 'activity',
        actimoKey: a.actimoId,
        personKey: a.personId,
        label: typeof a.values.subject === 'string' ? a.values.subject : null,
        action: dec.action,
        reasonCode: dec.reason,
        pipedriveId: dec.pipedriveId,
        existedBefore: false,
        state: stateFor(p, dec),
        owner: resolved
          ? { email: resolved.email, userId: resolved.id, defaulted: resolved.defaulted }
          : null,
      });
    }
  }
  await savePlan(db, companyId, migrationId, planned, d.now);
  return {
    policy: settings.duplicatePolicy,
    mapVersion: map.version,
    entities,
    owners: owner,
    activityOwners,
    existing: { persons: index.personCount, organizations: index.orgCount },
    estimate: estimate(entities, settings, d.burstLimit, d.spentToday ?? 0),
  };
}

/** What a run of this plan spends: exactly the requests the engine makes when nothing fails. */
export function estimate(
  e: Record<EngineEntity, EntityPlan>,
  settings: CompanySettings,
  burstLimit: number | undefined,
  spentToday: number,
): Estimate {
  const lines: CostLine[] = [];
  const add = (op: string, requests: number) => {
    if (requests > 0) lines.push({ op, requests, tokens: requests * costOfOp(op) });
  };
  add('users.list', 1);
  add('users.me', 1);
  add('organizations.add', e.organization.create);
  add('organizations.update', e.organization.merge);
  add('persons.add', e.person.create);
  add('persons.update', e.person.merge);
  add('notes.add', e.note.create);
  add('files.add', e.file.create);
  add('activities.add', e.activity.create);
  // Before-images of merged records, 100 ids a request.
  add('organizations.list', Math.ceil(e.organization.merge / 100));
  add('persons.list', Math.ceil(e.person.merge / 100));
  // Read-back verification: the records written, 500 a page.
  const orgWrites = e.organization.create + e.organization.merge;
  const personWrites = e.person.create + e.person.merge;
  if (orgWrites > 0) add('organizations.list', pagesFor(orgWrites));
  if (personWrites > 0) add('persons.list', pagesFor(personWrites));
  if (e.note.create > 0) add('notes.list', pagesFor(e.note.create));
  // v1 files have no updated_since: the read-back pages every file of the account (ours, 500 a page).
  if (e.file.create > 0) add('files.list', pagesFor(e.file.create));
  if (e.activity.create > 0) add('activities.list', pagesFor(e.activity.create));
  const merged = new Map<string, CostLine>();
  for (const l of lines) {
    const m = merged.get(l.op);
    if (m) {
      m.requests += l.requests;
      m.tokens += l.tokens;
    } else merged.set(l.op, { ...l });
  }
  const all = [...merged.values()];
  const requests = all.reduce((s, l) => s + l.requests, 0);
  const tokens = all.reduce((s, l) => s + l.tokens, 0);
  const limit = burstLimit ?? 20;
  const perWindow = Math.max(1, Math.min(limit - 1, Math.floor(limit * 0.95)));
  const allowance = Math.floor(
    dailyTokenBudget(settings.pipedrivePlan, settings.seats, settings.tokenTopUps) * settings.budgetShare,
  );
  const leftToday = Math.max(0, allowance - spentToday);
  const days = tokens <= leftToday ? 1 : 1 + Math.ceil((tokens - leftToday) / allowance);
  return {
    lines: all,
    requests,
    tokens,
    burstLimit: limit,
    seconds: Math.round((requests / perWindow) * 2 * 10) / 10,
    dailyAllowance: allowance,
    days,
  };
}
