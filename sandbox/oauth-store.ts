// OAuth apps registered in the sandbox and what they were granted (research §3). Access tokens live
// 3599 s and refresh tokens expire after 60 days unused, both on the sandbox clock; authorization codes
// are single-use and live 5 minutes. Tokens look like Pipedrive's: `companyId:userId:hex`.
import { timingSafeEqual } from 'node:crypto';
import { ALL_SCOPES } from './oauth-scopes.ts';
import { secretHex } from './random.ts';
import type { Sandbox } from './sandbox.ts';

export const ACCESS_TOKEN_TTL_S = 3599;
export const REFRESH_TOKEN_IDLE_MS = 60 * 24 * 3600 * 1000;
export const CODE_TTL_MS = 5 * 60 * 1000;

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** The app's one OAuth callback URL; also where the uninstall DELETE goes. */
  redirectUri: string;
  name: string;
  scopes: string[];
}

export interface Grant {
  id: string;
  clientId: string;
  companyId: number;
  userId: number;
  scopes: string[];
  refreshToken: string;
  refreshUsedAt: number;
  revoked: boolean;
}

interface Code {
  clientId: string;
  companyId: number;
  userId: number;
  redirectUri: string;
  expiresAt: number;
}

interface AccessToken {
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

export class OAuthStore {
  private apps = new Map<string, OAuthApp>();
  private grants = new Map<string, Grant>();
  private codes = new Map<string, Code>();
  private accessTokens = new Map<string, AccessToken>();

  constructor(private readonly sandbox: Sandbox) {}

  registerApp(input: {
    clientId?: string;
    clientSecret?: string;
    redirectUri: string;
    name?: string;
    scopes?: string[];
  }): OAuthApp {
    const url = new URL(input.redirectUri);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('redirectUri must be an http(s) URL');
    const scopes = [...new Set(['base', ...(input.scopes ?? ALL_SCOPES)])];
    const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw new Error(`unknown scopes: ${unknown.join(', ')}`);
    const app: OAuthApp = {
      clientId: input.clientId ?? secretHex(8),
      clientSecret: input.clientSecret ?? secretHex(20),
      redirectUri: input.redirectUri,
      name: input.name ?? 'Sandbox app',
      scopes,
    };
    this.apps.set(app.clientId, app);
    this.sandbox.changed();
    return app;
  }

  app(clientId: string): OAuthApp | undefined {
    return this.apps.get(clientId);
  }

  listApps(): OAuthApp[] {
    return [...this.apps.values()];
  }

  /** Checks `Authorization: Basic base64(client_id:client_secret)` in constant time. */
  authenticateClient(header: string | undefined): OAuthApp | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return undefined;
    const app = this.apps.get(decoded.slice(0, i));
    if (!app) return undefined;
    const given = Buffer.from(decoded.slice(i + 1));
    const expected = Buffer.from(app.clientSecret);
    return given.length === expected.length && timingSafeEqual(given, expected) ? app : undefined;
  }

  issueCode(input: { clientId: string; companyId: number; userId: number; redirectUri: string }): string {
    if (!this.apps.has(input.clientId)) throw new Error(`no OAuth app ${input.clientId}`);
    if (!this.sandbox.company(input.companyId).userExists(input.userId))
      throw new Error(`user ${input.userId} is not an active user of company ${input.companyId}`);
    const code = `${input.companyId}:${input.userId}:${secretHex(20)}`;
    this.codes.set(code, { ...input, expiresAt: this.sandbox.clock.now() + CODE_TTL_MS });
    return code;
  }

