import helmet from 'helmet';

/**
 * Security headers that still let Pipedrive frame the panel: CSP `frame-ancestors` allows our own
 * origin and Pipedrive's company domains; X-Frame-Options is off because it cannot express that list.
 */
export function securityHeaders(extraFrameAncestors: string[] = []) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'self'", 'https://*.pipedrive.com', ...extraFrameAncestors],
        'form-action': ["'self'"],
      },
    },
    frameguard: false,
    crossOriginEmbedderPolicy: false,
    // The panel is embedded cross-origin; its resources must stay loadable from Pipedrive's pages.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
