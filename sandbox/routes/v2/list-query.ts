// Query parameters shared by the API v2 list endpoints (persons, organizations, activities).
import { z } from 'zod';
import { queryBool, queryIds, queryInt, queryRfc3339 } from '../../entities/schemas.ts';
import { validationFailed } from '../../http.ts';
import { MAX_LIMIT } from './paging.ts';

export const pagingQuery = {
  limit: queryInt(1, MAX_LIMIT).optional(),
  cursor: z.string().min(1).optional(),
};

export const listQuery = {
  ...pagingQuery,
  ids: queryIds(100).optional(),
  owner_id: queryInt().optional(),
  updated_since: queryRfc3339.optional(),
  updated_until: queryRfc3339.optional(),
  sort_by: z.enum(['id', 'update_time', 'add_time']).optional(),
  sort_direction: z.enum(['asc', 'desc']).optional(),
  include_fields: z.string().optional(),
  custom_fields: z.string().optional(),
  include_option_labels: queryBool.optional(),
  include_labels: queryBool.optional(),
  filter_id: queryInt().optional(),
};

/** GET by id: which custom fields and optional fields to return. */
export const getQuery = z.object({
  include_fields: z.string().optional(),
  custom_fields: z.string().optional(),
  include_option_labels: queryBool.optional(),
  include_labels: queryBool.optional(),
});

export function presentOptions(
  q: { custom_fields?: string | undefined; include_fields?: string | undefined },
  allowed: readonly string[],
): { customFields: string[] | undefined; includeFields: string[] } {
  return {
    customFields: customFieldKeys(q.custom_fields),
    includeFields: includeFields(q.include_fields, allowed),
  };
}

/** `custom_fields=a,b` narrows the custom fields returned (at most 15 keys). */
export function customFieldKeys(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (keys.length > 15) throw validationFailed('custom_fields: at most 15 custom field keys');
  return keys;
}

export function includeFields(raw: string | undefined, allowed: readonly string[]): string[] {
  if (raw === undefined) return [];
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const f of list) {
    if (!allowed.includes(f)) throw validationFailed(`include_fields: unknown field ${f}`);
  }
  return list;
}

/** Filter saved filters are not emulated. */
export function rejectFilterId(filterId: number | undefined): void {
  if (filterId !== undefined) throw validationFailed(`filter_id: filter ${filterId} not found`);
}

export function inUpdateWindow(updateTime: number, since?: number, until?: number): boolean {
  return (since === undefined || updateTime >= since) && (until === undefined || updateTime < until);
}
