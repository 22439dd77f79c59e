// Marketplace install and uninstall. The callback URL serves both: GET after the admin approves the
// install (authorization code), DELETE when Pipedrive tells us the app was uninstalled.
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import passport from 'passport';
import { z } from 'zod';
import type { Manifest } from '../../manifest.ts';
import type { OAuthApp } from '../../pipedrive/oauth.ts';
import { pipedriveStrategy } from '../../pipedrive/oauth.ts';
import type { InstallationService } from '../../tenants/installation.service.ts';
import { signedStateStore, stateKey } from '../../tenants/oauth-state.ts';
import { hasBasicCredentials } from '../middleware/basic-auth.ts';

const uninstallBody = z.object({
  client_id: z.string(),
  company_id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]),
  user_id: z.union([z.number(), z.string()]).optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
});

export function oauthRoutes(app: OAuthApp, manifest: Manifest, installs: InstallationService): Router {
  const router = Router();
  const auth = new passport.Passport();
  auth.use(
    'pipedrive',
    pipedriveStrategy(app, signedStateStore(stateKey(app.clientSecret)), (t) => installs.completeInstall(t)),
  );
  const callback = manifest.oauth.callbackPath;

  // Installs started from our own site; Marketplace installs arrive straight at the callback.
  router.get(callback.replace(/\/callback$/, ''), auth.authenticate('pipedrive', { session: false }));

  router.get(callback, (req: Request, res: Response, next: NextFunction) => {
    if (typeof req.query.error === 'string') {
      // The admin pressed Cancel on Pipedrive's consent screen.
      res
        .status(200)
        .type('html')
        .send(page('Installation cancelled', 'Nothing was installed. You can close this tab.'));
      return;
    }
    auth.authenticate(
      'pipedrive',
      { session: false },
      (err: unknown, user: { companyId: number } | false) => {
        if (err) return next(err);
        if (!user) {
          res
            .status(400)
            .type('html')
            .send(
              page(
                'Installation failed',
                'The install link was invalid or expired. Start the install again from Pipedrive.',
              ),
            );
          return;
        }
        installs
          .requireActive(user.companyId)
          .then((inst) =>
            res.redirect(
              `${inst.apiDomain}/settings/marketplace/app/${encodeURIComponent(app.clientId)}/app-settings`,
            ),
          )
          .catch(next);
      },
    )(req, res, next);
  });

  router.delete(
    callback,
    express.json({ limit: '16kb' }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (!hasBasicCredentials(req, app.clientId, app.clientSecret)) {
          res
            .status(401)
            .set('WWW-Authenticate', 'Basic realm="uninstall"')
            .json({ error: { code: 'unauthorized', message: 'Bad credentials' } });
          return;
        }
        const body = uninstallBody.safeParse(req.body);
        if (!body.success || body.data.client_id !== app.clientId) {
          res.status(400).json({
            error: { code: 'bad_request', message: 'Expected {client_id, company_id, user_id, timestamp}' },
          });
          return;
        }
        await installs.uninstall(body.data.company_id);
        res.status(200).json({ success: true });
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${title}</title><main style="font-family:sans-serif;max-width:560px;margin:48px auto"><h1>${title}</h1><p>${text}</p></main>`;
}
