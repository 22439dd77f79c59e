// The OAuth server (Pipedrive: oauth.pipedrive.com; the sandbox serves it on its own base URL, so
// `OAuth2Configuration({ host: sandboxUrl })` and PIPEDRIVE_OAUTH_URL=sandboxUrl both work).
//   GET  /oauth/authorize  the approval page (the sandbox lets you pick which company and user approve)
//   POST /oauth/authorize  the page's answer: 302 to redirect_uri with ?code=…&state=… or ?error=access_denied
//   POST /oauth/token      authorization_code and refresh_token grants, client auth by HTTP Basic
//   POST /oauth/revoke     RFC 7009
import express, { type Request, type Response, Router } from 'express';
import { ACCESS_TOKEN_TTL_S, type OAuthApp, OAuthError } from './oauth-store.ts';
import type { Sandbox } from './sandbox.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function oauthError(res: Response, err: OAuthError): void {
  res
    .status(err.error === 'invalid_client' ? 401 : 400)
    .json({ error: err.error, error_description: err.description });
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1f23}
.note{background:#fff4ce;padding:.5rem .75rem;border-radius:4px}button{padding:.5rem 1rem;margin-right:.5rem}
select{padding:.4rem;width:100%;margin:.5rem 0 1rem}</style></head><body>${body}</body></html>`;
}

function checkClient(
  sandbox: Sandbox,
  clientId: string | undefined,
  redirectUri: string | undefined,
): OAuthApp {
  const app = clientId ? sandbox.oauth.app(clientId) : undefined;
  if (!app) throw new OAuthError('invalid_client', 'Unknown client_id');
  if (redirectUri !== undefined && redirectUri !== app.redirectUri)
    throw new OAuthError('invalid_request', 'redirect_uri does not match the app’s callback URL');
  return app;
}

export function oauthRoutes(sandbox: Sandbox): Router {
  const router = Router();
  // Only on the OAuth routes: this router sits in front of the API routes and must not parse their bodies.
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/oauth/authorize', (req: Request, res: Response) => {
    let app: OAuthApp;
    try {
      app = checkClient(sandbox, str(req.query.client_id), str(req.query.redirect_uri));
    } catch (err) {
      res
        .status(400)
        .type('html')
        .send(page('Cannot authorize', `<h1>Cannot authorize</h1><p>${esc((err as Error).message)}</p>`));
      return;
    }
    const choices = [...sandbox.companies.values()].flatMap((c) =>
      c
        .activeUsers()
        .map(
          (u) =>
            `<option value="${c.id}:${u.id}">${esc(c.info.name)} — ${esc(u.name)} &lt;${esc(u.email)}&gt;</option>`,
        ),
    );
    const state = str(req.query.state);
    res.type('html').send(
      page(
        `Allow ${app.name}`,
        `<h1>Allow “${esc(app.name)}” to access your Pipedrive account?</h1>
<p class="note">This is the local Pipedrive sandbox, not Pipedrive. Pick the company and user that install the app.</p>
<p>It asks for: ${app.scopes.map((s) => `<code>${esc(s)}</code>`).join(', ')}</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="${esc(app.clientId)}">
<input type="hidden" name="redirect_uri" value="${esc(app.redirectUri)}">
${state === undefined ? '' : `<input type="hidden" name="state" value="${esc(state)}">`}
<label for="installer">Install as</label>
<select id="installer" name="installer">${choices.join('')}</select>
<button type="submit" name="decision" value="allow">Allow and install</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>`,
      ),
    );
  });

  router.post('/oauth/authorize', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let app: OAuthApp;
    try {
      app = checkClient(sandbox, str(body.client_id), str(body.redirect_uri));
    } catch (err) {
      return oauthError(res, err as OAuthError);
    }
    const target = new URL(app.redirectUri);
    const state = str(body.state);
    if (state !== undefined) target.searchParams.set('state', state);
    if (body.decision !== 'allow') {
      target.searchParams.set('error', 'access_denied');
      return res.redirect(302, target.toString());
    }
    const m = /^(\d+):(\d+)$/.exec(str(body.installer) ?? '');
    const company = m ? sandbox.companies.get(Number(m[1])) : undefined;
    if (!m || !company?.userExists(Number(m[2])))
      return oauthError(res, new OAuthError('invalid_request', 'Pick a company and user'));
    const code = sandbox.oauth.issueCode({
      clientId: app.clientId,
      companyId: company.id,
      userId: Number(m[2]),
      redirectUri: app.redirectUri,
    });
    target.searchParams.set('code', code);
    res.redirect(302, target.toString());
  });

  router.post('/oauth/token', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const app = sandbox.oauth.authenticateClient(req.headers.authorization);
      if (!app) throw new OAuthError('invalid_client', 'Client authentication failed');
      const grantType = str(body.grant_type);
      let issued: ReturnType<typeof sandbox.oauth.refresh>;
      if (grantType === 'authorization_code') {
        const code = str(body.code);
        if (!code) throw new OAuthError('invalid_request', 'code is required');
        issued = sandbox.oauth.exchangeCode(app, code, str(body.redirect_uri));
      } else if (grantType === 'refresh_token') {
        const refreshToken = str(body.refresh_token);
        if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required');
        issued = sandbox.oauth.refresh(app, refreshToken);
      } else {
        throw new OAuthError(
          'unsupported_grant_type',
          'grant_type must be authorization_code or refresh_token',
        );
      }
      res.setHeader('cache-control', 'no-store');
      res.json({
        access_token: issued.accessToken,
        token_type: 'Bearer',
        refresh_token: issued.grant.refreshToken,
        scope: issued.grant.scopes.join(','),
        expires_in: ACCESS_TOKEN_TTL_S,
        api_domain: sandbox.baseUrl,
      });
    } catch (err) {
      if (err instanceof OAuthError) return oauthError(res, err);
      throw err;
    }
  });

  router.post('/oauth/revoke', form, (req: Request, res: Response) => {
    const app = sandbox.oauth.authenticateClient(req.headers.authorization);
    if (!app) return oauthError(res, new OAuthError('invalid_client', 'Client authentication failed'));
    const token = str((req.body as Record<string, unknown> | undefined)?.token);
    if (!token) return oauthError(res, new OAuthError('invalid_request', 'token is required'));
    sandbox.oauth.revoke(app, token);
    res.status(200).json({ success: true });
  });

  return router;
}
