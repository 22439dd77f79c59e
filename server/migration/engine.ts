// The run engine (decision 0006). Organizations, then persons (with their organization), then their
// notes. Per chunk: build payloads, skip what was already written with the same fingerprint, write the
// intents (one statement), send through a pool as wide as the learned burst limit, then write the answers
// in one transaction. A write whose outcome is unknown (timeout, dropped connection, 5xx on a create) is
// resolved by looking the record up before anything is sent again. The daily-budget share pauses the run
// with `resume_at`. Read-back verification compares every field written.
import { readFile } from 'node:fs/promises';
import { updateMany, writeJson } from '../db.ts';
import { clearHumanFields } from '../delta/changes.repository.ts';
import { type DeltaPolicy, diffRecord } from '../delta/diff.ts';
import { type Mapping, type ResolvedMap, sameValue, type ValueType } from '../mapping/index.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { isPipedriveError, type PipedriveApiError } from '../pipedrive/errors.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf, type CompanySettings } from '../tenants/settings.ts';
import { loadActivities, loadFiles, loadOrganizations, loadPersons, type StagedFileInput } from './inputs.ts';
import {
  type LedgerIntent,
  type LedgerResult,
  maxSeq,
  openWrites,
  writeIntents,
  writeResults,
} from './ledger.repository.ts';
import {
  activityKeyOf,
  activityPayload,
  fileNoteContent,
  fingerprint,
  noteContent,
  noteMarker,
  organizationPayload,
  personPayload,
  type RefContext,
} from './payloads.ts';
import {
  customValue,
  listAllActivities,
  listAllOrganizations,
  listAllPersons,
  listOwners,
  type Owners,
} from './pipedrive-index.ts';
import { actimoCodes } from './plan.ts';
import {
  listRecords,
  type MigrationRecord,
  type RecordOutcome,
  toRecord,
  updateRecords,
} from './records.repository.ts';
import {
  executeUnderLease,
  Paused,
  type Progress,
  RunSession,
  type RunSessionDeps,
  Stopped,
} from './run-session.ts';
import { getRun } from './runs.repository.ts';
import type { EngineEntity, RunStatus } from './types.ts';

export type { Progress } from './run-session.ts';

export interface EngineDeps extends RunSessionDeps {
  pipedrive: PipedriveServices;
  mapping: Mapping;
  chunkSize?: number;
  transport?: Parameters<typeof openClient>[2] extends infer O
    ? O extends { transport?: infer T }
      ? T
      : never
    : never;
}

/** One field as written: where it is in the body and how sameValue compares it. */
export interface WrittenField {
  key: string;
  type: ValueType;
  target: string;
}

interface Prepared {
  record: MigrationRecord;
  op: 'create' | 'update' | 'upload';
  /** An upload: the staged file to read from disk when it is sent. */
  file?: StagedFileInput;
  body: Record<string, unknown>;
  fields: WrittenField[];
  fingerprint: string;
  beforeImage: Record<string, unknown> | null;
  seq: number;
  /** `{ body, fields }` as JSON, made once for the intent and reused for the record when it is done. */
  requestJson?: string;
  /** A delta update: what to record as written (the old body with the sent fields, held-back ones left out). */
  writtenBody?: Record<string, unknown>;
  /** A delta update under `overwrite`: human-changed fields this write overwrites. */
  overwrites?: string[];
}

interface Answer {
  w: Prepared;
  ok: boolean;
  id?: number;
  updateTime?: string | null;
  unknown?: boolean;
  notSent?: boolean;
  error?: PipedriveApiError | Error;
}

const isFileNote = (r: MigrationRecord): boolean => r.actimoKey.startsWith('file:');

// Files before notes: a file's note is written only once its upload is done.
const PHASES: readonly EngineEntity[] = ['organization', 'person', 'file', 'note', 'activity'];
const UPDATE_STRIP = ['add_time'];
const EXISTING_STRIP = ['add_time', 'owner_id', 'visible_to'];

/** Pipedrive's times as RFC 3339 UTC (v1 answers "YYYY-MM-DD HH:MM:SS"), so they order as text. */
export function pipedriveTime(t: string | null | undefined): string | null {
  if (!t) return null;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(t)) return t; // v2 answers in this form already
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The earlier written body with an update's fields over it (custom fields merged one by one). */
function writtenAfter(
  before: Record<string, unknown>,
  sent: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...before, ...sent };
  const cf = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
  if (cf(before.custom_fields) && cf(sent.custom_fields))
    out.custom_fields = { ...cf(before.custom_fields), ...cf(sent.custom_fields) };
  return out;
}

function valueAt(obj: Record<string, unknown> | undefined | null, key: string): unknown {
  if (!obj) return undefined;
  if (key.startsWith('custom_fields.')) {
    const cf = obj.custom_fields as Record<string, unknown> | null | undefined;
    return cf?.[key.slice('custom_fields.'.length)];
  }
  return obj[key];
}

/** Runs one run of a migration to its end, a pause, or a stop; safe to call again after any crash. */
export class MigrationEngine {
  constructor(private readonly d: EngineDeps) {}

