// API v2 cursor paging: `limit` (default 100, at most 500) and an opaque `cursor`; the next page's cursor
// is in `additional_data.next_cursor`, null on the last page.
import { validationFailed } from '../../http.ts';

export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | undefined;
}

type Key = number | string;

interface CursorBody {
  k: Key;
  id: number;
}

export const MAX_LIMIT = 500;

export function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorBody {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      typeof body === 'object' &&
      body !== null &&
      'k' in body &&
      'id' in body &&
      (typeof body.k === 'number' || typeof body.k === 'string') &&
      typeof body.id === 'number'
    ) {
      return { k: body.k, id: body.id };
    }
  } catch {
    // fall through
  }
  throw validationFailed('cursor: invalid cursor');
}

/**
 * One page of `items` ordered by (key, id) in the given direction, starting after the cursor.
 * `items` must already be filtered; they are sorted here unless the order is plain ascending id.
 */
export function page<T extends { id: number }>(
  items: Iterable<T>,
  req: PageRequest,
  key: (t: T) => Key = (t) => t.id,
  direction: 'asc' | 'desc' = 'asc',
  presorted = false,
): { data: T[]; nextCursor: string | null } {
  const limit = req.limit ?? 100;
  const after = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
  const sign = direction === 'asc' ? 1 : -1;
  const cmp = (a: { k: Key; id: number }, b: { k: Key; id: number }) =>
    (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id - b.id) * sign;
  let list = presorted
    ? items
    : [...items].sort((a, b) => cmp({ k: key(a), id: a.id }, { k: key(b), id: b.id }));
  const data: T[] = [];
  let more = false;
  for (const item of list) {
    if (after && cmp({ k: key(item), id: item.id }, after) <= 0) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push(item);
  }
  list = [];
  const last = data[data.length - 1];
  return { data, nextCursor: more && last ? encodeCursor({ k: key(last), id: last.id }) : null };
}

/** `page()` with the list endpoints' `sort_by` (default id) and `sort_direction` (default asc). */
export function sortedPage<T extends { id: number }, S extends string>(
  items: Iterable<T>,
  q: PageRequest & { sort_by?: S | 'id' | undefined; sort_direction?: 'asc' | 'desc' | undefined },
  key: (item: T, sortBy: S) => Key,
): { data: T[]; nextCursor: string | null } {
  const sortBy = q.sort_by;
  const direction = q.sort_direction ?? 'asc';
  if (sortBy === undefined || sortBy === 'id')
    return page(items, q, (t) => t.id, direction, direction === 'asc');
  return page(items, q, (t) => key(t, sortBy as S), direction);
}
