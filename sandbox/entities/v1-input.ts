// API v1 is looser than v2: numbers may come as numeric strings (form bodies), flags as 0/1 or booleans.
// Malformed values are still a 400 with v1's envelope (no `code`).
import { badRequest } from '../http.ts';
import { isValidDate } from '../state/custom-values.ts';

export function v1Body(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be an object');
  return body as Record<string, unknown>;
}

export function v1Int(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n <= 0) throw badRequest(`${name} must be a positive integer`);
  return n;
}

export function v1Flag(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  throw badRequest(`${name} must be 0 or 1`);
}

export function v1String(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}

const V1_TIME = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;

/** `YYYY-MM-DD HH:MM:SS` in UTC → epoch ms. */
export function v1Timestamp(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = typeof value === 'string' ? V1_TIME.exec(value) : null;
  if (!m || !isValidDate(m[1])) throw badRequest(`${name} must be a date and time as YYYY-MM-DD HH:MM:SS`);
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
}

/** v1 paging: `start` (offset) and `limit`; returns the page and Pipedrive's pagination block. */
export function v1Page<T>(
  items: T[],
  query: Record<string, unknown>,
  maxLimit = 500,
): { page: T[]; pagination: Record<string, unknown> } {
  const start = query.start === undefined ? 0 : Number(query.start);
  const limit = query.limit === undefined ? Math.min(100, maxLimit) : Number(query.limit);
  if (!Number.isInteger(start) || start < 0) throw badRequest('start must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
    throw badRequest(`limit must be an integer from 1 to ${maxLimit}`);
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const pagination: Record<string, unknown> = { start, limit, more_items_in_collection: more };
  if (more) pagination.next_start = start + limit;
  return { page, pagination };
}

/** `sort=add_time DESC,id ASC` over the given sortable fields. */
export function v1Sort<T>(items: T[], sort: unknown, fields: Record<string, (t: T) => number | string>): T[] {
  if (sort === undefined || sort === '') return items;
  if (typeof sort !== 'string') throw badRequest('sort must be a string');
  const keys = sort.split(',').map((part) => {
    const [field, dir = 'ASC'] = part.trim().split(/\s+/);
    const get = field ? fields[field] : undefined;
    if (!get || !/^(ASC|DESC)$/i.test(dir)) throw badRequest(`sort: cannot sort by "${part.trim()}"`);
    return { get, sign: dir.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const x = k.get(a);
      const y = k.get(b);
      if (x < y) return -k.sign;
      if (x > y) return k.sign;
    }
    return 0;
  });
}