  async execute(companyId: number, runId: number): Promise<RunStatus | 'busy'> {
    const run0 = await getRun(this.d.db, companyId, runId);
    if (!run0) throw new Error(`run ${runId} not found`);
    if (run0.kind === 'rollback') throw new Error(`run ${runId} is a rollback: the rollback engine runs it`);
    return executeUnderLease(this.d, companyId, run0, () => new RunExecution(this.d, companyId, run0));
  }
}

class RunExecution extends RunSession<EngineDeps> {
  private map!: ResolvedMap;
  private settings!: CompanySettings;
  private owners!: Owners;
  private orgIds = new Map<string, number>();
  private orgNames = new Map<string, string>();
  private seq = 0;
  private phase: Progress['phase'] = null;

  protected progressPhase(): Progress['phase'] {
    return this.phase;
  }

  run(): Promise<RunStatus> {
    const { db } = this.d;
    return this.lifecycle(
      async () => {
        this.settings = await readSettings(db, this.companyId);
        this.map = await this.d.mapping.previews.resolvedMapFor(this.companyId, this.migrationId);
        const opened = await openClient(this.d.pipedrive, this.companyId, {
          budget: budgetPolicyOf(this.settings),
          onEvent: (e) => this.count(e),
          ...(this.d.transport ? { transport: this.d.transport } : {}),
        });
        this.client = opened.client;
        this.closeClient = opened.close;
        this.seq = await maxSeq(db, this.companyId, this.runRow.id);
        this.owners = await listOwners(this.client);
        await this.loadOrgIds();
        await this.resolveOpen();
        for (const entity of PHASES) {
          this.phase = entity;
          await this.phaseLoop(entity);
          if (entity === 'organization') await this.loadOrgIds();
        }
        this.phase = 'verify';
        await this.verify();
      },
      { code: 'engine_error', message: 'migration run failed' },
    );
  }

  private async loadOrgIds(): Promise<void> {
    const orgs = await listRecords(this.d.db, this.companyId, this.migrationId, { entity: 'organization' });
    this.orgIds = new Map(
      orgs
        .filter((o) => o.pipedriveId !== null && o.state === 'done')
        .map((o) => [o.actimoKey, o.pipedriveId!]),
    );
    // Merged organizations link persons even before our update reached them.
    for (const o of orgs)
      if (o.action === 'merge' && o.pipedriveId !== null) this.orgIds.set(o.actimoKey, o.pipedriveId);
    if (this.orgNames.size === 0) {
      for (const [id, o] of await loadOrganizations(this.d.db, this.companyId, this.migrationId)) {
        if (typeof o.values.name === 'string') this.orgNames.set(id, o.values.name);
      }
    }
  }

  private refContext(): RefContext {
    return {
      map: this.map,
      owners: this.owners,
      visibleTo: this.settings.visibleTo,
      orgIdFor: (id) => this.orgIds.get(id),
      orgNameOf: (id) => this.orgNames.get(id),
    };
  }

  // ---- phases ----

  private async phaseLoop(entity: EngineEntity): Promise<void> {
    // A pass sends what is not written yet; writes with an unknown outcome are then resolved, and those
    // that did not happen are sent by the next pass. Six passes: a record still unknown after that waits
    // for the next run (it stays `unknown`, resolved before anything else then).
    for (let round = 0; round < 6; round++) {
      const sent = await this.phasePass(entity);
      if (sent === 0) return;
      const open = await openWrites(this.d.db, this.companyId, this.migrationId);
      if (open.length === 0) return;
      await this.resolveOpen();
    }
  }

  /**
   * One pass over the entity's records; returns how many writes were sent. Three chunks are in hand at
   * once: while one is on the wire, the next is read, built and its intents written (so it can go the
   * moment the wire is free, still never before its intents), and the answers of the one before are
   * written.
   */
  private async phasePass(entity: EngineEntity): Promise<number> {
    const size = this.d.chunkSize ?? 250;
    let sent = 0;
    const stage = (afterId: number) => {
      const p = this.prepareChunk(entity, afterId, size).then(async (c) => {
        if (c && c.writes.length > 0) await this.writeChunkIntents(c.writes);
        return c;
      });
      p.catch(() => undefined);
      return p;
    };
    let next = stage(0);
    let flushing: Promise<void> = Promise.resolve();
    for (;;) {
      const chunk = await next;
      if (!chunk) {
        await flushing;
        return sent;
      }
      next = stage(chunk.lastId);
      if (chunk.writes.length === 0) {
        try {
          await flushing;
        } catch (err) {
          await this.abandon(next, err);
          throw err;
        }
        flushing = this.checkpoint();
        flushing.catch(() => undefined);
        continue;
      }
      const answers = await this.pool(
        chunk.writes.map((w) => () => this.send(entity, w)),
        64,
      );
      try {
        await flushing;
      } catch (err) {
        await this.recordAnswers(answers).catch(() => undefined);
        await this.abandon(next, err);
        throw err;
      }
      sent += chunk.writes.length;
      flushing = this.settle(answers);
      flushing.catch(() => undefined);
    }
  }

