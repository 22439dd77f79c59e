// Marketplace installations: completing an install, handing out a valid access token (refreshed ahead
// of expiry, once per company however many callers ask at the same moment), and uninstalling (purging
// every token and every staged byte of the company).
import { rm } from 'node:fs/promises';
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  createPipedriveClient,
  type LimiterRegistry,
  type PipedriveConnection,
} from '../pipedrive/client.ts';
import { InvalidGrantError, type OAuthApp, type PipedriveTokens, refreshTokens } from '../pipedrive/oauth.ts';
import { upsertCompany } from './company.repository.ts';
import { companyDataDir } from './company-files.ts';
import {
  findInstallation,
  type InstallationRecord,
  markUninstalled,
  saveInstallation,
  type TokenColumns,
  updateTokens,
} from './installation.repository.ts';
import { type PurgeResult, purgeCompanyRows } from './purge.repository.ts';
import { readSettings } from './settings.repository.ts';
import { decryptToken, encryptToken, type Keyring } from './token-crypto.ts';

/** Refresh this long before Pipedrive's expiry, so no request leaves with a token about to lapse. */
const REFRESH_AHEAD_MS = 5 * 60 * 1000;

/** Tables kept when the admin asked to keep the record of what we wrote in Pipedrive. */
export const LEDGER_TABLES = ['ledger'];

export interface InstallationDeps {
  db: Knex;
  clock: Clock;
  keyring: Keyring;
  oauth: OAuthApp;
  limiters: LimiterRegistry;
  logger: Logger;
  dataDir: string;
  /** Token refresh; Pipedrive's OAuth server unless a test swaps it. */
  refresh?: (app: OAuthApp, refreshToken: string) => Promise<PipedriveTokens>;
}

export class NotInstalledError extends AppError {
  override name = 'NotInstalledError';
  constructor(companyId: number) {
    super('forbidden', 'app_not_installed', `The app is not installed for Pipedrive company ${companyId}`);
  }
}

export class InstallationService {
  private readonly cache = new Map<number, { token: string; expiresAt: number }>();
  private readonly refreshing = new Map<number, Promise<string>>();

  constructor(private readonly d: InstallationDeps) {}

  /** After the OAuth code exchange: find out who installed (users/me) and store the encrypted tokens. */
  async completeInstall(tokens: PipedriveTokens): Promise<{ companyId: number; userId: number }> {
    const probe = createPipedriveClient(
      {
        companyId: 0,
        apiUrl: tokens.apiDomain,
        auth: { kind: 'oauth', userId: 0, accessToken: async () => tokens.accessToken },
      },
      { clock: this.d.clock, limiters: this.d.limiters },
    );
    const me = (await probe.users.getCurrentUser()).data;
    if (!me?.company_id || !me.id) {
      throw new AppError(
        'upstream',
        'pipedrive_me_incomplete',
        'Pipedrive did not say which company installed the app',
      );
    }
    const companyId = me.company_id;
    await this.d.db.transaction(async (trx) => {
      await upsertCompany(trx, {
        id: companyId,
        name: me.company_name ?? `Company ${companyId}`,
        mode: 'marketplace',
      });
      await saveInstallation(trx, companyId, { userId: me.id!, ...this.columns(companyId, tokens) });
    });
    this.cache.set(companyId, { token: tokens.accessToken, expiresAt: this.expiry(tokens) });
    this.d.logger.info({ companyId, userId: me.id, apiDomain: tokens.apiDomain }, 'app installed');
    return { companyId, userId: me.id };
  }

  /** The installation, if active; the iframe and every job check this before anything else. */
  async requireActive(companyId: number): Promise<InstallationRecord> {
    const inst = await findInstallation(this.d.db, companyId);
    if (inst?.status !== 'active') throw new NotInstalledError(companyId);
    return inst;
  }

