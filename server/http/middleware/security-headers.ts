import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Origins besides our own and Pipedrive's that may frame the panel (the e2e host harness). */
  frameAncestors?: string[];
  /**
   * Allow inline scripts: only for `npm run dev`, where Vite injects React Refresh's inline preamble
   * into the page. Never with the built panel.
   */
  inlineScripts?: boolean;
}

/**
 * Security headers that still let Pipedrive frame the panel: CSP `frame-ancestors` allows our own
 * origin and Pipedrive's company domains; X-Frame-Options is off because it cannot express that list.
 */
export function securityHeaders(options: SecurityHeaderOptions = {}) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': options.inlineScripts ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'self'", 'https://*.pipedrive.com', ...(options.frameAncestors ?? [])],
        'form-action': ["'self'"],
      },
    },
    frameguard: false,
    crossOriginEmbedderPolicy: false,
    // The panel is embedded cross-origin; its resources must stay loadable from Pipedrive's pages.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
