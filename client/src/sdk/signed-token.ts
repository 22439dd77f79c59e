// Pipedrive's GET_SIGNED_TOKEN hands out a JWT valid for 5 minutes. One token serves every API call
// until shortly before it expires; concurrent callers share one request to the host.

/** Lifetime Pipedrive documents for a signed token, used when the token does not say. */
export const SIGNED_TOKEN_LIFETIME_MS = 5 * 60_000;
/** Renew this long before expiry, so a request never leaves with a token about to lapse. */
export const RENEW_BEFORE_MS = 60_000;

interface Cached {
  token: string;
  expiresAt: number;
}

/**
 * Lifetime of a JWT from its own `iat`/`exp` claims, in milliseconds. Measured as `exp - iat` and applied
 * from the moment we received it, so a browser clock that is off does not matter.
 */
export function jwtLifetimeMs(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof json !== 'object' || json === null) return null;
    const { iat, exp } = json as { iat?: unknown; exp?: unknown };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= iat) return null;
    return (exp - iat) * 1000;
  } catch {
    return null;
  }
}

export class SignedTokenCache {
  private cached: Cached | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.expiresAt - RENEW_BEFORE_MS) return Promise.resolve(cached.token);
    if (this.pending) return this.pending;
    const requestedAt = this.now();
    const pending = this.fetchToken().then(
      (token) => {
        // A token invalidated while this request was in flight must not come back.
        if (this.pending === pending) {
          const lifetime = jwtLifetimeMs(token) ?? SIGNED_TOKEN_LIFETIME_MS;
          this.cached = { token, expiresAt: requestedAt + lifetime };
          this.pending = null;
        }
        return token;
      },
      (err: unknown) => {
        if (this.pending === pending) this.pending = null;
        throw err;
      },
    );
    this.pending = pending;
    return pending;
  }

  /** Forget the token (the server refused it); the next call asks the host for a new one. */
  invalidate(): void {
    this.cached = null;
    this.pending = null;
  }
}
