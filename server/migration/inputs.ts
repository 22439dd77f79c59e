// Staged records in bulk for the engine: the same shapes as mapping/staged-input.repository.ts (which
// loads one record for the value preview), read a chunk at a time so a run never makes a query per row.
import { type Knex, readBool, readJson } from '../db.ts';
import type { StagedOrganizationInput, StagedPersonInput } from '../mapping/index.ts';
import type { StagedPart } from '../mapping/payload-read.ts';
import type { Provenance, StagedScalar } from '../staging/vocabulary.ts';

type Row = Record<string, unknown>;

function part(r: Row): StagedPart {
  return {
    values: readJson<Record<string, StagedScalar>>(r.data),
    provenance: readJson<Record<string, Provenance>>(r.provenance),
  };
}

const scope = (companyId: number, migrationId: number) => ({
  company_id: companyId,
  migration_id: migrationId,
});

/** Every staged Actimo id of an entity, in staging order. */
export async function stagedIds(
  db: Knex,
  companyId: number,
  migrationId: number,
  table: 'staged_persons' | 'staged_organizations',
): Promise<string[]> {
  const rows = await db(table).where(scope(companyId, migrationId)).orderBy('id').select('actimo_id');
  return rows.map((r) => String(r.actimo_id));
}

export async function loadPersons(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoIds: readonly string[],
): Promise<Map<string, StagedPersonInput>> {
  const out = new Map<string, StagedPersonInput>();
  for (let i = 0; i < actimoIds.length; i += 500) {
    const ids = actimoIds.slice(i, i + 500) as string[];
    const [persons, metrics, links] = await Promise.all([
      db('staged_persons').where(scope(companyId, migrationId)).whereIn('actimo_id', ids),
      db('staged_person_metrics').where(scope(companyId, migrationId)).whereIn('actimo_id', ids),
      db('staged_memberships').where(scope(companyId, migrationId)).whereIn('person_id', ids).orderBy('id'),
    ]);
    const metricsOf = new Map(metrics.map((m: Row) => [String(m.actimo_id), part(m)]));
    const linksOf = new Map<string, StagedPersonInput['memberships'] & unknown[]>();
    for (const l of links as Row[]) {
      const k = String(l.person_id);
      const list = linksOf.get(k) ?? [];
      list.push({
        organizationId: String(l.organization_id),
        isPrimary: readBool(l.is_primary),
        provenance: readJson<Provenance>(l.provenance),
      });
      linksOf.set(k, list);
    }
    for (const p of persons as Row[]) {
      const id = String(p.actimo_id);
      out.set(id, {
        actimoId: id,
        ...part(p),
        metrics: metricsOf.get(id) ?? null,
        memberships: linksOf.get(id) ?? [],
      });
    }
  }
  return out;
}

export async function loadOrganizations(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoIds?: readonly string[],
): Promise<Map<string, StagedOrganizationInput>> {
  const out = new Map<string, StagedOrganizationInput>();
  const read = async (ids?: string[]) => {
    const q = db('staged_organizations').where(scope(companyId, migrationId)).orderBy('id');
    if (ids) q.whereIn('actimo_id', ids);
    for (const o of (await q) as Row[])
      out.set(String(o.actimo_id), { actimoId: String(o.actimo_id), ...part(o) });
  };
  if (!actimoIds) await read();
  else for (let i = 0; i < actimoIds.length; i += 500) await read(actimoIds.slice(i, i + 500) as string[]);
  return out;
}

/** A staged file (docs/staging.md): its person, the export's values and, when uploaded, the stored copy. */
export interface StagedFileInput {
  /** `<personId>:<path>`, unique per migration. */
  actimoId: string;
  personId: string;
  fileName: string | null;
  uploadDate: string | null;
  storedPath: string | null;
  size: number | null;
  sha256: string | null;
  mime: string | null;
  /** The export file the row came from (its name), for the note's "source batch". */
  sourceBatch: string | null;
}

/** Every staged file's Actimo key, in staging order. */
export async function stagedFileIds(db: Knex, companyId: number, migrationId: number): Promise<string[]> {
  const rows = await db('staged_files')
    .where(scope(companyId, migrationId))
    .orderBy('id')
    .select('actimo_id');
  return rows.map((r) => String(r.actimo_id));
}

export async function loadFiles(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoIds: readonly string[],
): Promise<Map<string, StagedFileInput>> {
  const out = new Map<string, StagedFileInput>();
  const sourceNames = new Map<number, string>();
  for (let i = 0; i < actimoIds.length; i += 500) {
    const rows = (await db('staged_files')
      .where(scope(companyId, migrationId))
      .whereIn('actimo_id', actimoIds.slice(i, i + 500) as string[])) as Row[];
    const parsed = rows.map((r) => ({ r, ...part(r) }));
    const fileIds = new Set<number>();
    for (const p of parsed) {
      const at = p.provenance.fileName ?? p.provenance.path ?? p.provenance.personId;
      if (at && !sourceNames.has(at[0])) fileIds.add(at[0]);
    }
    if (fileIds.size > 0) {
      const files = await db('source_files')
        .where({ company_id: companyId, migration_id: migrationId })
        .whereIn('id', [...fileIds])
        .select('id', 'name');
      for (const f of files) sourceNames.set(Number(f.id), String(f.name));
    }
    for (const { r, values, provenance } of parsed) {
      const s = (k: string) => (values[k] == null || values[k] === '' ? null : String(values[k]));
      const at = provenance.fileName ?? provenance.path ?? provenance.personId;
      out.set(String(r.actimo_id), {
        actimoId: String(r.actimo_id),
        personId: String(r.person_id ?? values.personId),
        fileName: s('fileName'),
        uploadDate: s('uploadDate'),
        storedPath: s('storedPath'),
        size:
          typeof values.size === 'number' ? values.size : values.size == null ? null : Number(values.size),
        sha256: s('sha256'),
        mime: s('mime'),
        sourceBatch: at ? (sourceNames.get(at[0]) ?? null) : null,
      });
    }
  }
  return out;
}

/** A staged call or meeting (docs/staging.md): its person and values (due date and time already in UTC). */
export interface StagedActivityInput {
  actimoId: string;
  personId: string | null;
  values: Record<string, StagedScalar>;
}

export async function stagedActivityIds(db: Knex, companyId: number, migrationId: number): Promise<string[]> {
  const rows = await db('staged_activities')
    .where(scope(companyId, migrationId))
    .orderBy('id')
    .select('actimo_id');
  return rows.map((r) => String(r.actimo_id));
}

export async function loadActivities(
  db: Knex,
  companyId: number,
  migrationId: number,
  actimoIds: readonly string[],
): Promise<Map<string, StagedActivityInput>> {
  const out = new Map<string, StagedActivityInput>();
  for (let i = 0; i < actimoIds.length; i += 500) {
    const rows = (await db('staged_activities')
      .where(scope(companyId, migrationId))
      .whereIn('actimo_id', actimoIds.slice(i, i + 500) as string[])) as Row[];
    for (const r of rows) {
      const values = readJson<Record<string, StagedScalar>>(r.data);
      const person = r.person_id ?? values.personId;
      out.set(String(r.actimo_id), {
        actimoId: String(r.actimo_id),
        personId: person == null || person === '' ? null : String(person),
        values,
      });
    }
  }
  return out;
}
