import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { hasBasicCredentials } from '../../server/http/middleware/basic-auth.ts';
import { verifyIframeToken } from '../../server/http/middleware/iframe-jwt.ts';
import { signedStateStore, signState, stateKey, verifyState } from '../../server/tenants/oauth-state.ts';
import { decryptToken, encryptToken, type Keyring } from '../../server/tenants/token-crypto.ts';

const k1 = { id: 'k1', key: Buffer.alloc(32, 1) };
const k2 = { id: 'k2', key: Buffer.alloc(32, 2) };

describe('token encryption at rest', () => {
  it('round-trips and never stores the plaintext', () => {
    const enc = encryptToken({ current: k1 }, 42, '42:abc-access-token');
    expect(enc.startsWith('v1.k1.')).toBe(true);
    expect(enc).not.toContain('abc-access-token');
    expect(decryptToken({ current: k1 }, 42, enc)).toBe('42:abc-access-token');
  });

  it('refuses a value copied to another company', () => {
    const enc = encryptToken({ current: k1 }, 42, 'secret');
    expect(() => decryptToken({ current: k1 }, 43, enc)).toThrow(
      'token failed authentication (wrong key, wrong company or tampered)',
    );
  });

  it('refuses a tampered value', () => {
    const enc = encryptToken({ current: k1 }, 42, 'secret');
    const parts = enc.split('.');
    parts[3] = Buffer.from('SECRET').toString('base64url');
    expect(() => decryptToken({ current: k1 }, 42, parts.join('.'))).toThrow('token failed authentication');
  });

  it('decrypts with a previous key after a rotation, and names a missing key', () => {
    const old = encryptToken({ current: k1 }, 42, 'secret');
    const rotated: Keyring = { current: k2, previous: [k1] };
    expect(decryptToken(rotated, 42, old)).toBe('secret');
    expect(encryptToken(rotated, 42, 'x').split('.')[1]).toBe('k2');
    expect(() => decryptToken({ current: k2 }, 42, old)).toThrow('no key with id k1');
  });
});

describe('OAuth state', () => {
  const key = stateKey('client-secret');
  it('accepts its own state within ten minutes, refuses it after', () => {
    const s = signState(key, 1_000_000);
    expect(verifyState(key, s, 1_000_000 + 599_000)).toBe(true);
    expect(verifyState(key, s, 1_000_000 + 600_000)).toBe(false);
  });

  it('refuses a state signed with another secret or edited', () => {
    const s = signState(key, 1_000_000);
    expect(verifyState(stateKey('other'), s, 1_000_000)).toBe(false);
    expect(verifyState(key, `x${s}`, 1_000_000)).toBe(false);
    expect(verifyState(key, 'no-dot', 1_000_000)).toBe(false);
  });

  it('lets a Marketplace-started install (no state) through, but not a bad state', async () => {
    const store = signedStateStore(key, () => 1_000_000);
    const verify = (state: string) =>
      new Promise<boolean>((resolve) =>
        store.verify({} as Request, state, (_e: Error | null, ok: boolean) => resolve(ok)),
      );
    expect(await verify('')).toBe(true);
    expect(await verify('forged.state')).toBe(false);
  });
});

describe('iframe JWT', () => {
  const secret = 'jwt-secret';
  const now = Date.UTC(2026, 10, 25, 12);
  const iat = Math.floor(now / 1000);
  const sign = (claims: object, s = secret, opts: jwt.SignOptions = {}) =>
    jwt.sign({ iat, exp: iat + 300, ...claims }, s, { algorithm: 'HS256', ...opts });

  it('takes company and user from a valid token', () => {
    expect(verifyIframeToken(sign({ userId: 7, companyId: 99 }), secret, now)).toEqual({
      userId: 7,
      companyId: 99,
    });
    expect(verifyIframeToken(sign({ userId: '7', companyId: '99' }), secret, now)).toEqual({
      userId: 7,
      companyId: 99,
    });
  });

  it('rejects a token signed with another secret', () => {
    expect(() => verifyIframeToken(sign({ userId: 7, companyId: 99 }, 'wrong'), secret, now)).toThrow(
      'The request is not signed by Pipedrive: signature or format invalid',
    );
  });

  it('rejects an expired token', () => {
    expect(() => verifyIframeToken(sign({ userId: 7, companyId: 99 }), secret, now + 331_000)).toThrow(
      'The request is not signed by Pipedrive: token expired',
    );
  });

  it('rejects alg none', () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ userId: 7, companyId: 99, iat, exp: iat + 300 }),
    ).toString('base64url')}.`;
    expect(() => verifyIframeToken(unsigned, secret, now)).toThrow('signature or format invalid');
  });

  it('rejects HS512 even with the right secret (algorithm pinned)', () => {
    expect(() =>
      verifyIframeToken(sign({ userId: 7, companyId: 99 }, secret, { algorithm: 'HS512' }), secret, now),
    ).toThrow('signature or format invalid');
  });

  it('rejects a token without expiry or without a company', () => {
    const noExp = jwt.sign({ userId: 7, companyId: 99 }, secret, { algorithm: 'HS256' });
    expect(() => verifyIframeToken(noExp, secret, now)).toThrow(
      'userId, companyId and exp claims are required',
    );
    expect(() => verifyIframeToken(sign({ userId: 7 }), secret, now)).toThrow(
      'userId, companyId and exp claims are required',
    );
  });
});

describe('Basic auth', () => {
  const req = (h?: string) =>
    ({ header: (n: string) => (n === 'authorization' ? h : undefined) }) as unknown as Request;
  const b64 = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  it('accepts exactly the expected credentials', () => {
    expect(hasBasicCredentials(req(b64('id:secret')), 'id', 'secret')).toBe(true);
    expect(hasBasicCredentials(req(b64('id:secreT')), 'id', 'secret')).toBe(false);
    expect(hasBasicCredentials(req(b64('id:secret:extra')), 'id', 'secret')).toBe(false);
    expect(hasBasicCredentials(req(undefined), 'id', 'secret')).toBe(false);
    expect(hasBasicCredentials(req('Bearer x'), 'id', 'secret')).toBe(false);
  });
});
