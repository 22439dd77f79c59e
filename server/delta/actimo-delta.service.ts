// Delta from Actimo: a newer export set uploaded into a live migration replaces the older exports of the
// same kinds (they stay, marked `superseded`: the snapshot the full run used is kept), and the staged
// records are diffed by Actimo id against what we last wrote: new users are created, changed fields
// updated (only those), users gone from the export flagged (never deleted), and fields a human changed in
// Pipedrive since our last write held back and reported (policy `keep_pipedrive`, or `overwrite`). The
// run itself is the engine's (a `runs` row of kind delta: ledger, lease, rate limits, before-images).
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { ConflictError } from '../errors.ts';
import type { Mapping, PayloadResult } from '../mapping/index.ts';
import { loadOrganizations, loadPersons, stagedIds } from '../migration/inputs.ts';
import { organizationPayload, personPayload, type RefContext } from '../migration/payloads.ts';
import { listOwners } from '../migration/pipedrive-index.ts';
import { listRecords, type MigrationRecord } from '../migration/records.repository.ts';
import { activeRun, createRun, type Run } from '../migration/runs.repository.ts';
import type { MigrationService } from '../migration/service.ts';
import type { EngineEntity } from '../migration/types.ts';
import { openClient, type PipedriveServices } from '../pipedrive/connections.ts';
import { consolidate } from '../staging/consolidate.service.ts';
import { companyDataDir } from '../tenants/company-files.ts';
import { readSettings } from '../tenants/settings.repository.ts';
import { budgetPolicyOf } from '../tenants/settings.ts';
import { flagGone, liveState, saveSnapshotFile } from './changes.repository.ts';
import { type DeltaPolicy, diffRecord, type FieldChange } from './diff.ts';
import type { DeltaSync } from './sync.service.ts';

export interface DeltaServiceDeps {
  db: Knex;
  clock: Clock;
  dataDir: string;
  pipedrive: PipedriveServices;
  mapping: Mapping;
  migrations: MigrationService;
  sync: DeltaSync;
  kick?: () => void;
}

export interface EntityDelta {
  created: Array<{ actimoId: string; label: string | null }>;
  updated: Array<{
    actimoId: string;
    pipedriveId: number;
    fields: FieldChange[];
    heldBack: FieldChange[];
  }>;
  gone: Array<{ actimoId: string; pipedriveId: number | null }>;
  deletedInPipedrive: Array<{ actimoId: string; pipedriveId: number | null }>;
  unchanged: number;
}

export interface DeltaPreview {
  migrationId: number;
  policy: DeltaPolicy;
  newerFiles: Array<{ id: number; name: string; kind: string }>;
  deltaWindow: { hours: number; endsAt: string | null; open: boolean };
  persons: EntityDelta;
  organizations: EntityDelta;
  counts: { created: number; updated: number; heldBack: number; gone: number; deletedInPipedrive: number };
}

const EXISTING_STRIP = ['add_time', 'owner_id', 'visible_to'];
const UPDATE_STRIP = ['add_time'];

const emptyDelta = (): EntityDelta => ({
  created: [],
  updated: [],
  gone: [],
  deletedInPipedrive: [],
  unchanged: 0,
});

export class ActimoDeltaService {
  constructor(private readonly d: DeltaServiceDeps) {}

  /**
   * Files staged after the snapshot replace the snapshot's files of the same kinds (marked superseded, not
   * deleted) and the migration is consolidated again from what is left staged.
   */
  private async supersede(
    companyId: number,
    migrationId: number,
  ): Promise<Array<{ id: number; name: string; kind: string }>> {
    const { db } = this.d;
    const state = await liveState(db, companyId, migrationId);
    const snapshot = state.snapshotFileId ?? 0;
    const files: Array<Record<string, unknown>> = await db('source_files')
      .where({ company_id: companyId, migration_id: migrationId })
      .orderBy('id');
    const newer = files.filter((f) => Number(f.id) > snapshot && f.status === 'staged');
    const kinds = new Set(newer.map((f) => String(f.kind)));
    const older = files
      .filter((f) => Number(f.id) <= snapshot && f.status === 'staged' && kinds.has(String(f.kind)))
      .map((f) => Number(f.id));
    if (older.length > 0) {
      await db('source_files')
        .where({ company_id: companyId, migration_id: migrationId })
        .whereIn('id', older)
        .update({ status: 'superseded' });
      await consolidate(db, companyId, migrationId, {
        tempDir: path.join(companyDataDir(this.d.dataDir, companyId), 'tmp'),
      });
    }
    return newer.map((f) => ({ id: Number(f.id), name: String(f.name), kind: String(f.kind) }));
  }

