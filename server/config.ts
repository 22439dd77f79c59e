// The only module that reads process.env. Everything is validated once, at boot, and a bad value
// stops the start with one line that names the variable (never its secret value).
import path from 'node:path';
import { z } from 'zod';

export type DbConfig =
  | { client: 'sqlite3'; filename: string }
  | { client: 'pg'; connectionString: string; schema?: string };

/** Where Pipedrive calls go and who the caller is. */
export type PipedriveConfig =
  | {
      /** Installed from the Marketplace: many companies, OAuth tokens, iframe JWTs. */
      mode: 'marketplace';
      clientId: string;
      clientSecret: string;
      /** The extension's JWT secret; Pipedrive signs with the client secret when none is set. */
      jwtSecret: string;
      oauthUrl: string;
      tokenEncryptionKey: Buffer;
      tokenEncryptionKeyId: string;
      /** Earlier keys, still accepted for decryption while tokens are re-encrypted after a rotation. */
      previousTokenEncryptionKeys: Array<{ id: string; key: Buffer }>;
    }
  | {
      /** One local company. With an API token it writes to that Pipedrive company, else to the sandbox. */
      mode: 'local';
      target: 'sandbox' | 'pipedrive';
      apiUrl: string | undefined;
      apiToken: string | undefined;
    };

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Public base URL of this app (OAuth callback, webhooks), without a trailing slash. */
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: DbConfig;
  /** Folder for uploads and other local files. */
  dataDir: string;
  uploadMaxBytes: number;
  /** Limits on zip uploads (and XLSX workbooks, which are zips) so a zip bomb is refused. */
  zip: { maxEntries: number; maxEntryBytes: number; maxTotalBytes: number; maxRatio: number };
  /** 'dist' serves the built panel; 'vite' mounts Vite's dev middleware (npm run dev). */
  clientMode: 'dist' | 'vite';
  pipedrive: PipedriveConfig;
  /** Port of the in-process Pipedrive sandbox in demo mode (always on 127.0.0.1; 0 = any free port). */
  sandboxPort: number;
  /** How often live migrations' webhooks are checked and the reconciliation sweep runs (0 = never). */
  deltaSyncIntervalMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_SQLITE = 'sqlite:./data/actimo-pipedrive.sqlite';

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535');

const positiveInt = z
  .string()
  .regex(/^[1-9]\d*$/, 'must be a positive whole number')
  .transform(Number);

const httpUrl = z
  .string()
  .url('must be an http(s) URL')
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: httpUrl.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().default(DEFAULT_SQLITE),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_MAX_BYTES: positiveInt.default(2 * 1024 * 1024 * 1024),
  ZIP_MAX_ENTRIES: positiveInt.default(10_000),
  ZIP_MAX_ENTRY_BYTES: positiveInt.default(2 * 1024 * 1024 * 1024),
  ZIP_MAX_TOTAL_BYTES: positiveInt.default(8 * 1024 * 1024 * 1024),
  ZIP_MAX_RATIO: positiveInt.default(200),
  CLIENT_MODE: z.enum(['dist', 'vite']).default('dist'),
  PIPEDRIVE_CLIENT_ID: optionalNonEmpty,
  PIPEDRIVE_CLIENT_SECRET: optionalNonEmpty,
  PIPEDRIVE_JWT_SECRET: optionalNonEmpty,
  PIPEDRIVE_OAUTH_URL: httpUrl.default('https://oauth.pipedrive.com'),
  TOKEN_ENCRYPTION_KEY: optionalNonEmpty,
  TOKEN_ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _')
    .default('k1'),
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .regex(
      /^$|^[A-Za-z0-9_-]{1,32}:[0-9a-fA-F]{64}(,[A-Za-z0-9_-]{1,32}:[0-9a-fA-F]{64})*$/,
      'must be a comma-separated list of id:64-hex-key',
    )
    .default(''),
  PIPEDRIVE_API_URL: httpUrl.optional(),
  PIPEDRIVE_API_TOKEN: optionalNonEmpty,
  SANDBOX_PORT: port.default(0),
  DELTA_SYNC_INTERVAL_MS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of milliseconds (0 = off)')
    .transform(Number)
    .default(900_000),
});

type Env = Record<string, string | undefined>;

