// manifest.json is our single source of truth for what is entered in Pipedrive's Developer Hub
// (Pipedrive has no manifest file for custom UI apps). The server reads its paths from it too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const MANIFEST_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'manifest.json',
);

/** OAuth scopes Pipedrive offers to Marketplace apps. */
export const PIPEDRIVE_SCOPES = [
  'base',
  'deals:read',
  'deals:full',
  'mail:read',
  'mail:full',
  'activities:read',
  'activities:full',
  'contacts:read',
  'contacts:full',
  'products:read',
  'products:full',
  'deal-fields:full',
  'product-fields:full',
  'contact-fields:full',
  'projects:read',
  'projects:full',
  'users:read',
  'recents:read',
  'search:read',
  'admin',
  'leads:read',
  'leads:full',
  'phone-integration',
  'goals:read',
  'goals:full',
  'video-calls',
  'messengers-integration',
] as const;

const appPath = z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be an absolute path on this app');

export const manifestSchema = z
  .object({
    name: z.string().min(3).max(60),
    description: z.string().min(20).max(1000),
    oauth: z.object({
      callbackPath: appPath,
      scopes: z
        .array(z.object({ scope: z.enum(PIPEDRIVE_SCOPES), reason: z.string().min(10) }).strict())
        .min(1)
        .refine((s) => new Set(s.map((x) => x.scope)).size === s.length, 'scopes must not repeat')
        .refine(
          (s) => s.some((x) => x.scope === 'base'),
          'the base scope is always granted and must be listed',
        ),
    }),
    uninstallCallbackPath: appPath,
    extensions: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9-]{2,40}$/),
            type: z.enum(['custom_ui_settings', 'custom_panel', 'custom_modal', 'custom_floating_window']),
            name: z.string().min(3).max(30),
            path: appPath,
            description: z.string().min(10),
          })
          .strict(),
      )
      .min(1)
      .refine((e) => new Set(e.map((x) => x.id)).size === e.length, 'extension ids must be unique'),
    webhooks: z
      .object({
        path: appPath,
        events: z
          .array(z.string().regex(/^(create|change|delete|\*)\.(person|organization|activity|note|\*)$/))
          .min(1),
        version: z.literal('2.0'),
      })
      .strict(),
  })
  .strict()
  // Pipedrive sends the uninstall DELETE to the OAuth callback URL: they must be the same path.
  .refine((m) => m.uninstallCallbackPath === m.oauth.callbackPath, {
    message:
      'uninstallCallbackPath must equal oauth.callbackPath (Pipedrive sends DELETE to the callback URL)',
    path: ['uninstallCallbackPath'],
  })
  // Webhooks can only be created with the admin scope.
  .refine((m) => m.oauth.scopes.some((s) => s.scope === 'admin'), {
    message: 'webhooks need the admin scope',
    path: ['oauth', 'scopes'],
  });

export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): Manifest {
  return manifestSchema.parse(json);
}

export function loadManifest(file: string = MANIFEST_PATH): Manifest {
  return parseManifest(JSON.parse(readFileSync(file, 'utf8')));
}