  /** authorization_code grant: a code is good once, for 5 minutes, with the same redirect_uri. */
  exchangeCode(
    app: OAuthApp,
    code: string,
    redirectUri: string | undefined,
  ): { grant: Grant; accessToken: string } {
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.clientId !== app.clientId || c.expiresAt <= this.sandbox.clock.now())
      throw new OAuthError('invalid_grant', 'Invalid or expired authorization code');
    if (redirectUri !== c.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match');
    const grant: Grant = {
      id: secretHex(8),
      clientId: app.clientId,
      companyId: c.companyId,
      userId: c.userId,
      scopes: app.scopes,
      refreshToken: `${c.companyId}:${c.userId}:${secretHex(20)}`,
      refreshUsedAt: this.sandbox.clock.now(),
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    return { grant, accessToken: this.newAccessToken(grant) };
  }

  /** refresh_token grant: a new access token; the refresh token stays the same. */
  refresh(app: OAuthApp, refreshToken: string): { grant: Grant; accessToken: string } {
    const grant = [...this.grants.values()].find(
      (g) => g.refreshToken === refreshToken && g.clientId === app.clientId,
    );
    const now = this.sandbox.clock.now();
    if (!grant || grant.revoked || now - grant.refreshUsedAt > REFRESH_TOKEN_IDLE_MS)
      throw new OAuthError('invalid_grant', 'Invalid refresh token');
    grant.refreshUsedAt = now;
    return { grant, accessToken: this.newAccessToken(grant) };
  }

  /** RFC 7009: revoking a refresh token ends the whole grant; unknown tokens are not an error. */
  revoke(app: OAuthApp, token: string): void {
    const grant = [...this.grants.values()].find(
      (g) => g.refreshToken === token && g.clientId === app.clientId,
    );
    if (grant) {
      grant.revoked = true;
      this.sandbox.changed();
      return;
    }
    const access = this.accessTokens.get(token);
    if (access && this.grants.get(access.grantId)?.clientId === app.clientId) {
      access.revoked = true;
      this.sandbox.changed();
    }
  }

  resolveAccessToken(token: string): Grant | undefined {
    const access = this.accessTokens.get(token);
    if (!access || access.revoked || access.expiresAt <= this.sandbox.clock.now()) return undefined;
    const grant = this.grants.get(access.grantId);
    return grant && !grant.revoked ? grant : undefined;
  }

  /** Ends every grant of an app for one user of one company (uninstall). */
  revokeInstallation(clientId: string, companyId: number, userId: number): number {
    let n = 0;
    for (const g of this.grants.values()) {
      if (g.clientId === clientId && g.companyId === companyId && g.userId === userId && !g.revoked) {
        g.revoked = true;
        n += 1;
      }
    }
    this.sandbox.changed();
    return n;
  }

  /**
   * What Pipedrive does when a user uninstalls the app: ends the app's grants for that user, removes the
   * app's webhooks in that company, and sends `DELETE` to the app's callback URL with HTTP Basic
   * `client_id:client_secret` and `{client_id, company_id, user_id, timestamp}`. Pipedrive ignores the
   * answer; the sandbox returns its status so tests can assert the app handled it. Unlike Pipedrive, the
   * sandbox also calls localhost.
   */
  async uninstall(input: { clientId: string; companyId: number; userId: number }): Promise<UninstallResult> {
    const app = this.apps.get(input.clientId);
    if (!app) throw new Error(`no OAuth app ${input.clientId}`);
    const company = this.sandbox.company(input.companyId);
    const revokedGrants = this.revokeInstallation(app.clientId, input.companyId, input.userId);
    let removedWebhooks = 0;
    for (const w of [...company.webhooks.values()]) {
      if (w.client_id === app.clientId && (w.user_id === input.userId || w.owner_id === input.userId)) {
        company.webhooks.delete(w.id);
        removedWebhooks += 1;
      }
    }
    const body = {
      client_id: app.clientId,
      company_id: input.companyId,
      user_id: input.userId,
      timestamp: new Date(this.sandbox.clock.now()).toISOString(),
    };
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(app.redirectUri, {
        method: 'DELETE',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
        },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.sandbox.settings.webhooks.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    this.sandbox.changed();
    return { revokedGrants, removedWebhooks, callbackStatus: status, callbackError: error, body };
  }

  clear(): void {
    this.apps.clear();
    this.grants.clear();
    this.codes.clear();
    this.accessTokens.clear();
  }

  dump() {
    return {
      apps: [...this.apps.values()],
      grants: [...this.grants.values()],
      accessTokens: [...this.accessTokens.entries()].map(([token, a]) => ({ token, ...a })),
    };
  }

  load(dump: ReturnType<OAuthStore['dump']>): void {
    this.clear();
    for (const a of dump.apps) this.apps.set(a.clientId, a);
    for (const g of dump.grants) this.grants.set(g.id, g);
    for (const { token, ...a } of dump.accessTokens) this.accessTokens.set(token, a);
  }

  private newAccessToken(grant: Grant): string {
    const token = `${grant.companyId}:${grant.userId}:${secretHex(20)}`;
    this.accessTokens.set(token, {
      grantId: grant.id,
      expiresAt: this.sandbox.clock.now() + ACCESS_TOKEN_TTL_S * 1000,
      revoked: false,
    });
    this.sandbox.changed();
    return token;
  }
}

export interface UninstallResult {
  revokedGrants: number;
  removedWebhooks: number;
  callbackStatus: number | null;
  callbackError: string | null;
  body: { client_id: string; company_id: number; user_id: number; timestamp: string };
}

export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
  }
}