  /**
   * The run stops (a pause, the budget, the admin) with the next chunk's intents written and nothing of
   * it sent: they are closed as not sent, so the next run does not have to look them up. With the lease
   * lost they are left open: the new holder resolves them.
   */
  private async abandon(next: Promise<{ writes: Prepared[] } | null>, err: unknown): Promise<void> {
    const chunk = await next.catch(() => null);
    if (err instanceof Stopped && err.status === 'lost_lease') return;
    if (!chunk || chunk.writes.length === 0) return;
    const error = new Error('not sent: the run stopped before it');
    await this.recordAnswers(chunk.writes.map((w) => ({ w, ok: false, notSent: true, error }))).catch(
      () => undefined,
    );
  }

  private async settle(answers: Answer[]): Promise<void> {
    await this.recordAnswers(answers);
    const paused = answers.find((a) => a.notSent && isPipedriveError(a.error, 'budget_exhausted'));
    if (paused) throw new Paused((paused.error as PipedriveApiError).info.resumeAt ?? this.now + 3_600_000);
    await this.checkpoint();
  }

  private async prepareChunk(
    entity: EngineEntity,
    afterId: number,
    size: number,
  ): Promise<{ lastId: number; writes: Prepared[] } | null> {
    const records = await listRecords(this.d.db, this.companyId, this.migrationId, {
      entity,
      afterId,
      limit: size,
      ...(this.runRow.kind === 'sample' ? { inSample: true } : {}),
    });
    if (records.length === 0) return null;
    const lastId = records[records.length - 1]!.id;
    const todo = records.filter(
      (r) =>
        r.action !== 'skip' &&
        r.state !== 'pending' &&
        r.state !== 'unknown' &&
        !(r.state === 'failed' && r.lastRunId === this.runRow.id) &&
        // A delta leaves alone what a human deleted in Pipedrive (it is reported, not re-created).
        !(this.runRow.kind === 'delta' && r.deletedInPipedriveAt !== null),
    );
    const writes: Prepared[] = [];
    const ctx = this.refContext();
    if (entity === 'organization') {
      const inputs = await loadOrganizations(
        this.d.db,
        this.companyId,
        this.migrationId,
        todo.map((r) => r.actimoKey),
      );
      for (const r of todo) {
        const o = inputs.get(r.actimoKey);
        if (!o) continue;
        const built = organizationPayload(o, ctx);
        if (built.skip) continue;
        this.maybeWrite(
          writes,
          r,
          built.body,
          built.trace.map((t) => ({ key: t.pipedriveKey, type: t.valueType, target: t.target })),
          entity,
        );
      }
    } else if (entity === 'file') {
      await this.prepareUploads(todo, writes);
    } else if (entity === 'activity') {
      await this.prepareActivities(todo, writes);
    } else {
      const fileNotes = entity === 'note' ? todo.filter((r) => isFileNote(r)) : [];
      if (fileNotes.length > 0) await this.prepareFileNotes(fileNotes, writes);
      const personTodo = fileNotes.length > 0 ? todo.filter((r) => !isFileNote(r)) : todo;
      const keys = personTodo.map((r) => (entity === 'person' ? r.actimoKey : r.personKey!)).filter(Boolean);
      const inputs = await loadPersons(this.d.db, this.companyId, this.migrationId, keys);
      const personIds = entity === 'note' ? await this.personIdsOf(keys) : new Map<string, number>();
      for (const r of personTodo) {
        const p = inputs.get(entity === 'person' ? r.actimoKey : r.personKey!);
        if (!p) continue;
        const built = personPayload(p, ctx);
        if (entity === 'person') {
          if (built.skip) continue;
          this.maybeWrite(
            writes,
            r,
            built.body,
            built.trace.map((t) => ({ key: t.pipedriveKey, type: t.valueType, target: t.target })),
            entity,
          );
        } else {
          const content = noteContent(p, built.note, ctx);
          const personId = personIds.get(r.personKey!);
          if (!content || personId === undefined) continue;
          this.maybeWrite(writes, r, { content, person_id: personId }, [
            { key: 'content', type: 'text', target: 'note' },
            { key: 'person_id', type: 'id', target: 'person' },
          ]);
        }
      }
    }
    await this.beforeImages(entity, writes);
    return { lastId, writes };
  }

