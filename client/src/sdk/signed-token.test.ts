import { describe, expect, it } from 'vitest';
import {
  jwtLifetimeMs,
  RENEW_BEFORE_MS,
  SIGNED_TOKEN_LIFETIME_MS,
  SignedTokenCache,
} from './signed-token.ts';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

function fixture(tokens: string[]) {
  let now = 1_000_000;
  let calls = 0;
  const cache = new SignedTokenCache(
    async () => {
      calls += 1;
      const token = tokens[calls - 1];
      if (!token) throw new Error('host refused');
      return token;
    },
    () => now,
  );
  return {
    cache,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('jwtLifetimeMs', () => {
  it('measures the lifetime from iat to exp, whatever the clocks say', () => {
    expect(jwtLifetimeMs(jwt({ userId: 1, iat: 1_700_000_000, exp: 1_700_000_300 }))).toBe(300_000);
  });

  it('gives null for a token without numeric iat and exp, or not a JWT at all', () => {
    expect(jwtLifetimeMs(jwt({ userId: 1 }))).toBeNull();
    expect(jwtLifetimeMs(jwt({ iat: '1', exp: 2 }))).toBeNull();
    expect(jwtLifetimeMs('opaque')).toBeNull();
    expect(jwtLifetimeMs('a.!!!.c')).toBeNull();
  });
});

describe('SignedTokenCache', () => {
  const five = jwt({ iat: 100, exp: 400 });
  const next = jwt({ iat: 400, exp: 700 });

  it('reuses the token until a minute before it expires, then asks for a new one', async () => {
    const f = fixture([five, next]);
    expect(await f.cache.get()).toBe(five);
    f.advance(300_000 - RENEW_BEFORE_MS - 1);
    expect(await f.cache.get()).toBe(five);
    f.advance(1);
    expect(await f.cache.get()).toBe(next);
    expect(f.calls()).toBe(2);
  });

  it('shares one request between callers that ask at the same time', async () => {
    const f = fixture([five, next]);
    const [a, b, c] = await Promise.all([f.cache.get(), f.cache.get(), f.cache.get()]);
    expect([a, b, c]).toEqual([five, five, five]);
    expect(f.calls()).toBe(1);
  });

  it("assumes Pipedrive's 5 minutes for a token that does not say", async () => {
    const f = fixture(['opaque-1', 'opaque-2']);
    await f.cache.get();
    f.advance(SIGNED_TOKEN_LIFETIME_MS - RENEW_BEFORE_MS - 1);
    expect(await f.cache.get()).toBe('opaque-1');
    f.advance(1);
    expect(await f.cache.get()).toBe('opaque-2');
  });

  it('asks again after the server refused the token', async () => {
    const f = fixture([five, next]);
    await f.cache.get();
    f.cache.invalidate();
    expect(await f.cache.get()).toBe(next);
  });

  it('does not keep a failure: the next call asks the host again', async () => {
    const f = fixture([]);
    await expect(f.cache.get()).rejects.toThrow('host refused');
    await expect(f.cache.get()).rejects.toThrow('host refused');
    expect(f.calls()).toBe(2);
  });
});
