import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../server/config.ts';

const KEY = 'a'.repeat(64);

describe('loadConfig', () => {
  it('runs with nothing set: port 3000, SQLite under ./data, local mode on the sandbox', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.env).toBe('development');
    expect(c.database).toEqual({ client: 'sqlite3', filename: '/srv/app/data/actimo-pipedrive.sqlite' });
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.pipedrive).toEqual({ mode: 'local', target: 'sandbox', apiUrl: undefined, apiToken: undefined });
    expect(c.sandboxPort).toBe(0);
  });

  it('reads SANDBOX_PORT and names it when it is not a port', () => {
    expect(loadConfig({ SANDBOX_PORT: '4010' }).sandboxPort).toBe(4010);
    expect(() => loadConfig({ SANDBOX_PORT: 'x' })).toThrow(
      new ConfigError('SANDBOX_PORT must be a whole number from 0 to 65535 (got "x")'),
    );
  });

  it('names PORT and the bad value when PORT is not a number', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(
      new ConfigError('PORT must be a whole number from 0 to 65535 (got "abc")'),
    );
  });

  it('rejects a PORT above 65535', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(
      'PORT must be a whole number from 0 to 65535 (got "70000")',
    );
  });

  it('rejects a DATABASE_URL of another engine without echoing its credentials', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://admin:hunter2@db:3306/app' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('DATABASE_URL must start with sqlite: or postgres:// (got "mysql:…")');
    expect(message).not.toContain('hunter2');
  });

  it('goes to Pipedrive with an API token in local mode', () => {
    const c = loadConfig({ PIPEDRIVE_API_TOKEN: 'tok' });
    expect(c.pipedrive).toEqual({
      mode: 'local',
      target: 'pipedrive',
      apiUrl: 'https://api.pipedrive.com',
      apiToken: 'tok',
    });
  });

  it('requires both client id and secret for Marketplace mode', () => {
    expect(() => loadConfig({ PIPEDRIVE_CLIENT_ID: 'id' })).toThrow(/^PIPEDRIVE_CLIENT_SECRET is missing/);
    expect(() => loadConfig({ PIPEDRIVE_CLIENT_SECRET: 's' })).toThrow(/^PIPEDRIVE_CLIENT_ID is missing/);
  });

  it('refuses Marketplace mode without a 32-byte token encryption key', () => {
    expect(() =>
      loadConfig({ PIPEDRIVE_CLIENT_ID: 'id', PIPEDRIVE_CLIENT_SECRET: 's', TOKEN_ENCRYPTION_KEY: 'abc' }),
    ).toThrow(/^TOKEN_ENCRYPTION_KEY must be 64 hex characters/);
  });

  it('uses the client secret as JWT secret when no extension secret is set', () => {
    const c = loadConfig({
      PIPEDRIVE_CLIENT_ID: 'id',
      PIPEDRIVE_CLIENT_SECRET: 'sec',
      TOKEN_ENCRYPTION_KEY: KEY,
    });
    expect(c.pipedrive.mode).toBe('marketplace');
    if (c.pipedrive.mode !== 'marketplace') return;
    expect(c.pipedrive.jwtSecret).toBe('sec');
    expect(c.pipedrive.tokenEncryptionKey.length).toBe(32);
    expect(c.pipedrive.oauthUrl).toBe('https://oauth.pipedrive.com');
  });

  it('does not echo the value of a secret-bearing variable', () => {
    expect(() => loadConfig({ PIPEDRIVE_OAUTH_URL: 'not a url with secret' })).toThrow(
      new ConfigError('PIPEDRIVE_OAUTH_URL must be an http(s) URL'),
    );
  });
});

describe('parseDatabaseUrl', () => {
  it('resolves a relative SQLite path against the working directory', () => {
    expect(parseDatabaseUrl('sqlite:db/x.sqlite', '/w')).toEqual({
      client: 'sqlite3',
      filename: '/w/db/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///tmp/x.sqlite', '/w')).toEqual({
      client: 'sqlite3',
      filename: '/tmp/x.sqlite',
    });
  });

  it('takes the schema out of a PostgreSQL URL', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/d?schema=tenant_a&sslmode=require')).toEqual({
      client: 'pg',
      connectionString: 'postgres://u@h:5432/d?sslmode=require',
      schema: 'tenant_a',
    });
    expect(parseDatabaseUrl('postgresql://u@h/d')).toEqual({
      client: 'pg',
      connectionString: 'postgresql://u@h/d',
    });
  });

  it('rejects a schema that is not a plain identifier', () => {
    expect(() => parseDatabaseUrl('postgres://u@h/d?schema=a;drop')).toThrow(
      'DATABASE_URL schema must be a lower-case SQL identifier',
    );
  });
});
