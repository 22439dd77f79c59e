import { type Knex, readId, readTimestamp } from '../db.ts';

export type CompanyMode = 'local' | 'marketplace';

export interface Company {
  id: number;
  name: string;
  mode: CompanyMode;
  createdAt: string;
  updatedAt: string;
}

interface CompanyRow {
  id: number | string;
  name: string;
  mode: string;
  created_at: unknown;
  updated_at: unknown;
}

function toCompany(r: CompanyRow): Company {
  return {
    id: readId(r.id),
    name: r.name,
    mode: r.mode === 'marketplace' ? 'marketplace' : 'local',
    createdAt: readTimestamp(r.created_at)!,
    updatedAt: readTimestamp(r.updated_at)!,
  };
}

export async function findCompany(db: Knex, companyId: number): Promise<Company | undefined> {
  const row = await db<CompanyRow>('companies').where({ id: companyId }).first();
  return row ? toCompany(row) : undefined;
}

/** Creates the company, or updates its name and mode; returns it as stored. */
export async function upsertCompany(
  db: Knex,
  company: { id: number; name: string; mode: CompanyMode },
): Promise<Company> {
  await db('companies')
    .insert({ id: company.id, name: company.name, mode: company.mode })
    .onConflict('id')
    .merge({ name: company.name, mode: company.mode, updated_at: db.fn.now() });
  const stored = await findCompany(db, company.id);
  if (!stored) throw new Error(`company ${company.id} vanished after upsert`);
  return stored;
}
