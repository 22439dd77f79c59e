// A rollback run (kind `rollback`): durable, resumable and rate-limited like a migration run, under the
// migration's lease. It plans once (rollback_items), then works through the planned deletions and
// restores newest entity first, in chunks: ledger intents (op delete / restore) in one statement, the
// requests through a pool as wide as the burst limit, the answers with the records in one transaction.
// After a crash, every intent or unknown answer is resolved by reading the record before anything is sent
// again. Custom fields we created are removed last, only when asked and only when no record holds a value.
import { createHash } from 'node:crypto';
import { type Knex, readJson, writeJson } from '../db.ts';
import { pipedriveTime } from '../migration/engine.ts';
import { type LedgerResult, maxSeq, writeIntents, writeResults } from '../migration/ledger.repository.ts';
import {
  executeUnderLease,
  Paused,
  type Progress,
  RunSession,
  type RunSessionDeps,
} from '../migration/run-session.ts';
import { getRun, type Run } from '../migration/runs.repository.ts';
import type { EngineEntity, RunStatus } from '../migration/types.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { isPipedriveError, type PipedriveApiError } from '../pipedrive/errors.ts';
import { forgetField } from '../pipedrive/field-schema.repository.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf } from '../tenants/settings.ts';
import { flatten, nest, type RollbackEntity, same, valueAt } from './decide.ts';
import { hasItems, insertItems, itemsOf, type RollbackItem, setItem } from './items.repository.ts';
import { planFields, planRecords, readCurrent } from './planner.ts';

export interface RollbackSettings {
  scopeRunId: number | null;
  force: boolean;
  removeFields: boolean;
}

export interface RollbackDeps extends RunSessionDeps {
  pipedrive: PipedriveServices;
  chunkSize?: number;
  /**
   * Tests: called when a chunk's requests have been answered, before the answers are recorded. Throwing a
   * `SimulatedCrash` there leaves the run as a killed process would: writes applied in Pipedrive, their
   * ledger rows still `intent`, the run `running`.
   */
  beforeRecording?: (runId: number, chunk: number) => void;
}

export { SimulatedCrash } from '../migration/run-session.ts';

export function settingsOf(run: Run): RollbackSettings {
  const s = run.settings as Partial<RollbackSettings>;
  return {
    scopeRunId: typeof s.scopeRunId === 'number' ? s.scopeRunId : null,
    force: s.force === true,
    removeFields: s.removeFields === true,
  };
}

export class RollbackEngine {
  constructor(private readonly d: RollbackDeps) {}

  async execute(companyId: number, runId: number): Promise<RunStatus | 'busy'> {
    const run0 = await getRun(this.d.db, companyId, runId);
    if (!run0) throw new Error(`run ${runId} not found`);
    if (run0.kind !== 'rollback') throw new Error(`run ${runId} is not a rollback run`);
    // A holder on this host whose process is gone (kill -9) is taken over at once, as the engine does.
    return executeUnderLease(this.d, companyId, run0, () => new RollbackExecution(this.d, companyId, run0));
  }
}

interface Answer {
  item: RollbackItem;
  seq: number;
  ok: boolean;
  gone?: boolean;
  unknown?: boolean;
  notSent?: boolean;
  updateTime?: string | null;
  error?: Error;
}

const fp = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

class RollbackExecution extends RunSession<RollbackDeps> {
  private seq = 0;
  private chunks = 0;
  private readonly settings: RollbackSettings;
  private phase: RollbackEntity | 'field' | null = null;

  constructor(d: RollbackDeps, companyId: number, runRow: Run) {
    super(d, companyId, runRow);
    this.settings = settingsOf(runRow);
  }

  protected progressPhase(): Progress['phase'] {
    return (
      this.phase === 'organization' || this.phase === 'person' || this.phase === 'note' ? this.phase : null
    ) as EngineEntity | null;
  }