/** Parses DATABASE_URL: `sqlite:PATH` (relative to cwd) or `postgres://…` (optional `?schema=`). */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DbConfig {
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (sqlite?.[1]) {
    return { client: 'sqlite3', filename: path.resolve(cwd, sqlite[1]) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    if (!parsed.hostname) throw new ConfigError('DATABASE_URL has no host');
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new ConfigError('DATABASE_URL schema must be a lower-case SQL identifier');
    }
    parsed.searchParams.delete('schema');
    return schema
      ? { client: 'pg', connectionString: parsed.toString(), schema }
      : { client: 'pg', connectionString: parsed.toString() };
  }
  // Only the scheme is echoed: the rest may hold a password.
  const scheme = /^([a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new ConfigError(
    `DATABASE_URL must start with sqlite: or postgres:// (got ${scheme ? `"${scheme}:…"` : 'no scheme'})`,
  );
}

function parseEncryptionKey(hex: string | undefined): Buffer {
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ConfigError(
      'TOKEN_ENCRYPTION_KEY must be 64 hex characters (32 bytes) in Marketplace mode; generate one with: openssl rand -hex 32',
    );
  }
  return Buffer.from(hex, 'hex');
}

function pipedriveConfig(e: z.infer<typeof envSchema>): PipedriveConfig {
  const hasId = e.PIPEDRIVE_CLIENT_ID !== undefined;
  const hasSecret = e.PIPEDRIVE_CLIENT_SECRET !== undefined;
  if (hasId !== hasSecret) {
    throw new ConfigError(
      `${hasId ? 'PIPEDRIVE_CLIENT_SECRET' : 'PIPEDRIVE_CLIENT_ID'} is missing: set both PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET for Marketplace mode, or neither for local mode`,
    );
  }
  if (hasId && hasSecret) {
    return {
      mode: 'marketplace',
      clientId: e.PIPEDRIVE_CLIENT_ID!,
      clientSecret: e.PIPEDRIVE_CLIENT_SECRET!,
      jwtSecret: e.PIPEDRIVE_JWT_SECRET ?? e.PIPEDRIVE_CLIENT_SECRET!,
      oauthUrl: e.PIPEDRIVE_OAUTH_URL,
      tokenEncryptionKey: parseEncryptionKey(e.TOKEN_ENCRYPTION_KEY),
      tokenEncryptionKeyId: e.TOKEN_ENCRYPTION_KEY_ID,
      previousTokenEncryptionKeys: e.TOKEN_ENCRYPTION_PREVIOUS_KEYS.split(',')
        .filter(Boolean)
        .map((pair) => {
          const [id, hex] = pair.split(':') as [string, string];
          return { id, key: Buffer.from(hex, 'hex') };
        }),
    };
  }
  if (e.PIPEDRIVE_API_TOKEN !== undefined) {
    return {
      mode: 'local',
      target: 'pipedrive',
      apiUrl: e.PIPEDRIVE_API_URL ?? 'https://api.pipedrive.com',
      apiToken: e.PIPEDRIVE_API_TOKEN,
    };
  }
  return { mode: 'local', target: 'sandbox', apiUrl: undefined, apiToken: undefined };
}

function describeIssue(issue: z.core.$ZodIssue, env: Env): string {
  const name = String(issue.path[0] ?? 'environment');
  const raw = env[name];
  // Echo the offending value only for variables that cannot hold a secret.
  const safeToEcho = [
    'PORT',
    'NODE_ENV',
    'LOG_LEVEL',
    'CLIENT_MODE',
    'UPLOAD_MAX_BYTES',
    'HOST',
    'SANDBOX_PORT',
    'ZIP_MAX_ENTRIES',
    'ZIP_MAX_ENTRY_BYTES',
    'ZIP_MAX_TOTAL_BYTES',
    'ZIP_MAX_RATIO',
    'DELTA_SYNC_INTERVAL_MS',
  ].includes(name);
  const got = safeToEcho && raw !== undefined ? ` (got "${raw}")` : '';
  return `${name} ${issue.message}${got}`;
}

/** Reads and validates the environment. Throws ConfigError with a one-line message on the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(first ? describeIssue(first, env) : 'invalid environment');
  }
  const e = parsed.data;
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${port}`,
    logLevel: e.LOG_LEVEL,
    database: parseDatabaseUrl(e.DATABASE_URL, cwd),
    dataDir: path.resolve(cwd, e.DATA_DIR),
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    zip: {
      maxEntries: e.ZIP_MAX_ENTRIES,
      maxEntryBytes: e.ZIP_MAX_ENTRY_BYTES,
      maxTotalBytes: e.ZIP_MAX_TOTAL_BYTES,
      maxRatio: e.ZIP_MAX_RATIO,
    },
    clientMode: e.CLIENT_MODE,
    pipedrive: pipedriveConfig(e),
    sandboxPort: e.SANDBOX_PORT,
    deltaSyncIntervalMs: e.DELTA_SYNC_INTERVAL_MS,
  };
}
