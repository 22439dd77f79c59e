// OAuth tokens at rest: AES-256-GCM with a fresh 96-bit IV per value, the company id as additional
// authenticated data (a token copied to another company's row does not decrypt), and the key id in the
// envelope so keys can be rotated: new values use the current key, old ones decrypt with the key they name.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

export interface Keyring {
  current: { id: string; key: Buffer };
  /** Earlier keys, still accepted for decryption during a rotation. */
  previous?: Array<{ id: string; key: Buffer }>;
}

const VERSION = 'v1';

function aad(companyId: number): Buffer {
  return Buffer.from(`company:${companyId}`, 'utf8');
}

export function encryptToken(keys: Keyring, companyId: number, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.current.key, iv);
  cipher.setAAD(aad(companyId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    keys.current.id,
    iv.toString('base64url'),
    body.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** A stored token that no configured key opens: the key was changed or removed too early (a 503, not a 500). */
export class TokenDecryptionError extends AppError {
  override name = 'TokenDecryptionError';
  constructor(reason: string) {
    super(
      'unavailable',
      'stored_token_unreadable',
      `A stored Pipedrive token cannot be decrypted: ${reason}. Was TOKEN_ENCRYPTION_KEY changed?`,
    );
  }
}

export function decryptToken(keys: Keyring, companyId: number, envelope: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new TokenDecryptionError('unrecognised token envelope');
  const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
  const key = [keys.current, ...(keys.previous ?? [])].find((k) => k.id === keyId);
  if (!key)
    throw new TokenDecryptionError(
      `no key with id ${keyId}; was it removed before every token was re-encrypted?`,
    );
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(companyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new TokenDecryptionError('token failed authentication (wrong key, wrong company or tampered)');
  }
}

/** The key id a stored value was encrypted with (to find values that still need re-encryption). */
export function keyIdOf(envelope: string): string | undefined {
  return envelope.split('.')[1];
}