  run(): Promise<RunStatus> {
    const { db } = this.d;
    return this.lifecycle(
      async () => {
        const settings = await readSettings(db, this.companyId);
        const opened = await openClient(this.d.pipedrive, this.companyId, {
          budget: budgetPolicyOf(settings),
          onEvent: (e) => this.count(e),
        });
        this.client = opened.client;
        this.closeClient = opened.close;
        this.seq = await maxSeq(db, this.companyId, this.runRow.id);
        if (!(await hasItems(db, this.companyId, this.runRow.id))) {
          const items = await planRecords(db, this.client, this.companyId, this.migrationId, {
            ...(this.settings.scopeRunId !== null ? { runId: this.settings.scopeRunId } : {}),
            force: this.settings.force,
          });
          await db.transaction(async (trx) => {
            await insertItems(trx, this.companyId, this.migrationId, this.runRow.id, items, this.now);
            await this.markKept(
              trx,
              items.filter((i) => i.action === 'keep' || i.action === 'none'),
            );
          });
        }
        await this.resolveOpen();
        for (let round = 0; round < 4; round++) {
          const sent = await this.pass();
          if (sent === 0) break;
          await this.resolveOpen();
        }
        if (this.settings.removeFields) await this.fields();
      },
      { code: 'rollback_error', message: 'rollback run failed' },
    );
  }

  /** Records kept (a conflict) or already gone get their rollback outcome at once. */
  private async markKept(
    trx: Knex,
    items: ReadonlyArray<{ recordId: number | null; action: string; reason: string }>,
  ): Promise<void> {
    for (const i of items) {
      if (i.recordId === null || i.reason === 'already_rolled_back' || i.reason === 'created_in_other_run')
        continue;
      await trx('migration_records')
        .where({ company_id: this.companyId, id: i.recordId })
        .update({
          rollback_state: i.action === 'keep' ? 'kept' : 'gone',
          rollback_reason: i.reason,
          rollback_run_id: this.runRow.id,
          updated_at: this.now,
        });
    }
  }

  /** One pass over the planned deletions and restores, newest entity first; returns how many were sent. */
  private async pass(): Promise<number> {
    const size = this.d.chunkSize ?? 100;
    let sent = 0;
    const failedThisPass = new Set<number>();
    for (;;) {
      // Re-read each time: what was done or failed drops out; the list is in step order (newest first).
      const batch = (
        await itemsOf(this.d.db, this.companyId, this.runRow.id, {
          statuses: ['planned'],
          actions: ['delete', 'restore'],
          limit: size + failedThisPass.size,
        })
      )
        .filter((i) => !failedThisPass.has(i.id))
        .slice(0, size);
      if (batch.length === 0) return sent;
      this.phase = batch[0]!.entity as RollbackEntity;
      const step = batch[0]!.step;
      const sameStep = batch.filter((i) => i.step === step);
      const answers = await this.sendChunk(sameStep);
      sent += sameStep.length;
      for (const a of answers) if (!a.ok) failedThisPass.add(a.item.id);
      await this.checkpoint();
    }
  }

  private async sendChunk(items: RollbackItem[]): Promise<Answer[]> {
    const { db } = this.d;
    const prepared = items.map((item) => ({ item, seq: ++this.seq }));
    await writeIntents(
      db,
      this.companyId,
      this.migrationId,
      this.runRow.id,
      prepared.map(({ item, seq }) => {
        const request = {
          entity: item.entity,
          pipedriveId: item.pipedriveId,
          ...(item.action === 'restore' ? { body: item.detail.body ?? {} } : {}),
        };
        return {
          recordId: item.recordId!,
          seq,
          op: item.action === 'delete' ? ('delete' as const) : ('restore' as const),
          request,
          fingerprint: fp(request),
          beforeImage:
            item.action === 'restore'
              ? Object.fromEntries((item.detail.restored ?? []).map((r) => [r.key, r.from]))
              : null,
        };
      }),
      this.now,
    );
    const answers = await this.pool(
      prepared.map((p) => () => this.send(p.item, p.seq)),
      16,
    );
    this.d.beforeRecording?.(this.runRow.id, ++this.chunks);
    await this.record(answers);
    const paused = answers.find((a) => a.notSent && isPipedriveError(a.error, 'budget_exhausted'));
    if (paused) throw new Paused((paused.error as PipedriveApiError).info.resumeAt ?? this.now + 3_600_000);
    return answers;
  }

