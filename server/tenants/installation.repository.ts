import { type Knex, readId, readTimestamp } from '../db.ts';

export type InstallationStatus = 'active' | 'uninstalled';

/** As stored: tokens stay encrypted here; installation.service decrypts them. */
export interface InstallationRecord {
  companyId: number;
  userId: number;
  apiDomain: string;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  expiresAt: string | null;
  scope: string;
  status: InstallationStatus;
  installedAt: string;
  updatedAt: string;
  uninstalledAt: string | null;
}

interface Row {
  company_id: unknown;
  user_id: unknown;
  api_domain: string;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  expires_at: unknown;
  scope: string;
  status: string;
  installed_at: unknown;
  updated_at: unknown;
  uninstalled_at: unknown;
}

function toRecord(r: Row): InstallationRecord {
  return {
    companyId: readId(r.company_id),
    userId: readId(r.user_id),
    apiDomain: r.api_domain,
    accessTokenEnc: r.access_token_enc,
    refreshTokenEnc: r.refresh_token_enc,
    expiresAt: readTimestamp(r.expires_at),
    scope: r.scope,
    status: r.status === 'active' ? 'active' : 'uninstalled',
    installedAt: readTimestamp(r.installed_at)!,
    updatedAt: readTimestamp(r.updated_at)!,
    uninstalledAt: readTimestamp(r.uninstalled_at),
  };
}

export async function findInstallation(
  db: Knex,
  companyId: number,
  options: { forUpdate?: boolean } = {},
): Promise<InstallationRecord | undefined> {
  const q = db<Row>('installations').where({ company_id: companyId });
  // Row lock for the refresh (PostgreSQL); SQLite's single connection already serialises writers.
  if (options.forUpdate && db.client.config.client === 'pg') q.forUpdate();
  const row = await q.first();
  return row ? toRecord(row) : undefined;
}

export interface TokenColumns {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date;
  scope: string;
  apiDomain: string;
}

export async function saveInstallation(
  db: Knex,
  companyId: number,
  install: TokenColumns & { userId: number },
): Promise<void> {
  const cols = {
    user_id: install.userId,
    api_domain: install.apiDomain,
    access_token_enc: install.accessTokenEnc,
    refresh_token_enc: install.refreshTokenEnc,
    expires_at: install.expiresAt,
    scope: install.scope,
    status: 'active',
    uninstalled_at: null,
  };
  await db('installations')
    .insert({ company_id: companyId, ...cols, installed_at: db.fn.now() })
    .onConflict('company_id')
    .merge({ ...cols, installed_at: db.fn.now(), updated_at: db.fn.now() });
}

export async function updateTokens(db: Knex, companyId: number, tokens: TokenColumns): Promise<void> {
  await db('installations').where({ company_id: companyId }).update({
    access_token_enc: tokens.accessTokenEnc,
    refresh_token_enc: tokens.refreshTokenEnc,
    expires_at: tokens.expiresAt,
    scope: tokens.scope,
    api_domain: tokens.apiDomain,
    updated_at: db.fn.now(),
  });
}

/** Forgets the tokens and marks the installation uninstalled; returns whether one was active. */
export async function markUninstalled(db: Knex, companyId: number): Promise<boolean> {
  const n = await db('installations').where({ company_id: companyId, status: 'active' }).update({
    status: 'uninstalled',
    access_token_enc: null,
    refresh_token_enc: null,
    expires_at: null,
    uninstalled_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  return n > 0;
}