  /** What a delta would do now, without writing to Pipedrive. */
  async preview(
    companyId: number,
    migrationId: number,
    policy: DeltaPolicy = 'keep_pipedrive',
  ): Promise<DeltaPreview> {
    const { db } = this.d;
    await this.d.sync.requireLive(companyId, migrationId);
    const newerFiles = await this.supersede(companyId, migrationId);
    const settings = await readSettings(db, companyId);
    const map = await this.d.mapping.previews.resolvedMapFor(companyId, migrationId);
    const opened = await openClient(this.d.pipedrive, companyId, { budget: budgetPolicyOf(settings) });
    let owners: RefContext['owners'];
    try {
      owners = await listOwners(opened.client);
    } finally {
      await opened.close();
    }
    const orgRecords = await listRecords(db, companyId, migrationId, { entity: 'organization' });
    const orgIds = new Map(
      orgRecords.filter((o) => o.pipedriveId !== null).map((o) => [o.actimoKey, o.pipedriveId!]),
    );
    const orgs = await loadOrganizations(db, companyId, migrationId);
    const orgNames = new Map<string, string>();
    for (const [id, o] of orgs) if (typeof o.values.name === 'string') orgNames.set(id, o.values.name);
    const ctx: RefContext = {
      map,
      owners,
      visibleTo: settings.visibleTo,
      orgIdFor: (id) => orgIds.get(id),
      orgNameOf: (id) => orgNames.get(id),
    };

    const organizations = this.diffEntity(
      orgRecords,
      [...orgs.keys()],
      (id) => {
        const o = orgs.get(id);
        return o ? organizationPayload(o, ctx) : undefined;
      },
      policy,
    );
    const personIds = await stagedIds(db, companyId, migrationId, 'staged_persons');
    const persons = await loadPersons(db, companyId, migrationId, personIds);
    const personRecords = await listRecords(db, companyId, migrationId, { entity: 'person' });
    const personDelta = this.diffEntity(
      personRecords,
      personIds,
      (id) => {
        const p = persons.get(id);
        return p ? personPayload(p, ctx) : undefined;
      },
      policy,
    );
    const health = await this.d.sync.health(companyId, migrationId);
    const all = [personDelta, organizations];
    const sum = (f: (e: EntityDelta) => number) => all.reduce((n, e) => n + f(e), 0);
    return {
      migrationId,
      policy,
      newerFiles,
      deltaWindow: health.deltaWindow,
      persons: personDelta,
      organizations,
      counts: {
        created: sum((e) => e.created.length),
        updated: sum((e) => e.updated.filter((u) => u.fields.length > u.heldBack.length).length),
        heldBack: sum((e) => e.updated.reduce((n, u) => n + u.heldBack.length, 0)),
        gone: sum((e) => e.gone.length),
        deletedInPipedrive: sum((e) => e.deletedInPipedrive.length),
      },
    };
  }

  private diffEntity(
    records: MigrationRecord[],
    stagedKeys: string[],
    build: (actimoId: string) => PayloadResult<Record<string, unknown>> | undefined,
    policy: DeltaPolicy,
  ): EntityDelta {
    const out = emptyDelta();
    const byKey = new Map(records.map((r) => [r.actimoKey, r]));
    const staged = new Set(stagedKeys);
    for (const id of stagedKeys) {
      const r = byKey.get(id);
      const built = build(id);
      if (!built || built.skip) continue;
      if (!r || r.pipedriveId === null) {
        if (r?.action !== 'skip')
          out.created.push({
            actimoId: id,
            label: r?.label ?? (built.body.name as string | undefined) ?? null,
          });
        continue;
      }
      if (r.deletedInPipedriveAt !== null) {
        out.deletedInPipedrive.push({ actimoId: id, pipedriveId: r.pipedriveId });
        continue;
      }
      const written = (r.written as { body?: Record<string, unknown> } | null)?.body;
      const fields = built.trace.map((t) => ({ key: t.pipedriveKey, type: t.valueType, target: t.target }));
      const d = diffRecord(
        written,
        built.body,
        fields,
        r.humanFields,
        policy,
        r.existedBefore ? EXISTING_STRIP : UPDATE_STRIP,
      );
      if (d.changed.length === 0) out.unchanged++;
      else
        out.updated.push({ actimoId: id, pipedriveId: r.pipedriveId, fields: d.changed, heldBack: d.held });
    }
    for (const r of records)
      if (!staged.has(r.actimoKey) && r.action !== 'skip')
        out.gone.push({ actimoId: r.actimoKey, pipedriveId: r.pipedriveId });
    return out;
  }

  /** Flags what is gone, plans the new records, and queues a delta run for the worker. */
  async apply(
    companyId: number,
    migrationId: number,
    policy: DeltaPolicy = 'keep_pipedrive',
  ): Promise<{ run: Run; preview: DeltaPreview }> {
    const { db, clock } = this.d;
    const active = await activeRun(db, companyId, migrationId);
    if (active)
      throw new ConflictError('run_in_progress', `Run ${active.id} of this migration is ${active.status}.`, {
        runId: active.id,
      });
    const preview = await this.preview(companyId, migrationId, policy);
    const now = clock.now();
    for (const [entity, table] of [
      ['person', 'staged_persons'],
      ['organization', 'staged_organizations'],
    ] as const) {
      const present = new Set(await stagedIds(db, companyId, migrationId, table));
      await flagGone(db, companyId, migrationId, entity as EngineEntity, present, now);
    }
    const plan = await this.d.migrations.plan(companyId, migrationId);
    const settings = await readSettings(db, companyId);
    const run = await createRun(
      db,
      companyId,
      migrationId,
      {
        kind: 'delta',
        sampleSize: null,
        settings: { ...settings, deltaPolicy: policy },
        estimate: { ...plan.estimate, delta: preview.counts },
        mapVersion: plan.mapVersion,
      },
      now,
    );
    // The newer files are now the snapshot the next delta is compared with.
    const newest = await db('source_files')
      .where({ company_id: companyId, migration_id: migrationId })
      .max({ id: 'id' })
      .first();
    await saveSnapshotFile(db, companyId, migrationId, newest?.id == null ? null : Number(newest.id));
    this.d.kick?.();
    return { run, preview };
  }
}
