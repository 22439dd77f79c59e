// migration_maps: the versions of a migration's field map. Append-only: an edit inserts the next version;
// confirming and provisioning mark a version. Every function takes the company and scopes by it.
import { type Knex, readId, readJson, readTimestamp, writeJson } from '../db.ts';
import { ConflictError } from '../errors.ts';
import { type MapDocument, mapDocumentSchema } from './document.ts';
import type { ResolvedMap } from './resolve.ts';

export type MapStatus = 'draft' | 'confirmed';

export interface MapRow {
  migrationId: number;
  version: number;
  status: MapStatus;
  document: MapDocument;
  /** What changed in this version, in words. */
  note: string | null;
  createdBy: number | null;
  createdAt: string;
  confirmedBy: number | null;
  confirmedAt: string | null;
  resolved: ResolvedMap | null;
  provisionedAt: string | null;
}

type Row = Record<string, unknown>;

function toMap(r: Row): MapRow {
  return {
    migrationId: readId(r.migration_id),
    version: Number(r.version),
    status: r.status as MapStatus,
    document: mapDocumentSchema.parse(readJson<unknown>(r.document)),
    note: r.note === null || r.note === undefined ? null : String(r.note),
    createdBy: r.created_by === null || r.created_by === undefined ? null : readId(r.created_by),
    createdAt: readTimestamp(r.created_at)!,
    confirmedBy: r.confirmed_by === null || r.confirmed_by === undefined ? null : readId(r.confirmed_by),
    confirmedAt: readTimestamp(r.confirmed_at),
    resolved: r.resolved ? readJson<ResolvedMap>(r.resolved) : null,
    provisionedAt: readTimestamp(r.provisioned_at),
  };
}

export async function latestMap(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<MapRow | undefined> {
  const row = await db('migration_maps')
    .where({ company_id: companyId, migration_id: migrationId })
    .orderBy('version', 'desc')
    .first();
  return row ? toMap(row) : undefined;
}

export async function mapVersion(
  db: Knex,
  companyId: number,
  migrationId: number,
  version: number,
): Promise<MapRow | undefined> {
  const row = await db('migration_maps')
    .where({ company_id: companyId, migration_id: migrationId, version })
    .first();
  return row ? toMap(row) : undefined;
}

export async function listMapVersions(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<
  Array<
    Pick<MapRow, 'version' | 'status' | 'note' | 'createdBy' | 'createdAt' | 'confirmedAt' | 'provisionedAt'>
  >
> {
  const rows = await db('migration_maps')
    .select('version', 'status', 'note', 'created_by', 'created_at', 'confirmed_at', 'provisioned_at')
    .where({ company_id: companyId, migration_id: migrationId })
    .orderBy('version', 'desc');
  return rows.map((r) => ({
    version: Number(r.version),
    status: r.status as MapStatus,
    note: r.note ?? null,
    createdBy: r.created_by === null ? null : readId(r.created_by),
    createdAt: readTimestamp(r.created_at)!,
    confirmedAt: readTimestamp(r.confirmed_at),
    provisionedAt: readTimestamp(r.provisioned_at),
  }));
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e?.code === '23505' ||
    String(e?.code) === 'SQLITE_CONSTRAINT' ||
    /UNIQUE constraint/.test(String(e?.message))
  );
}

/** Inserts the next version; a concurrent edit that took the same version number is a conflict. */
export async function insertMapVersion(
  db: Knex,
  companyId: number,
  migrationId: number,
  v: { version: number; document: MapDocument; note: string; createdBy: number | null },
): Promise<MapRow> {
  try {
    const [row] = await db('migration_maps')
      .insert({
        company_id: companyId,
        migration_id: migrationId,
        version: v.version,
        status: 'draft',
        document: writeJson(v.document),
        note: v.note.slice(0, 255),
        created_by: v.createdBy,
      })
      .returning('*');
    return toMap(row as Row);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(
        'map_changed',
        `The map changed meanwhile (version ${v.version} exists); reload it and edit again.`,
      );
    throw err;
  }
}

/** Confirms a draft version; false when it is not the migration's latest draft. */
export async function confirmMapVersion(
  db: Knex,
  companyId: number,
  migrationId: number,
  version: number,
  userId: number,
): Promise<boolean> {
  const newer = await db('migration_maps')
    .where({ company_id: companyId, migration_id: migrationId })
    .andWhere('version', '>', version)
    .first('version');
  if (newer) return false;
  const n = await db('migration_maps')
    .where({ company_id: companyId, migration_id: migrationId, version, status: 'draft' })
    .update({ status: 'confirmed', confirmed_by: userId, confirmed_at: db.fn.now() });
  return n === 1;
}

export async function setResolvedMap(
  db: Knex,
  companyId: number,
  migrationId: number,
  version: number,
  resolved: ResolvedMap,
): Promise<void> {
  await db('migration_maps')
    .where({ company_id: companyId, migration_id: migrationId, version })
    .update({ resolved: writeJson(resolved), provisioned_at: db.fn.now() });
}
