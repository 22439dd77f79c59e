// mapping_profiles: named, versioned field maps per company. Saving under an existing name adds a version.
// Every function takes the company and scopes by it.
import { type Knex, readId, readJson, readTimestamp, writeJson } from '../db.ts';
import { type ProfileDocument, profileDocumentSchema } from './profile.ts';

export interface ProfileRow {
  id: number;
  name: string;
  version: number;
  signatures: string[];
  document: ProfileDocument;
  createdBy: number | null;
  createdAt: string;
}

type Row = Record<string, unknown>;

function toProfile(r: Row): ProfileRow {
  return {
    id: readId(r.id),
    name: String(r.name),
    version: Number(r.version),
    signatures: readJson<string[]>(r.signatures),
    document: profileDocumentSchema.parse(readJson<unknown>(r.document)),
    createdBy: r.created_by === null || r.created_by === undefined ? null : readId(r.created_by),
    createdAt: readTimestamp(r.created_at)!,
  };
}

export async function listProfiles(db: Knex, companyId: number): Promise<ProfileRow[]> {
  const rows = await db('mapping_profiles')
    .where({ company_id: companyId })
    .orderBy([{ column: 'name' }, { column: 'version', order: 'desc' }]);
  return rows.map(toProfile);
}

export async function findProfile(db: Knex, companyId: number, id: number): Promise<ProfileRow | undefined> {
  const row = await db('mapping_profiles').where({ company_id: companyId, id }).first();
  return row ? toProfile(row) : undefined;
}

/**
 * Stores the next version of a named profile. The version is read and written in one transaction; the
 * unique (company, name, version) key catches a concurrent save, which is retried once.
 */
export async function insertProfile(
  db: Knex,
  companyId: number,
  p: { name: string; signatures: string[]; document: ProfileDocument; createdBy: number | null },
): Promise<ProfileRow> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        const [max] = await trx('mapping_profiles')
          .where({ company_id: companyId, name: p.name })
          .max({ v: 'version' });
        const version = Number(max?.v ?? 0) + 1;
        const [row] = await trx('mapping_profiles')
          .insert({
            company_id: companyId,
            name: p.name,
            version,
            signatures: writeJson(p.signatures),
            document: writeJson({ ...p.document, name: p.name, version }),
            created_by: p.createdBy,
          })
          .returning('*');
        return toProfile(row as Row);
      });
    } catch (err) {
      if (
        attempt >= 1 ||
        !/unique|23505/i.test(`${(err as { code?: string }).code} ${(err as Error).message}`)
      )
        throw err;
    }
  }
}

/** Profiles that know a file signature, newest first. */
export async function profilesWithSignature(
  db: Knex,
  companyId: number,
  signature: string,
): Promise<ProfileRow[]> {
  // Signatures are "kind:hex", so a quoted LIKE finds them in the JSON array on both engines.
  const rows = await db('mapping_profiles')
    .where({ company_id: companyId })
    .andWhere('signatures', 'like', `%"${signature.replace(/[^a-z0-9:]/g, '')}"%`)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  return rows.map(toProfile);
}
