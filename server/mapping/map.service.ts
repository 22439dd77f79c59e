// The field map's use cases, shared by the HTTP API and the CLI: read the map (proposed on first read,
// and kept in step with the staged files), edit its source and destination sides, confirm it. Every edit
// is a new version; a change to how columns are read re-runs consolidation through staging's entry point.
import path from 'node:path';
import type { ColumnProfile } from '../actimo/profile.ts';
import type { Knex } from '../db.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { PipedriveServices } from '../pipedrive/connections.ts';
import { openClient } from '../pipedrive/connections.ts';
import { listAccountFields, listFields } from '../pipedrive/fields.ts';
import { consolidate } from '../staging/consolidate.service.ts';
import {
  findMigration,
  listSourceFiles,
  type SourceFile,
  updateSourceFile,
} from '../staging/source-file.repository.ts';
import { isTabularKind } from '../staging/vocabulary.ts';
import { choices } from './choices.ts';
import type { MapDocument, MapSettings } from './document.ts';
import { DEFAULT_MAP_SETTINGS } from './document.ts';
import {
  applyDestinationChanges,
  applySourceChanges,
  type DestinationChange,
  type SourceChange,
} from './edit.ts';
import {
  confirmMapVersion,
  insertMapVersion,
  latestMap,
  listMapVersions,
  type MapRow,
} from './map.repository.ts';
import { profilesWithSignature } from './profile.repository.ts';
import { applyProfile, applyProfileToFile, profileLabel } from './profile.ts';
import { proposeDestinations } from './propose-destination.ts';
import { applyPrior, proposeFile, rolesDiffer, rolesOf } from './propose-source.ts';
import { blockersOf } from './review.ts';
import { type ExistingFieldChoice, existingFieldChoices, type MapView, mapView } from './view.ts';

export interface MappingDeps {
  db: Knex;
  /** DATA_DIR: consolidation spills under DATA_DIR/tmp. */
  dataDir: string;
  pipedrive: PipedriveServices;
}

type Tabular = SourceFile & { kind: Parameters<typeof proposeFile>[0]['kind'] };

const stagedTables = (files: SourceFile[]) =>
  files.filter((f): f is Tabular => f.status === 'staged' && isTabularKind(f.kind));

export class MappingService {
  constructor(private readonly deps: MappingDeps) {}

  private get db(): Knex {
    return this.deps.db;
  }

  async requireMigration(companyId: number, migrationId: number): Promise<void> {
    if (!(await findMigration(this.db, companyId, migrationId)))
      throw new NotFoundError('migration_not_found', `Migration ${migrationId} does not exist.`);
  }

