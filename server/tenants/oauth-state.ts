// The OAuth `state` for installs we start ourselves (from our site): signed with a key derived from the
// client secret and valid for ten minutes, so a callback we did not start is refused. Installs started
// from Pipedrive's Marketplace carry no state at all (Pipedrive only adds one on request), so a missing
// state is accepted; a present but wrong or expired one is not.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type OAuth2Strategy from 'passport-oauth2';

const TTL_MS = 10 * 60 * 1000;

export function stateKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'actimo-pipedrive', 'oauth-state', 32));
}

export function signState(key: Buffer, now: number): string {
  const payload = Buffer.from(
    JSON.stringify({ n: randomBytes(12).toString('base64url'), e: now + TTL_MS }),
  ).toString('base64url');
  const mac = createHmac('sha256', key).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

export function verifyState(key: Buffer, state: string, now: number): boolean {
  const [payload, mac] = state.split('.');
  if (!payload || !mac) return false;
  const expected = createHmac('sha256', key).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const { e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { e?: unknown };
    return typeof e === 'number' && e > now;
  } catch {
    return false;
  }
}

export function signedStateStore(key: Buffer, now: () => number = Date.now): OAuth2Strategy.StateStore {
  return {
    store(_req: unknown, ...rest: unknown[]) {
      const cb = rest[rest.length - 1] as OAuth2Strategy.StateStoreStoreCallback;
      cb(null, signState(key, now()));
    },
    verify(_req: unknown, state: string, ...rest: unknown[]) {
      const cb = rest[rest.length - 1] as OAuth2Strategy.StateStoreVerifyCallback;
      if (state === undefined || state === '') return cb(null, true, undefined);
      const ok = verifyState(key, state, now());
      cb(null, ok, ok ? undefined : { message: 'Invalid or expired OAuth state' });
    },
  } as OAuth2Strategy.StateStore;
}
