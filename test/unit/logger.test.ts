import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../server/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('redactUrl', () => {
  it('cuts secret query parameters and keeps the rest', () => {
    expect(redactUrl('/panel?id=abc&token=eyJhbGci.x.y&theme=dark')).toBe(
      '/panel?id=abc&token=[redacted]&theme=dark',
    );
    expect(redactUrl('/auth/cb?code=123&state=s1')).toBe('/auth/cb?code=[redacted]&state=[redacted]');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});

describe('createLogger', () => {
  it('never writes token values, wherever they sit in the logged object', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        installation: { access_token: 'AT-SECRET', refresh_token: 'RT-SECRET' },
        req: { headers: { authorization: 'Bearer AT-SECRET', 'x-api-token': 'API-SECRET' } },
        apiToken: 'API-SECRET',
      },
      'saved tokens',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/AT-SECRET|RT-SECRET|API-SECRET/);
    expect(JSON.parse(out).installation).toEqual({ access_token: '[redacted]', refresh_token: '[redacted]' });
  });
});
