// JSON logs with pino. Secrets never reach a log line: known secret keys are redacted wherever they
// sit, and secret query parameters are cut out of logged URLs (the iframe JWT travels as ?token=).
import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-token',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'api_token',
  'apiToken',
  'client_secret',
  'clientSecret',
  'password',
  'http_auth_password',
];

const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|api_token|code|state|client_secret)=)[^&#]*/gi;

/** Replaces the values of secret query parameters in a URL or path. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): Logger {
  const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]);
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'actimo-pipedrive' },
    redact: { paths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