  private async send(item: RollbackItem, seq: number): Promise<Answer> {
    try {
      const res = (await this.call(item)) as { data?: { update_time?: string | null } | null };
      return { item, seq, ok: true, updateTime: res?.data?.update_time ?? null };
    } catch (err) {
      if (isPipedriveError(err)) {
        if (err.failure === 'budget_exhausted') return { item, seq, ok: false, notSent: true, error: err };
        if (item.action === 'delete' && (err.failure === 'not_found' || err.failure === 'gone'))
          return { item, seq, ok: true, gone: true };
        return { item, seq, ok: false, unknown: err.outcomeUnknown, error: err };
      }
      return { item, seq, ok: false, unknown: true, error: err as Error };
    }
  }

  private call(item: RollbackItem): Promise<unknown> {
    const c = this.client;
    const id = item.pipedriveId!;
    const e = item.entity as RollbackEntity;
    if (item.action === 'delete') {
      if (e === 'person') return c.persons.deletePerson({ id });
      if (e === 'organization') return c.organizations.deleteOrganization({ id });
      if (e === 'activity') return c.activities.deleteActivity({ id });
      if (e === 'file') return c.files.deleteFile({ id });
      return c.notes.deleteNote({ id });
    }
    const body = item.detail.body ?? {};
    if (e === 'person') return c.persons.updatePerson({ id, UpdatePersonRequest: body as never });
    if (e === 'organization')
      return c.organizations.updateOrganization({ id, UpdateOrganizationRequest: body as never });
    if (e === 'activity') return c.activities.updateActivity({ id, AddActivityRequest: body as never });
    return c.notes.updateNote({ id, NoteRequest: body as never });
  }

  private async record(answers: Answer[]): Promise<void> {
    const ledger: LedgerResult[] = [];
    await this.d.db.transaction(async (trx) => {
      for (const a of answers) {
        if (a.ok) {
          this.writes++;
          ledger.push({
            seq: a.seq,
            state: 'done',
            responseId: a.item.pipedriveId,
            responseUpdateTime: a.updateTime ?? null,
            ...(a.gone ? { errorCode: 'already_gone' } : {}),
          });
          await this.applied(trx, a.item, a.updateTime ?? null);
        } else if (a.notSent) {
          ledger.push({ seq: a.seq, state: 'failed', errorCode: 'not_sent', errorMessage: a.error?.message });
        } else if (a.unknown) {
          ledger.push({
            seq: a.seq,
            state: 'unknown',
            errorCode: (a.error as { code?: string })?.code ?? 'unknown',
            errorMessage: a.error?.message ?? null,
          });
        } else {
          const code = (a.error as { code?: string })?.code ?? 'failed';
          ledger.push({
            seq: a.seq,
            state: 'failed',
            errorCode: code,
            errorMessage: a.error?.message ?? null,
          });
          await setItem(
            trx,
            this.companyId,
            a.item.id,
            { status: 'failed', errorCode: code, errorMessage: a.error?.message ?? null },
            this.now,
          );
        }
      }
      await writeResults(trx, this.companyId, this.runRow.id, ledger, this.now);
    });
  }

  /**
   * The item is done in Pipedrive. A deleted record forgets what we wrote, so a later run creates it
   * afresh. A restored one records the restore as our last write (its values and update time), so delta
   * sync sees its webhook as the echo of our own write, and loses its fingerprint so a later run writes
   * the migration's values again.
   */
  private async applied(trx: Knex, item: RollbackItem, updateTime: string | null = null): Promise<void> {
    await setItem(trx, this.companyId, item.id, { status: 'done' }, this.now);
    if (item.recordId === null) return;
    const patch: Record<string, unknown> = {
      state: 'planned',
      fingerprint: null,
      verified: null,
      read_back: null,
      mismatch_count: 0,
      rollback_state: item.action === 'delete' ? 'deleted' : 'restored',
      rollback_reason: item.reason,
      rollback_run_id: this.runRow.id,
      updated_at: this.now,
    };
    if (item.action === 'delete') {
      Object.assign(patch, {
        pipedrive_id: null,
        written: null,
        update_time: null,
        human_fields: null,
        human_changed_at: null,
      });
    } else {
      const rec = await trx('migration_records')
        .where({ company_id: this.companyId, id: item.recordId })
        .first('written');
      const w = rec?.written
        ? (readJson<Record<string, unknown>>(rec.written) as { body?: Record<string, unknown> })
        : {};
      const body = flatten(w.body ?? {});
      for (const [k, v] of flatten(item.detail.body ?? {})) body.set(k, v);
      patch.written = writeJson({ ...w, body: nest(body) });
      patch.update_time = pipedriveTime(updateTime);
    }
    await trx('migration_records').where({ company_id: this.companyId, id: item.recordId }).update(patch);
  }