  /**
   * Uploads: one per staged file of a migrated person, never sent twice (a file with a Pipedrive id is
   * left alone). The body is what the read-back compares: the person, the name and the size.
   */
  private async prepareUploads(todo: MigrationRecord[], out: Prepared[]): Promise<void> {
    const files = await loadFiles(
      this.d.db,
      this.companyId,
      this.migrationId,
      todo.map((r) => r.actimoKey),
    );
    const personIds = await this.personIdsOf([...new Set(todo.map((r) => r.personKey!).filter(Boolean))]);
    for (const r of todo) {
      if (r.pipedriveId !== null) continue;
      const f = files.get(r.actimoKey);
      const personId = personIds.get(r.personKey!);
      if (!f?.storedPath || personId === undefined) continue;
      const body = {
        person_id: personId,
        name: f.fileName ?? f.storedPath.split(/[\\/]/).pop()!,
        file_size: f.size,
      };
      out.push({
        record: r,
        op: 'upload',
        body,
        fields: [
          { key: 'person_id', type: 'id', target: 'person' },
          { key: 'name', type: 'varchar', target: 'fileName' },
          { key: 'file_size', type: 'int', target: 'size' },
        ],
        fingerprint: fingerprint({ ...body, sha256: f.sha256 }),
        beforeImage: null,
        seq: 0,
        file: f,
      });
    }
  }

  /** Calls and meetings, with their person as primary participant; sent again only when changed. */
  private async prepareActivities(todo: MigrationRecord[], out: Prepared[]): Promise<void> {
    const acts = await loadActivities(
      this.d.db,
      this.companyId,
      this.migrationId,
      todo.map((r) => r.actimoKey),
    );
    const personIds = await this.personIdsOf([...new Set(todo.map((r) => r.personKey!).filter(Boolean))]);
    const today = new Date(this.now).toISOString().slice(0, 10);
    const ctx = this.refContext();
    for (const r of todo) {
      const a = acts.get(r.actimoKey);
      const personId = personIds.get(r.personKey!);
      if (!a || personId === undefined) continue;
      const built = activityPayload(a, personId, ctx, today);
      this.maybeWrite(out, r, built.body, built.fields, 'activity');
    }
  }

  /** The note that goes with an uploaded file: written once the upload is done. */
  private async prepareFileNotes(todo: MigrationRecord[], out: Prepared[]): Promise<void> {
    const fileKeys = todo.map((r) => r.actimoKey.slice('file:'.length));
    const files = await loadFiles(this.d.db, this.companyId, this.migrationId, fileKeys);
    const uploaded = new Set<string>();
    for (let i = 0; i < fileKeys.length; i += 500) {
      const rows = await this.d
        .db('migration_records')
        .where({ company_id: this.companyId, migration_id: this.migrationId, entity: 'file', state: 'done' })
        .whereIn('actimo_key', fileKeys.slice(i, i + 500))
        .select('actimo_key');
      for (const x of rows) uploaded.add(String(x.actimo_key));
    }
    const personIds = await this.personIdsOf([...new Set(todo.map((r) => r.personKey!).filter(Boolean))]);
    for (const r of todo) {
      const key = r.actimoKey.slice('file:'.length);
      const f = files.get(key);
      const personId = personIds.get(r.personKey!);
      if (!f || !uploaded.has(key) || personId === undefined) continue;
      this.maybeWrite(out, r, { content: fileNoteContent(f), person_id: personId }, [
        { key: 'content', type: 'text', target: 'note' },
        { key: 'person_id', type: 'id', target: 'person' },
      ]);
    }
  }

  private maybeWrite(
    out: Prepared[],
    r: MigrationRecord,
    body: Record<string, unknown>,
    fields: WrittenField[],
    entity?: EngineEntity,
  ): void {
    const fp = fingerprint(body);
    if (r.state === 'done' && r.fingerprint === fp) return;
    const op = r.pipedriveId !== null ? 'update' : 'create';
    let send = body;
    if (op === 'update') {
      const strip = r.existedBefore ? EXISTING_STRIP : UPDATE_STRIP;
      const written = (r.written as { body?: Record<string, unknown> } | null)?.body;
      if (this.runRow.kind === 'delta' && entity !== 'note' && written) {
        // Only the fields the newer export changed; fields a human changed are held back unless overwritten.
        const policy: DeltaPolicy =
          this.runRow.settings.deltaPolicy === 'overwrite' ? 'overwrite' : 'keep_pipedrive';
        const d = diffRecord(written, body, fields, r.humanFields, policy, strip);
        if (Object.keys(d.send).length === 0) return;
        out.push({
          record: r,
          op,
          body: d.send,
          fields,
          // With fields held back the record is not in step with the export: a later run looks again.
          fingerprint: d.held.length > 0 ? fingerprint({ body, heldBack: d.held.map((c) => c.key) }) : fp,
          beforeImage: null,
          seq: 0,
          writtenBody: d.written,
          overwrites: r.humanFields.filter(
            (k) => d.changed.some((c) => c.key === k) && !d.held.some((c) => c.key === k),
          ),
        });
        return;
      }
      send = Object.fromEntries(Object.entries(body).filter(([k]) => !strip.includes(k)));
      // What Pipedrive holds from us is the earlier write with this one over it: fields an update leaves
      // out (add_time) are still there, and the read-back and the sample's diff keep showing them.
      if (written) {
        out.push({
          record: r,
          op,
          body: send,
          fields,
          fingerprint: fp,
          beforeImage: null,
          seq: 0,
          writtenBody: writtenAfter(written, send),
        });
        return;
      }
    }
    out.push({ record: r, op, body: send, fields, fingerprint: fp, beforeImage: null, seq: 0 });
  }

