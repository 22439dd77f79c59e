// HTTP Basic credentials compared in constant time (Pipedrive's uninstall callback and webhooks).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** True when the request carries exactly `user:password`. Hashing first makes the lengths equal. */
export function hasBasicCredentials(req: Request, user: string, password: string): boolean {
  const header = req.header('authorization') ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  const given = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(`${user}:${password}`)) && given.length > 0;
}