  /**
   * Writes of this run still `intent` (a crash) or `unknown` (timeout): read the record first. A deletion
   * whose record is gone, or a restore whose fields hold the before-image, happened; otherwise it did not
   * and the item is sent again.
   */
  private async resolveOpen(): Promise<void> {
    const { db } = this.d;
    const open = await db('ledger')
      .where({ company_id: this.companyId, run_id: this.runRow.id })
      .whereIn('state', ['intent', 'unknown'])
      .orderBy('id');
    if (open.length === 0) return;
    const items = new Map(
      (await itemsOf(db, this.companyId, this.runRow.id, { actions: ['delete', 'restore'] })).map((i) => [
        i.recordId,
        i,
      ]),
    );
    const byEntity = new Map<RollbackEntity, number[]>();
    for (const o of open) {
      const it = items.get(Number(o.record_id));
      if (!it) continue;
      const list = byEntity.get(it.entity as RollbackEntity) ?? [];
      list.push(it.pipedriveId!);
      byEntity.set(it.entity as RollbackEntity, list);
    }
    const current = new Map<string, Record<string, unknown>>();
    for (const [e, ids] of byEntity)
      for (const [id, r] of await readCurrent(this.client, e, ids)) current.set(`${e}:${id}`, r);
    await db.transaction(async (trx) => {
      for (const o of open) {
        const it = items.get(Number(o.record_id));
        if (!it) continue;
        const cur = current.get(`${it.entity}:${it.pipedriveId}`);
        const happened =
          it.action === 'delete'
            ? cur === undefined
            : cur !== undefined &&
              [...flatten(it.detail.body ?? {})].every(([k, v]) => same(undefined, valueAt(cur, k), v));
        await trx('ledger')
          .where({ company_id: this.companyId, id: Number(o.id) })
          .update({
            state: happened ? 'done' : 'failed',
            response_id: happened ? it.pipedriveId : null,
            error_code: happened ? 'resolved_found' : 'resolved_resend',
            updated_at: this.now,
          });
        if (happened) {
          this.writes++;
          await this.applied(trx, it);
        } else await setItem(trx, this.companyId, it.id, { status: 'planned' }, this.now);
      }
    });
  }

  /** Removes the custom fields we created that no record holds a value in any more (checked now). */
  private async fields(): Promise<void> {
    const { db } = this.d;
    this.phase = 'field';
    if (!(await hasItems(db, this.companyId, this.runRow.id, 'field'))) {
      const items = await planFields(db, this.client, this.companyId, this.migrationId);
      await insertItems(db, this.companyId, this.migrationId, this.runRow.id, items, this.now);
    }
    for (const it of await itemsOf(db, this.companyId, this.runRow.id, {
      entity: 'field',
      statuses: ['planned'],
      actions: ['remove_field'],
    })) {
      const code = it.fieldCode!;
      try {
        if (it.detail.fieldEntity === 'person')
          await this.client.personFields.deletePersonField({ field_code: code });
        else await this.client.organizationFields.deleteOrganizationField({ field_code: code });
        this.writes++;
      } catch (err) {
        if (!isPipedriveError(err, 'not_found') && !isPipedriveError(err, 'gone')) {
          await setItem(
            db,
            this.companyId,
            it.id,
            {
              status: 'failed',
              errorCode: (err as { code?: string }).code ?? 'failed',
              errorMessage: (err as Error).message,
            },
            this.now,
          );
          continue;
        }
      }
      await db.transaction(async (trx) => {
        await setItem(trx, this.companyId, it.id, { status: 'done' }, this.now);
        await forgetField(
          trx,
          this.companyId,
          it.detail.fieldEntity ?? 'person',
          it.detail.logicalName ?? '',
        );
      });
    }
  }
}
