// Pipedrive's OAuth server: the install (authorization code, through passport-oauth2) and token refresh
// share one `oauth` client, which sends the Basic client credentials Pipedrive requires and, unlike the
// SDK's OAuth helper, reports the HTTP status, so an invalid grant (the app was uninstalled or the refresh
// token expired) is told apart from a passing failure.
import { OAuth2 } from 'oauth';
import OAuth2Strategy from 'passport-oauth2';
import { AppError } from '../errors.ts';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** e.g. https://oauth.pipedrive.com */
  oauthUrl: string;
  /** Our callback URL as registered in Developer Hub. */
  callbackUrl: string;
}

/** What Pipedrive's token endpoint answers (authorization_code and refresh_token grants alike). */
export interface PipedriveTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scope: string;
  /** The company's API domain; it can change, so it is taken from every answer. */
  apiDomain: string;
}

function basicHeader(app: OAuthApp): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` };
}

export function tokensFromResults(
  accessToken: string,
  refreshToken: string,
  results: Record<string, unknown>,
): PipedriveTokens {
  const apiDomain = typeof results.api_domain === 'string' ? results.api_domain.replace(/\/+$/, '') : '';
  const expires = Number(results.expires_in);
  if (!accessToken || !refreshToken || !/^https?:\/\//.test(apiDomain)) {
    throw new AppError(
      'upstream',
      'pipedrive_oauth_bad_answer',
      'Pipedrive’s token answer lacked a token or api_domain',
    );
  }
  return {
    accessToken,
    refreshToken,
    expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 3599,
    scope: typeof results.scope === 'string' ? results.scope : '',
    apiDomain,
  };
}

export class InvalidGrantError extends AppError {
  override name = 'InvalidGrantError';
  constructor(message: string) {
    super('unauthorized', 'pipedrive_invalid_grant', message);
  }
}

/** Exchanges a refresh token. Throws InvalidGrantError when Pipedrive will never accept it again. */
export function refreshTokens(app: OAuthApp, refreshToken: string): Promise<PipedriveTokens> {
  const client = new OAuth2(
    app.clientId,
    app.clientSecret,
    app.oauthUrl,
    '/oauth/authorize',
    '/oauth/token',
    basicHeader(app),
  );
  return new Promise((resolve, reject) => {
    client.getOAuthAccessToken(
      refreshToken,
      { grant_type: 'refresh_token' },
      (err, access, refresh, results) => {
        if (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 400 || status === 401) {
            reject(new InvalidGrantError(`Pipedrive refused the refresh token (HTTP ${status})`));
          } else {
            reject(
              new AppError(
                'upstream',
                'pipedrive_oauth_unavailable',
                `Pipedrive’s token endpoint failed (${status ?? 'network'})`,
              ),
            );
          }
          return;
        }
        try {
          // Keep the old refresh token if Pipedrive did not rotate it.
          resolve(
            tokensFromResults(access ?? '', refresh ?? refreshToken, results as Record<string, unknown>),
          );
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

export type InstallVerify = (tokens: PipedriveTokens) => Promise<{ companyId: number; userId: number }>;

/**
 * The passport strategy for the install. The profile is not fetched by passport: `/v1/users/me` must be
 * called on the company's api_domain, which only the token answer tells.
 */
export function pipedriveStrategy(
  app: OAuthApp,
  store: OAuth2Strategy.StateStore,
  install: InstallVerify,
): OAuth2Strategy {
  return new OAuth2Strategy(
    {
      authorizationURL: `${app.oauthUrl}/oauth/authorize`,
      tokenURL: `${app.oauthUrl}/oauth/token`,
      clientID: app.clientId,
      clientSecret: app.clientSecret,
      callbackURL: app.callbackUrl,
      customHeaders: basicHeader(app),
      skipUserProfile: true,
      store,
    },
    (
      accessToken: string,
      refreshToken: string,
      results: Record<string, unknown>,
      _profile: unknown,
      done: OAuth2Strategy.VerifyCallback,
    ) => {
      Promise.resolve()
        .then(() => install(tokensFromResults(accessToken, refreshToken, results)))
        .then((user) => done(null, user))
        .catch((e: unknown) => done(e));
    },
  );
}