  /** The latest map, proposed on first read and updated when files were added, removed or re-kinded. */
  async current(companyId: number, migrationId: number, userId: number | null): Promise<MapRow> {
    await this.requireMigration(companyId, migrationId);
    const files = stagedTables(await listSourceFiles(this.db, companyId, migrationId));
    const latest = await latestMap(this.db, companyId, migrationId);
    const known = new Map((latest?.document.files ?? []).map((f) => [f.fileId, f]));
    const fresh = files.filter((f) => known.get(f.id)?.kind !== f.kind);
    const gone = [...known.keys()].filter((id) => !files.some((f) => f.id === id));
    if (latest && fresh.length === 0 && gone.length === 0) return latest;

    const base: MapDocument = latest?.document ?? {
      files: [],
      destinations: proposeDestinations(),
      settings: DEFAULT_MAP_SETTINGS,
    };
    let doc: MapDocument = { ...base, files: base.files.filter((f) => !gone.includes(f.fileId)) };
    const notes: string[] = [];
    for (const f of fresh) {
      let spec = proposeFile(f);
      const twin = doc.files.find((x) => x.signature === spec.signature && x.fileId !== f.id);
      if (twin) {
        spec = applyPrior(spec, twin.columns, 'profile', `"${twin.name}" of this migration`);
        notes.push(`${f.name} mapped as ${twin.name}`);
      } else {
        const [profile] = await profilesWithSignature(this.db, companyId, spec.signature);
        if (profile) {
          spec = applyProfileToFile(spec, profile.document);
          // A brand-new map takes the profile's destinations and settings too.
          if (!latest)
            doc = { ...applyProfile({ ...doc, files: [] }, profile.document).doc, files: doc.files };
          notes.push(`${f.name} mapped by ${profileLabel(profile.document)}`);
        } else notes.push(`${f.name} proposed`);
      }
      doc = {
        ...doc,
        files: [...doc.files.filter((x) => x.fileId !== f.id), spec].sort((a, b) => a.fileId - b.fileId),
      };
    }
    for (const id of gone) notes.push(`${known.get(id)?.name ?? `file ${id}`} removed`);
    doc = await choices(this.db, companyId, doc);
    try {
      return await this.commit(
        companyId,
        migrationId,
        userId,
        latest,
        doc,
        new Set(fresh.map((f) => f.id)),
        notes.join('; '),
      );
    } catch (err) {
      // Another request brought the map up to date first: theirs is as good as ours.
      if (err instanceof ConflictError) {
        const now = await latestMap(this.db, companyId, migrationId);
        if (now) return now;
      }
      throw err;
    }
  }

  async view(companyId: number, migrationId: number, userId: number | null): Promise<MapView> {
    return this.viewOf(companyId, await this.current(companyId, migrationId, userId));
  }

  async viewOf(companyId: number, row: MapRow): Promise<MapView> {
    const files = await listSourceFiles(this.db, companyId, row.migrationId);
    const { document, resolved: _r, createdBy: _c, ...meta } = row;
    return mapView(meta, document, profilesByFile(files));
  }

  async versions(companyId: number, migrationId: number) {
    await this.requireMigration(companyId, migrationId);
    return listMapVersions(this.db, companyId, migrationId);
  }

  /** The account's custom fields a destination may use instead of one of ours, read from Pipedrive. */
  async accountFields(
    companyId: number,
    migrationId: number,
  ): Promise<{ person: ExistingFieldChoice[]; organization: ExistingFieldChoice[] }> {
    await this.requireMigration(companyId, migrationId);
    const { client, close } = await openClient(this.deps.pipedrive, companyId);
    try {
      return existingFieldChoices(await listAccountFields(client));
    } finally {
      await close();
    }
  }

  /** The latest map, checked against the version the editor saw. */
  async editable(companyId: number, migrationId: number, userId: number, version: number): Promise<MapRow> {
    const latest = await this.current(companyId, migrationId, userId);
    if (latest.version !== version)
      throw new ConflictError(
        'map_changed',
        `The map is at version ${latest.version}, not ${version}: it changed meanwhile. Reload it and edit again.`,
      );
    return latest;
  }

  async editSource(
    companyId: number,
    migrationId: number,
    userId: number,
    version: number,
    changes: readonly SourceChange[],
  ): Promise<MapView> {
    const latest = await this.editable(companyId, migrationId, userId, version);
    const profiles = profilesByFile(await listSourceFiles(this.db, companyId, migrationId));
    const { doc, reread } = applySourceChanges(latest.document, changes, (fileId, column) =>
      profiles.get(fileId)?.find((p) => p.index === column),
    );
    const next = await choices(this.db, companyId, doc);
    const what = changes.map(
      (c) =>
        `${latest.document.files.find((f) => f.fileId === c.fileId)?.columns.find((x) => x.column === c.column)?.header ?? c.column}`,
    );
    const row = await this.commit(
      companyId,
      migrationId,
      userId,
      latest,
      next,
      reread,
      `columns changed: ${what.join(', ')}`,
    );
    return this.viewOf(companyId, row);
  }

