// The OAuth scopes Pipedrive defines. The sandbox keeps its own list (not server/manifest.ts's) on purpose:
// it checks what an app asked for against Pipedrive's list, not against our assumptions.

/** Every scope Pipedrive defines (SPEC-v1 securitySchemes.oauth2); `base` is always granted. */
export const ALL_SCOPES = [
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
