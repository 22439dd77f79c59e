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

/** A lease owner name that says where the holder runs: `<host>:<pid>:<random>`. */
export function localOwnerName(host: string, pid: number, suffix: string): string {
  return `${host}:${pid}:${suffix}`;
}

/**
 * A holder on this host whose process is gone (killed, crashed) cannot renew: its lease is taken at once
 * instead of after expiry. Holders elsewhere are only ever taken over after their lease expires.
 */
export function holderIsDeadHere(
  owner: string | null,
  host: string,
  alive: (pid: number) => boolean,
): boolean {
  if (!owner) return false;
  const m = /^(.*):(\d+):[^:]+$/.exec(owner);
  if (!m || m[1] !== host) return false;
  const pid = Number(m[2]);
  return pid !== process.pid && !alive(pid);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lease from a named holder (one found dead on this host), by a conditional UPDATE. */
export async function takeOverLease(
  db: Knex,
  companyId: number,
  migrationId: number,
  from: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const n = await db('migrations')
    .where({ company_id: companyId, id: migrationId, lease_owner: from })
    .update({ lease_owner: owner, lease_expires_at: now + ttlMs });
  return n === 1;
}