  /** How `server/pipedrive` reaches this company's Pipedrive. */
  async connection(companyId: number): Promise<PipedriveConnection> {
    const inst = await this.requireActive(companyId);
    return {
      companyId,
      apiUrl: inst.apiDomain,
      auth: { kind: 'oauth', userId: inst.userId, accessToken: () => this.accessToken(companyId) },
    };
  }

  /** A valid access token; refreshed ahead of expiry, single-flight per company. */
  async accessToken(companyId: number): Promise<string> {
    const cached = this.cache.get(companyId);
    if (cached && cached.expiresAt - REFRESH_AHEAD_MS > this.d.clock.now()) return cached.token;
    let pending = this.refreshing.get(companyId);
    if (!pending) {
      pending = this.loadOrRefresh(companyId).finally(() => this.refreshing.delete(companyId));
      this.refreshing.set(companyId, pending);
    }
    return pending;
  }

  /** Pipedrive's uninstall callback (or ours): forget the tokens and purge the company's data. */
  async uninstall(companyId: number): Promise<PurgeResult> {
    const settings = await readSettings(this.d.db, companyId);
    this.cache.delete(companyId);
    const result = await purgeCompanyRows(
      this.d.db,
      companyId,
      settings.keepLedgerOnUninstall ? LEDGER_TABLES : [],
    );
    await rm(companyDataDir(this.d.dataDir, companyId), { recursive: true, force: true });
    this.d.logger.info(
      { companyId, deleted: result.deleted, kept: result.kept },
      'app uninstalled; company data purged',
    );
    return result;
  }

  private async loadOrRefresh(companyId: number): Promise<string> {
    // The row lock (PostgreSQL) makes a second app server wait and then use the token the first one got.
    const outcome = await this.d.db.transaction(
      async (trx): Promise<{ token: string } | { refused: true }> => {
        const inst = await findInstallation(trx, companyId, { forUpdate: true });
        if (inst?.status !== 'active' || !inst.accessTokenEnc || !inst.refreshTokenEnc) {
          throw new NotInstalledError(companyId);
        }
        const expiresAt = inst.expiresAt ? Date.parse(inst.expiresAt) : 0;
        if (expiresAt - REFRESH_AHEAD_MS > this.d.clock.now()) {
          const token = decryptToken(this.d.keyring, companyId, inst.accessTokenEnc);
          this.cache.set(companyId, { token, expiresAt });
          return { token };
        }
        const refreshToken = decryptToken(this.d.keyring, companyId, inst.refreshTokenEnc);
        let tokens: PipedriveTokens;
        try {
          tokens = await (this.d.refresh ?? refreshTokens)(this.d.oauth, refreshToken);
        } catch (err) {
          if (err instanceof InvalidGrantError) return { refused: true };
          throw err;
        }
        await updateTokens(trx, companyId, this.columns(companyId, tokens));
        this.cache.set(companyId, { token: tokens.accessToken, expiresAt: this.expiry(tokens) });
        this.d.logger.info({ companyId, apiDomain: tokens.apiDomain }, 'access token refreshed');
        return { token: tokens.accessToken };
      },
    );
    if ('token' in outcome) return outcome.token;
    // Outside the transaction: throwing inside it would roll this back too.
    await markUninstalled(this.d.db, companyId);
    this.cache.delete(companyId);
    this.d.logger.warn({ companyId }, 'refresh token refused; installation marked uninstalled');
    throw new NotInstalledError(companyId);
  }

  private expiry(tokens: PipedriveTokens): number {
    return this.d.clock.now() + tokens.expiresInSeconds * 1000;
  }

  private columns(companyId: number, tokens: PipedriveTokens): TokenColumns {
    return {
      accessTokenEnc: encryptToken(this.d.keyring, companyId, tokens.accessToken),
      refreshTokenEnc: encryptToken(this.d.keyring, companyId, tokens.refreshToken),
      expiresAt: new Date(this.expiry(tokens)),
      scope: tokens.scope,
      apiDomain: tokens.apiDomain,
    };
  }
}