  async editDestinations(
    companyId: number,
    migrationId: number,
    userId: number,
    version: number,
    changes: readonly DestinationChange[],
    settings?: Partial<MapSettings>,
  ): Promise<MapView> {
    const latest = await this.editable(companyId, migrationId, userId, version);
    // An existing field is checked against the account's own list (its type, its options).
    const entities = [
      ...new Set(changes.filter((c) => c.destination.kind === 'existing').map((c) => c.entity)),
    ];
    const account = {
      person: [] as Awaited<ReturnType<typeof listFields>>,
      organization: [] as Awaited<ReturnType<typeof listFields>>,
    };
    if (entities.length) {
      const { client, close } = await openClient(this.deps.pipedrive, companyId);
      try {
        for (const e of entities) account[e] = await listFields(client, e);
      } finally {
        await close();
      }
    }
    const doc = applyDestinationChanges(
      latest.document,
      changes,
      (entity, code) => account[entity].find((f) => f.code === code),
      settings,
    );
    const next = await choices(this.db, companyId, doc);
    const what = [
      ...changes.map((c) => `${c.entity}.${c.field}`),
      ...(settings ? Object.keys(settings) : []),
    ];
    const row = await this.commit(
      companyId,
      migrationId,
      userId,
      latest,
      next,
      new Set(),
      `destinations changed: ${what.join(', ')}`,
    );
    return this.viewOf(companyId, row);
  }

  /** Confirms the latest version; refused while anything blocks it. */
  async confirm(companyId: number, migrationId: number, userId: number, version: number): Promise<MapRow> {
    const latest = await this.editable(companyId, migrationId, userId, version);
    if (latest.status === 'confirmed') return latest;
    const blockers = blockersOf(
      latest.document,
      profilesByFile(await listSourceFiles(this.db, companyId, migrationId)),
    );
    if (blockers.length)
      throw new ValidationError(
        'map_not_ready',
        `The map cannot be confirmed yet: ${blockers.length} thing${blockers.length === 1 ? '' : 's'} to decide first (${blockers[0]!.message}${blockers.length > 1 ? ', …' : ''}).`,
        { blockers },
      );
    if (!(await confirmMapVersion(this.db, companyId, migrationId, version, userId)))
      throw new ConflictError('map_changed', 'The map changed while it was being confirmed; reload it.');
    return (await latestMap(this.db, companyId, migrationId))!;
  }

  /** Writes the column roles of re-read files, re-consolidates, and stores the next version. */
  async commit(
    companyId: number,
    migrationId: number,
    userId: number | null,
    base: MapRow | undefined,
    doc: MapDocument,
    reread: ReadonlySet<number>,
    note: string,
  ): Promise<MapRow> {
    const files = await listSourceFiles(this.db, companyId, migrationId);
    const previous = new Map<number, SourceFile['columnRoles']>();
    for (const id of reread) {
      const f = files.find((x) => x.id === id);
      const spec = doc.files.find((x) => x.fileId === id);
      if (!f || !spec) continue;
      const roles = rolesOf(spec, f.columnRoles);
      if (!rolesDiffer(roles, f.columnRoles)) continue;
      previous.set(id, f.columnRoles);
      await updateSourceFile(this.db, companyId, id, { columnRoles: roles });
    }
    if (previous.size > 0) {
      try {
        await consolidate(this.db, companyId, migrationId, { tempDir: path.join(this.deps.dataDir, 'tmp') });
      } catch (err) {
        for (const [id, roles] of previous)
          await updateSourceFile(this.db, companyId, id, { columnRoles: roles });
        throw err;
      }
    }
    return insertMapVersion(this.db, companyId, migrationId, {
      version: (base?.version ?? 0) + 1,
      document: doc,
      note: note || 'proposed',
      createdBy: userId,
    });
  }
}

export function profilesByFile(files: readonly SourceFile[]): Map<number, ColumnProfile[]> {
  return new Map(files.map((f) => [f.id, f.columnProfiles]));
}
