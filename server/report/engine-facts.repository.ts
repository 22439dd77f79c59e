// The engine's half of the reconciliation report, read from its tables (decision 0006, docs/rollback.md):
// the runs (epoch ms → ISO), every migration record in one final state with reason codes, the mismatches
// found by read-back, % verified per destination (`person.email`…) from what each record was written with,
// the engagement scores written, and the owners per e-mail from each record's owner resolution. Every
// query takes the company.
import { type Knex, readBool, readJson } from '../db.ts';
import { type EngineRecordRow, objectCounts, ownerResolution } from './engine-facts.ts';
import type { EngineFacts, Mismatch, OwnerResolution, ReportEntity } from './model.ts';
import { REPORT_ENTITIES } from './model.ts';
import { mappedNotes } from './report.repository.ts';
import type { EngineFactsSource, SkippedRecord } from './report.service.ts';

const PAGE = 1000;
/** Rollback outcomes that undid our write: a created record deleted, an updated one restored. */
const UNDONE = ['deleted', 'restored'];

interface WrittenField {
  key: string;
  target: string;
}

const iso = (ms: unknown): string | null => (ms == null ? null : new Date(Number(ms)).toISOString());

/** The value at a dotted key of a written body (custom fields sit under `custom_fields`). */
function valueAt(body: Record<string, unknown> | undefined, key: string): unknown {
  let v: unknown = body;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * A record was rolled back when a rollback deleted or restored it and no later run wrote it again
 * (a later run sets `last_run_id` past the rollback run).
 */
function rolledBack(r: Record<string, unknown>): boolean {
  if (!UNDONE.includes(String(r.rollback_state))) return false;
  if (r.rollback_run_id == null) return true;
  return r.last_run_id == null || Number(r.last_run_id) <= Number(r.rollback_run_id);
}

/**
 * The staged Actimo id of an engine record of a file or an activity. The engine keys them by the staged id;
 * a key carrying the marker prefix (`file:`, `activity:`, as in the notes' reference lines) is read back.
 */
export function stagedIdOf(entity: 'file' | 'activity' | 'person' | 'organization', key: string): string {
  const prefix = `${entity}:`;
  return (entity === 'file' || entity === 'activity') && key.startsWith(prefix)
    ? key.slice(prefix.length)
    : key;
}

export class EngineFactsRepository implements EngineFactsSource {
  constructor(private readonly db: Knex) {}

  async facts(companyId: number, migrationId: number): Promise<EngineFacts | null> {
    const db = this.db;
    const scope = { company_id: companyId, migration_id: migrationId };
    const runRows = await db('runs').where(scope).orderBy('id').select();
    if (runRows.length === 0) return null;
    const runs = runRows.map((r) => ({
      id: Number(r.id),
      kind: String(r.kind),
      status: String(r.status),
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      requests: Number(r.requests),
      tokens: Number(r.tokens),
    }));

    // Final states: grouped in the database, one group per distinct combination.
    // A file's note (`file:<key>`) is part of the file, not one of the persons' notes the report counts.
    // A person's note (`note:<person>`) is a secondary-company note when the person has other companies,
    // otherwise a note from mapped fields (`mapped_note`).
    const secondary = () =>
      db('staged_memberships')
        .where({ ...scope, is_primary: false })
        .select('person_id');
    const others = await grouped(
      db('migration_records')
        .where(scope)
        .whereNot((q) =>
          q
            .where('entity', 'note')
            .andWhere((k) => k.where('actimo_key', 'like', 'file:%').orWhere('actimo_key', 'like', 'note:%')),
        ),
    );
    const secondaryNotes = await grouped(
      db('migration_records')
        .where({ ...scope, entity: 'note' })
        .andWhere('actimo_key', 'like', 'note:%')
        .whereIn('person_key', secondary()),
    );
    const fromMap = await grouped(
      db('migration_records')
        .where({ ...scope, entity: 'note' })
        .andWhere('actimo_key', 'like', 'note:%')
        .andWhere((q) => q.whereNull('person_key').orWhereNotIn('person_key', secondary())),
      'mapped_note',
    );
    const objects = objectCounts([
      ...others,
      ...secondaryNotes,
      ...fromMap,
      ...(await unplannedNotes(db, companyId, migrationId)),
    ]);

    // Written, verified and the engagement scores sent: from the records written and still in place.
    const verified: EngineFacts['verified'] = {};
    const migratedEngagement: number[] = [];
    const mismatchKeys = new Set<string>();
    for (const m of await db('migration_mismatches').where(scope).select('record_id', 'field'))
      mismatchKeys.add(`${m.record_id}:${m.field}`);
    for (let after = 0; ; ) {
      const page = await db('migration_records')
        .where(scope)
        .andWhere('id', '>', after)
        .andWhere('state', 'done')
        .whereNotNull('written')
        .orderBy('id')
        .limit(PAGE)
        .select('id', 'entity', 'written', 'verified', 'rollback_state', 'rollback_run_id', 'last_run_id');
      for (const r of page) {
        if (rolledBack(r)) continue;
        const w = readJson<{ body?: Record<string, unknown>; fields?: WrittenField[] }>(r.written);
        // Verification ran on this record (`verified` set): a field without a mismatch row read back equal.
        const checked = r.verified != null;
        for (const f of w.fields ?? []) {
          const sent = valueAt(w.body, f.key);
          if (sent === undefined) continue;
          const dest = `${r.entity}.${f.target}`;
          const v = verified[dest] ?? { written: 0, verified: 0 };
          verified[dest] = v;
          v.written++;
          if (checked && !mismatchKeys.has(`${r.id}:${f.key}`)) v.verified++;
          if (r.entity === 'person' && f.target === 'engagementScore') {
            const n = typeof sent === 'number' ? sent : Number(sent);
            if (sent !== null && sent !== '' && Number.isFinite(n)) migratedEngagement.push(n);
          }
        }
      }
      if (page.length < PAGE) break;
      after = Number(page[page.length - 1]!.id);
    }

    const mismatchRows = await db('migration_mismatches as m')
      .join('migration_records as r', function () {
        this.on('r.id', '=', 'm.record_id').andOn('r.company_id', '=', 'm.company_id');
      })
      .where({ 'm.company_id': companyId, 'm.migration_id': migrationId })
      .orderBy('m.id')
      .select('r.entity', 'r.actimo_key', 'r.pipedrive_id', 'm.field', 'm.target', 'm.sent', 'm.read_back');
    const mismatches: Mismatch[] = mismatchRows
      .filter((m) => (REPORT_ENTITIES as readonly string[]).includes(String(m.entity)))
      .map((m) => ({
        entity: m.entity as ReportEntity,
        actimoKey: String(m.actimo_key),
        pipedriveId: m.pipedrive_id == null ? null : Number(m.pipedrive_id),
        field: String(m.target),
        target: String(m.field),
        sent: m.sent == null ? null : String(m.sent),
        readBack: m.read_back == null ? null : String(m.read_back),
      }));

    return {
      runs,
      objects,
      owners: await ownersOf(db, companyId, migrationId, runRows),
      verified,
      mismatches,
      migratedEngagement,
    };
  }

  async skipped(companyId: number, migrationId: number): Promise<SkippedRecord[]> {
    const out: SkippedRecord[] = [];
    for (let after = 0; ; ) {
      const page = await this.db('migration_records')
        .where({ company_id: companyId, migration_id: migrationId })
        .andWhere('id', '>', after)
        .whereIn('entity', ['organization', 'person', 'file', 'activity'])
        .andWhere((q) => q.whereIn('state', ['skipped', 'failed']).orWhere('action', 'skip'))
        .orderBy('id')
        .limit(PAGE)
        .select(
          'id',
          'entity',
          'actimo_key',
          'action',
          'state',
          'reason_code',
          'error_code',
          'error_message',
          'rollback_state',
          'rollback_run_id',
          'last_run_id',
        );
      for (const r of page) {
        if (rolledBack(r)) continue;
        const entity = r.entity as SkippedRecord['entity'];
        const skipped = r.action === 'skip' || r.state === 'skipped';
        out.push({
          entity,
          actimoId: stagedIdOf(entity, String(r.actimo_key)),
          reason: skipped
            ? r.reason_code == null
              ? 'unspecified'
              : String(r.reason_code)
            : r.error_code == null
              ? 'unknown_error'
              : String(r.error_code),
          detail: skipped || r.error_message == null ? null : String(r.error_message),
        });
      }
      if (page.length < PAGE) return out;
      after = Number(page[page.length - 1]!.id);
    }
  }
}

/**
 * The records a query selects, grouped in the database by what decides their final state, one row per
 * record (`entity` replaced when given).
 */
async function grouped(q: Knex.QueryBuilder, entity?: ReportEntity): Promise<EngineRecordRow[]> {
  const cols = [
    'entity',
    'action',
    'state',
    'reason_code',
    'error_code',
    'rollback_state',
    'rollback_run_id',
    'last_run_id',
  ];
  const groups = (await q.select(cols).count({ n: '*' }).groupBy(cols)) as Array<Record<string, unknown>>;
  const out: EngineRecordRow[] = [];
  for (const g of groups) {
    const row: EngineRecordRow = {
      entity: entity ?? String(g.entity),
      action: String(g.action),
      state: String(g.state),
      reasonCode: g.reason_code == null ? null : String(g.reason_code),
      errorCode: g.error_code == null ? null : String(g.error_code),
      rolledBack: rolledBack(g),
    };
    for (let i = 0; i < Number(g.n); i++) out.push(row);
  }
  return out;
}

/**
 * The staged notes the engine has no record for: the secondary-company notes (one per person with
 * companies besides its primary one) and the notes from mapped fields (`mappedNotes`). The plan gives a
 * skipped person no note, so its note is skipped with `person_skipped`; any other is not planned yet
 * (`not_run`).
 */
async function unplannedNotes(db: Knex, companyId: number, migrationId: number): Promise<EngineRecordRow[]> {
  const scope = { company_id: companyId, migration_id: migrationId };
  const withNote = await db('staged_memberships')
    .where({ ...scope, is_primary: false })
    .distinct('person_id');
  const noted = new Set(
    (
      await db('migration_records')
        .where({ ...scope, entity: 'note' })
        .andWhere('actimo_key', 'like', 'note:%')
        .whereNotNull('person_key')
        .select('person_key')
    ).map((r) => String(r.person_key)),
  );
  const skippedPersons = new Set(
    (
      await db('migration_records')
        .where({ ...scope, entity: 'person' })
        .andWhere((q) => q.where('action', 'skip').orWhere('state', 'skipped'))
        .select('actimo_key')
    ).map((r) => String(r.actimo_key)),
  );
  const out: EngineRecordRow[] = [];
  const unplanned = (entity: ReportEntity, person: string) => {
    if (noted.has(person)) return;
    const skipped = skippedPersons.has(person);
    out.push({
      entity,
      action: skipped ? 'skip' : 'create',
      state: skipped ? 'skipped' : 'planned',
      reasonCode: skipped ? 'person_skipped' : null,
      errorCode: null,
      rolledBack: false,
    });
  };
  for (const r of withNote) unplanned('note', String(r.person_id));
  for (const person of (await mappedNotes(db, companyId, migrationId)).persons)
    unplanned('mapped_note', person);
  return out;
}

/**
 * The owners per e-mail, from the owner resolution the plan stored on each person and activity record
 * (`owner_email`, `owner_user_id`, `owner_defaulted`; skipped records have none), grouped in the database.
 * A migration planned before the engine stored them has only the latest plan's tally (in the run's
 * estimate): then the per-e-mail lists stay empty and `unavailable` says so.
 */
async function ownersOf(
  db: Knex,
  companyId: number,
  migrationId: number,
  runRows: ReadonlyArray<Record<string, unknown>>,
): Promise<OwnerResolution> {
  const groups = await db('migration_records')
    .where({ company_id: companyId, migration_id: migrationId })
    .whereNotNull('owner_defaulted')
    .select('owner_email', 'owner_user_id', 'owner_defaulted')
    .count({ n: '*' })
    .groupBy('owner_email', 'owner_user_id', 'owner_defaulted');
  let tally: OwnerResolution['counts'] = null;
  for (const r of runRows) {
    if (r.estimate == null) continue;
    const t = readJson<{ plan?: { owners?: { matched?: unknown; defaulted?: unknown } } }>(r.estimate).plan
      ?.owners;
    if (typeof t?.matched === 'number' && typeof t.defaulted === 'number')
      tally = { matched: t.matched, defaulted: t.defaulted };
  }
  if (groups.length > 0 || !tally || tally.matched + tally.defaulted === 0)
    return ownerResolution(
      (groups as Array<Record<string, unknown>>).map((g) => ({
        email: g.owner_email == null ? null : String(g.owner_email),
        userId: g.owner_user_id == null ? null : Number(g.owner_user_id),
        defaulted: readBool(g.owner_defaulted),
        records: Number(g.n),
      })),
    );
  return {
    matched: [],
    defaulted: [],
    counts: tally,
    unavailable:
      'The engine records how many owners matched a Pipedrive user and how many went to the default owner, not which e-mails.',
  };
}
