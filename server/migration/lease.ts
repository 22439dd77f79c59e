// The lease that keeps two workers off one migration: taken by a conditional UPDATE (free, ours, or
// expired), renewed by heartbeat while we hold it, stolen only after it expired.
import type { Knex } from '../db.ts';

export async function acquireLease(
  db: Knex,
  companyId: number,
  migrationId: number,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const n = await db('migrations')
    .where({ company_id: companyId, id: migrationId })
    .andWhere((q) =>
      q.whereNull('lease_owner').orWhere('lease_owner', owner).orWhere('lease_expires_at', '<', now),
    )
    .update({ lease_owner: owner, lease_expires_at: now + ttlMs });
  return n === 1;
}

/** Extends a lease we hold; false when it was stolen (it had expired) or released. */
export async function renewLease(
  db: Knex,
  companyId: number,
  migrationId: number,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const n = await db('migrations')
    .where({ company_id: companyId, id: migrationId, lease_owner: owner })
    .update({ lease_expires_at: now + ttlMs });
  return n === 1;
}

export async function releaseLease(
  db: Knex,
  companyId: number,
  migrationId: number,
  owner: string,
): Promise<void> {
  await db('migrations')
    .where({ company_id: companyId, id: migrationId, lease_owner: owner })
    .update({ lease_owner: null, lease_expires_at: null });
}

export async function leaseHolder(
  db: Knex,
  companyId: number,
  migrationId: number,
): Promise<{ owner: string | null; expiresAt: number | null }> {
  const r = await db('migrations')
    .where({ company_id: companyId, id: migrationId })
    .first('lease_owner', 'lease_expires_at');
  return {
    owner: (r?.lease_owner as string | null | undefined) ?? null,
    expiresAt: r?.lease_expires_at == null ? null : Number(r.lease_expires_at),
  };
}