  private async personIdsOf(actimoKeys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < actimoKeys.length; i += 500) {
      const rows = await this.d
        .db('migration_records')
        .where({ company_id: this.companyId, migration_id: this.migrationId, entity: 'person' })
        .whereIn('actimo_key', actimoKeys.slice(i, i + 500) as string[])
        .whereNotNull('pipedrive_id')
        .select('actimo_key', 'pipedrive_id');
      for (const r of rows) out.set(String(r.actimo_key), Number(r.pipedrive_id));
    }
    return out;
  }

  /** The current values of the fields we are about to change on records that existed before us, 100 ids a read. */
  private async beforeImages(entity: EngineEntity, writes: Prepared[]): Promise<void> {
    if (entity === 'note' || entity === 'file' || entity === 'activity') return;
    // Records that were there before us, and every record a delta updates (a human may have touched it).
    const existing = writes.filter(
      (w) => w.op === 'update' && (w.record.existedBefore || this.runRow.kind === 'delta'),
    );
    for (let i = 0; i < existing.length; i += 100) {
      const batch = existing.slice(i, i + 100);
      const ids = batch.map((w) => w.record.pipedriveId!).join(',');
      const res = (entity === 'person'
        ? await this.client.persons.getPersons({ ids, limit: 500 })
        : await this.client.organizations.getOrganizations({ ids, limit: 500 })) as unknown as {
        data?: Array<Record<string, unknown>> | null;
      };
      const byId = new Map((res.data ?? []).map((r) => [Number(r.id), r]));
      for (const w of batch) {
        const cur = byId.get(w.record.pipedriveId!);
        const image: Record<string, unknown> = {};
        for (const k of Object.keys(w.body)) {
          if (k === 'custom_fields') {
            const cf = (cur?.custom_fields ?? {}) as Record<string, unknown>;
            image.custom_fields = Object.fromEntries(
              Object.keys(w.body.custom_fields as object).map((c) => [c, cf[c] ?? null]),
            );
          } else image[k] = cur?.[k] ?? null;
        }
        w.beforeImage = image;
      }
    }
  }

  private async writeChunkIntents(writes: Prepared[]): Promise<void> {
    const { db } = this.d;
    for (const w of writes) w.seq = ++this.seq;
    for (const w of writes) w.requestJson = writeJson({ body: w.body, fields: w.fields });
    const intents: LedgerIntent[] = writes.map((w) => ({
      recordId: w.record.id,
      seq: w.seq,
      op: w.op,
      request: { body: w.body, fields: w.fields },
      ...(w.requestJson !== undefined ? { requestJson: w.requestJson } : {}),
      fingerprint: w.fingerprint,
      beforeImage: w.beforeImage,
    }));
    await db.transaction(async (trx) => {
      await writeIntents(trx, this.companyId, this.migrationId, this.runRow.id, intents, this.now);
      for (let i = 0; i < writes.length; i += 500)
        await trx('migration_records')
          .where({ company_id: this.companyId, migration_id: this.migrationId })
          .whereIn(
            'id',
            writes.slice(i, i + 500).map((w) => w.record.id),
          )
          .update({ state: 'pending', updated_at: this.now, last_run_id: this.runRow.id });
    });
  }

  private async send(entity: EngineEntity, w: Prepared): Promise<Answer> {
    let content: Buffer | undefined;
    if (w.op === 'upload') {
      try {
        content = await readFile(w.file!.storedPath!);
      } catch (err) {
        // Nothing was sent: the stored copy is gone (the record fails and says so).
        const e = new Error(`stored copy of the file is missing: ${(err as Error).message}`);
        return { w, ok: false, error: Object.assign(e, { code: 'file_missing' }) };
      }
    }
    try {
      const res = (await (content ? this.upload(w, content) : this.call(entity, w))) as {
        data?: { id?: number; update_time?: string | null } | null;
      };
      const id = res.data?.id ?? w.record.pipedriveId ?? undefined;
      return {
        w,
        ok: true,
        ...(id !== undefined ? { id } : {}),
        updateTime: pipedriveTime(res.data?.update_time),
      };
    } catch (err) {
      if (isPipedriveError(err)) {
        if (err.failure === 'budget_exhausted') return { w, ok: false, notSent: true, error: err };
        return { w, ok: false, unknown: err.outcomeUnknown, error: err };
      }
      return { w, ok: false, unknown: true, error: err as Error };
    }
  }

  private upload(w: Prepared, content: Buffer): Promise<unknown> {
    const file = new File([new Uint8Array(content)], String(w.body.name), {
      type: w.file?.mime ?? 'application/octet-stream',
    });
    return this.client.files.addFile({ file: file as never, person_id: Number(w.body.person_id) });
  }

  private call(entity: EngineEntity, w: Prepared): Promise<unknown> {
    const c = this.client;
    const id = w.record.pipedriveId!;
    if (entity === 'organization')
      return w.op === 'create'
        ? c.organizations.addOrganization({ AddOrganizationRequest: w.body as never })
        : c.organizations.updateOrganization({ id, UpdateOrganizationRequest: w.body as never });
    if (entity === 'person')
      return w.op === 'create'
        ? c.persons.addPerson({ AddPersonRequest: w.body as never })
        : c.persons.updatePerson({ id, UpdatePersonRequest: w.body as never });
    if (entity === 'activity')
      return w.op === 'create'
        ? c.activities.addActivity({ AddActivityRequest: w.body as never })
        : c.activities.updateActivity({ id, AddActivityRequest: w.body as never });
    return w.op === 'create'
      ? c.notes.addNote({ AddNoteRequest: w.body as never })
      : c.notes.updateNote({ id, NoteRequest: { content: String(w.body.content) } as never });
  }

  private async recordAnswers(answers: Answer[]): Promise<void> {
    const ledger: LedgerResult[] = [];
    const records: RecordOutcome[] = [];
    for (const a of answers) {
      const r = a.w.record;
      if (a.ok) {
        this.writes++;
        ledger.push({
          seq: a.w.seq,
          state: 'done',
          responseId: a.id ?? null,
          responseUpdateTime: a.updateTime ?? null,
        });
        records.push({
          recordId: r.id,
          runId: this.runRow.id,
          state: 'done',
          pipedriveId: a.id ?? r.pipedriveId,
          fingerprint: a.w.fingerprint,
          ...(a.w.writtenBody === undefined && a.w.requestJson !== undefined
            ? { writtenJson: a.w.requestJson }
            : { written: { body: a.w.writtenBody ?? a.w.body, fields: a.w.fields } }),
          updateTime: a.updateTime ?? null,
        });
      } else if (a.notSent) {
        // Refused before it was sent (the daily budget): nothing happened in Pipedrive.
        ledger.push({
          seq: a.w.seq,
          state: 'failed',
          errorCode: 'not_sent',
          errorMessage: a.error?.message ?? null,
        });
        records.push({
          recordId: r.id,
          runId: this.runRow.id,
          state: r.state === 'pending' ? 'planned' : r.state,
        });
      } else if (a.unknown) {
        ledger.push({
          seq: a.w.seq,
          state: 'unknown',
          errorCode: (a.error as { code?: string })?.code ?? 'unknown',
          errorMessage: a.error?.message ?? null,
        });
        records.push({ recordId: r.id, runId: this.runRow.id, state: 'unknown' });
      } else {
        const code = (a.error as { code?: string })?.code ?? 'failed';
        ledger.push({
          seq: a.w.seq,
          state: 'failed',
          errorCode: code,
          errorMessage: a.error?.message ?? null,
        });
        records.push({
          recordId: r.id,
          runId: this.runRow.id,
          state: 'failed',
          errorCode: code,
          errorMessage: a.error?.message ?? null,
        });
      }
    }
    await this.d.db.transaction(async (trx) => {
      await writeResults(trx, this.companyId, this.runRow.id, ledger, this.now);
      await updateRecords(trx, this.companyId, records, this.now);
      for (const a of answers)
        if (a.ok && a.w.overwrites?.length)
          await clearHumanFields(trx, this.companyId, a.w.record.id, a.w.overwrites);
    });
  }

  // ---- unknown outcomes ----

  /**
   * Every write still `intent` (we crashed around it) or `unknown` (timeout, dropped connection) is
   * looked up before anything is sent again: persons and organizations by their Actimo ID (one paged
   * list), notes by their marker on the person. Found: done with that id. Not found: safe to send again.
   */
  private async resolveOpen(): Promise<void> {
    const { db } = this.d;
    const open = await openWrites(db, this.companyId, this.migrationId);
    if (open.length === 0) return;
    const recordIds = [...new Set(open.map((o) => o.recordId))];
    const recs = new Map<number, MigrationRecord>();
    for (let i = 0; i < recordIds.length; i += 500) {
      const rows = await db('migration_records')
        .where({ company_id: this.companyId, migration_id: this.migrationId })
        .whereIn('id', recordIds.slice(i, i + 500));
      for (const x of rows) {
        const r = toRecord(x);
        recs.set(r.id, r);
      }
    }
    const codes = actimoCodes(this.map);
    const since = await this.sinceForLookup();
    const found = new Map<number, { id: number; updateTime: string | null }>();
    const byEntity = (e: EngineEntity) =>
      open.filter((o) => recs.get(o.recordId)?.entity === e && o.op === 'create');
    for (const e of ['organization', 'person'] as const) {
      const rows = byEntity(e);
      if (rows.length === 0) continue;
      const code = e === 'person' ? codes.person : codes.organization;
      const listed =
        e === 'person'
          ? await listAllPersons(this.client, {
              ...(code ? { customFields: code } : {}),
              ...(since ? { updatedSince: since } : {}),
            })
          : await listAllOrganizations(this.client, {
              ...(code ? { customFields: code } : {}),
              ...(since ? { updatedSince: since } : {}),
            });
      const byActimo = new Map<string, { id: number; updateTime: string | null }>();
      for (const l of listed) {
        const a = customValue(l, code);
        if (a)
          byActimo.set(a, {
            id: l.id,
            updateTime: pipedriveTime((l as { update_time?: string | null }).update_time),
          });
      }
      for (const o of rows) {
        const hit = byActimo.get(recs.get(o.recordId)!.actimoKey);
        if (hit) found.set(o.seq * 1e6 + o.runId, hit);
      }
    }
    const uploads = open.filter((o) => recs.get(o.recordId)?.entity === 'file' && o.op === 'upload');
    if (uploads.length > 0) {
      // The account's files, matched on person, name and size.
      const byKey = new Map<string, { id: number; updateTime: string | null }>();
      for await (const f of this.fileListing())
        byKey.set(`${f.person_id}|${f.name}|${f.file_size}`, {
          id: Number(f.id),
          updateTime: pipedriveTime(f.update_time as string | null),
        });
      for (const o of uploads) {
        const b = (o.request as { body?: { person_id?: number; name?: string; file_size?: number } }).body;
        const hit = byKey.get(`${b?.person_id}|${b?.name}|${b?.file_size}`);
        if (hit) found.set(o.seq * 1e6 + o.runId, hit);
      }
    }
    const activities = byEntity('activity');
    if (activities.length > 0) {
      // Activities by the marker in their note.
      const byMarker = new Map<string, { id: number; updateTime: string | null }>();
      for (const a of await listAllActivities(this.client, since ? { updatedSince: since } : {})) {
        const m = /Actimo migration ref: (activity:[^<]*)</.exec(String(a.note ?? ''));
        if (m)
          byMarker.set(m[1]!, {
            id: a.id,
            updateTime: pipedriveTime(a.update_time as string | null),
          });
      }
      for (const o of activities) {
        const hit = byMarker.get(activityKeyOf(recs.get(o.recordId)!.actimoKey));
        if (hit) found.set(o.seq * 1e6 + o.runId, hit);
      }
    }
    for (const o of byEntity('note')) {
      const rec = recs.get(o.recordId)!;
      const personId = (o.request as { body?: { person_id?: number } }).body?.person_id;
      if (personId === undefined) continue;
      const notes = (await this.client.notes.getNotes({ person_id: personId, limit: 500 })) as unknown as {
        data?: Array<{ id: number; content?: string; update_time?: string | null }> | null;
      };
      const hit = (notes.data ?? []).find((n) => n.content?.includes(noteMarker(rec.actimoKey)));
      if (hit) found.set(o.seq * 1e6 + o.runId, { id: hit.id, updateTime: pipedriveTime(hit.update_time) });
    }
    await db.transaction(async (trx) => {
      for (const o of open) {
        const rec = recs.get(o.recordId);
        if (!rec) continue;
        const hit = found.get(o.seq * 1e6 + o.runId);
        const req = o.request as { body: Record<string, unknown>; fields: WrittenField[] };
        await trx('ledger')
          .where({ company_id: this.companyId, id: o.id })
          .update(
            hit
              ? {
                  state: 'done',
                  response_id: hit.id,
                  response_update_time: hit.updateTime,
                  error_code: 'resolved_found',
                  updated_at: this.now,
                }
              : {
                  state: 'failed',
                  error_code: o.op === 'update' ? 'resolved_resend' : 'resolved_not_applied',
                  updated_at: this.now,
                },
          );
        if (hit) {
          this.writes++;
          await updateRecords(
            trx,
            this.companyId,
            [
              {
                recordId: rec.id,
                runId: this.runRow.id,
                state: 'done',
                pipedriveId: hit.id,
                fingerprint: o.fingerprint,
                written: { body: req.body, fields: req.fields },
                updateTime: hit.updateTime,
              },
            ],
            this.now,
          );
        } else {
          await updateRecords(
            trx,
            this.companyId,
            [{ recordId: rec.id, runId: this.runRow.id, state: 'planned' }],
            this.now,
          );
        }
      }
    });
  }

  /** Pipedrive's time of this migration's first write (minus a margin), for `updated_since` lookups. */
  private async sinceForLookup(): Promise<string | undefined> {
    const r = await this.d
      .db('ledger')
      .where({ company_id: this.companyId, migration_id: this.migrationId })
      .whereNotNull('response_update_time')
      .min({ t: 'response_update_time' })
      .first();
    const t = r?.t == null ? undefined : String(r.t);
    if (!t) return undefined;
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  // ---- verification ----

  /**
   * Reads back what this run wrote by paging the list endpoints (500 a page, updated since the run's
   * first write) and compares every written field the way Pipedrive normalises it.
   */
  private async verify(): Promise<void> {
    const { db } = this.d;
    const since = await this.sinceForRun();
    // The records this run wrote (ids only: the requests they carry are not needed here).
    const ids = new Set(
      (
        await db('ledger')
          .where({ company_id: this.companyId, run_id: this.runRow.id, state: 'done' })
          .distinct('record_id')
      ).map((l) => Number(l.record_id)),
    );
    if (ids.size === 0) return;
    for (const entity of PHASES) {
      const recs = (
        await listRecords(db, this.companyId, this.migrationId, {
          entity,
          ...(this.runRow.kind === 'sample' ? { inSample: true } : {}),
        })
      ).filter((r) => ids.has(r.id) && r.state === 'done' && r.pipedriveId !== null);
      if (recs.length === 0) continue;
      const back = new Map<number, Record<string, unknown>>();
      if (entity === 'note') {
        for await (const n of this.noteListing(since)) back.set(Number(n.id), n);
      } else if (entity === 'file') {
        for await (const f of this.fileListing()) back.set(Number(f.id), f);
      } else if (entity === 'activity') {
        for (const a of await listAllActivities(this.client, since ? { updatedSince: since } : {}))
          back.set(a.id, a);
      } else {
        const listed =
          entity === 'person'
            ? await listAllPersons(this.client, since ? { updatedSince: since } : {})
            : await listAllOrganizations(this.client, since ? { updatedSince: since } : {});
        for (const l of listed) back.set(l.id, l as unknown as Record<string, unknown>);
      }
      const mismatches: Array<Record<string, unknown>> = [];
      const updates: Array<{
        id: number;
        verified: boolean;
        count: number;
        readBack: Record<string, unknown>;
      }> = [];
      for (const r of recs) {
        const got = back.get(r.pipedriveId!);
        const w = r.written as { body?: Record<string, unknown>; fields?: WrittenField[] } | null;
        const readBack: Record<string, unknown> = {};
        let count = 0;
        for (const f of w?.fields ?? []) {
          const sent = valueAt(w?.body, f.key);
          if (sent === undefined) continue; // stripped from an update of a record that existed before
          const rb = valueAt(got, f.key);
          readBack[f.key] = rb ?? null;
          if (!got || !sameValue(f.type, sent, rb)) {
            count++;
            mismatches.push({
              company_id: this.companyId,
              migration_id: this.migrationId,
              record_id: r.id,
              run_id: this.runRow.id,
              field: f.key,
              target: f.target,
              sent: JSON.stringify(sent),
              read_back: got ? JSON.stringify(rb ?? null) : null,
              created_at: this.now,
            });
          }
        }
        updates.push({ id: r.id, verified: count === 0, count, readBack });
      }
      await db.transaction(async (trx) => {
        for (let i = 0; i < recs.length; i += 500)
          await trx('migration_mismatches')
            .where({ company_id: this.companyId, migration_id: this.migrationId })
            .whereIn(
              'record_id',
              recs.slice(i, i + 500).map((r) => r.id),
            )
            .delete();
        for (let i = 0; i < mismatches.length; i += 50)
          await trx('migration_mismatches').insert(mismatches.slice(i, i + 50));
        await updateMany(trx, 'migration_records', {
          where: { company_id: this.companyId },
          key: ['id'],
          columns: { id: 'bigint', verified: 'boolean', mismatch_count: 'integer', read_back: 'text' },
          rows: updates.map((u) => ({
            id: u.id,
            verified: u.verified,
            mismatch_count: u.count,
            read_back: JSON.stringify(u.readBack),
          })),
        });
      });
    }
  }

  /** Every file of the account, 500 a page (v1 files have no `updated_since`). */
  private async *fileListing(): AsyncGenerator<Record<string, unknown>> {
    let start = 0;
    for (;;) {
      const page = (await this.client.files.getFiles({ start, limit: 500 })) as unknown as {
        data?: Array<Record<string, unknown>> | null;
        additional_data?: { pagination?: { more_items_in_collection?: boolean; next_start?: number } } | null;
      };
      for (const f of page.data ?? []) yield f;
      const p = page.additional_data?.pagination;
      if (!p?.more_items_in_collection) return;
      start = p.next_start ?? start + (page.data?.length ?? 0);
    }
  }

  private async *noteListing(since: string | undefined): AsyncGenerator<Record<string, unknown>> {
    let start = 0;
    for (;;) {
      const page = (await this.client.notes.getNotes({
        start,
        limit: 500,
        ...(since ? { updated_since: since.replace('T', ' ').replace('Z', '') } : {}),
      })) as unknown as {
        data?: Array<Record<string, unknown>> | null;
        additional_data?: { pagination?: { more_items_in_collection?: boolean; next_start?: number } } | null;
      };
      for (const n of page.data ?? []) yield n;
      const p = page.additional_data?.pagination;
      if (!p?.more_items_in_collection) return;
      start = p.next_start ?? start + (page.data?.length ?? 0);
    }
  }

  private async sinceForRun(): Promise<string | undefined> {
    const r = await this.d
      .db('ledger')
      .where({ company_id: this.companyId, run_id: this.runRow.id })
      .whereNotNull('response_update_time')
      .min({ t: 'response_update_time' })
      .first();
    const t = r?.t == null ? undefined : String(r.t);
    if (!t) return undefined;
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
