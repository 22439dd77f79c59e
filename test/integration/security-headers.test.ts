import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

function directive(csp: string | undefined, name: string): string | undefined {
  return csp
    ?.split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));
}

// Headers do not depend on the database engine, so one engine is enough here.
describe('content security policy of the panel', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('runs only our own script files with the built panel', async () => {
    t = await startTestApp('sqlite');
    const res = await t.http.get('/healthz');
    expect(directive(res.headers['content-security-policy'], 'script-src')).toBe("script-src 'self'");
  });

  it("allows Vite's inline React Refresh preamble only in development mode (npm run dev)", async () => {
    t = await startTestApp('sqlite', { env: { CLIENT_MODE: 'vite' } });
    const res = await t.http.get('/healthz');
    expect(directive(res.headers['content-security-policy'], 'script-src')).toBe(
      "script-src 'self' 'unsafe-inline'",
    );
  });

  it('lets an extra origin frame the panel when the app is given one (the e2e host harness)', async () => {
    t = await startTestApp('sqlite', { frameAncestors: ['http://127.0.0.1:9999'] });
    const res = await t.http.get('/healthz');
    expect(directive(res.headers['content-security-policy'], 'frame-ancestors')).toBe(
      "frame-ancestors 'self' https://*.pipedrive.com http://127.0.0.1:9999",
    );
  });
});
