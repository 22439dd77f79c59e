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
