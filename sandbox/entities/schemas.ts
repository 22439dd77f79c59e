// Building blocks for API v2's strict validation: booleans are only true/false, numbers are never
// coerced, dates are RFC 3339 without fractional seconds (Pipedrive rejects `Date.toISOString()`'s
// milliseconds), and unknown properties are refused. Refusing unknown properties may be stricter than
// Pipedrive; a client that passes here also passes there, which is the direction that matters.
import { z } from 'zod';
import { validationFailed } from '../http.ts';
import { isValidDate, isValidTime } from '../state/custom-values.ts';

export const id = z.number().int().positive();

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp (whole seconds) to epoch ms, or undefined when malformed. */
export function parseRfc3339(s: string): number | undefined {
  if (!RFC3339.test(s) || !isValidDate(s.slice(0, 10))) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

export const rfc3339 = z
  .string()
  .refine((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 date-time such as 2024-01-15T09:30:00Z');

export const date = z.string().refine(isValidDate, 'must be a date as YYYY-MM-DD');
export const hhmm = z
  .string()
  .refine((s) => /^\d{2}:\d{2}$/.test(s) && isValidTime(s), 'must be a time as HH:MM');

export const visibleTo = z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(7)], {
  error: 'must be one of 1, 3, 5, 7',
});

export const contactList = (labels: readonly [string, ...string[]]) =>
  z.array(
    z.strictObject({
      value: z.string().min(1),
      primary: z.boolean().optional(),
      label: z.enum(labels).optional(),
    }),
  );

export const EMAIL_LABELS = ['work', 'home', 'other'] as const;
export const PHONE_LABELS = ['work', 'home', 'mobile', 'other'] as const;

export const address = z.strictObject({
  value: z.string().min(1),
  country: z.string().optional(),
  admin_area_level_1: z.string().optional(),
  admin_area_level_2: z.string().optional(),
  locality: z.string().optional(),
  sublocality: z.string().optional(),
  route: z.string().optional(),
  street_number: z.string().optional(),
  subpremise: z.string().optional(),
  postal_code: z.string().optional(),
});

export const customFields = z.record(z.string(), z.unknown());

/** Parses with a zod schema; the first problem becomes Pipedrive's v2 400. */
export function parseV2<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'body';
  throw validationFailed(`${where}: ${issue.message}`);
}

// --- query parameters: v2 is as strict in the query string as in the body ---

export const queryInt = (min = 1, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

export const queryBool = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((s) => s === 'true');

export const queryIds = (max: number) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated ids')
    .transform((s) => s.split(',').map(Number))
    .refine((a) => a.length <= max, `must list at most ${max} ids`);

export const queryRfc3339 = z
  .string()
  .refine((s) => parseRfc3339(s) !== undefined, 'not a valid datetime (RFC 3339 without fractional seconds)')
  .transform((s) => parseRfc3339(s)!);

/** Each query parameter once; arrays (repeated parameters) are a 400. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  if (typeof query === 'object' && query !== null) {
    for (const [k, v] of Object.entries(query)) {
      if (typeof v !== 'string') throw validationFailed(`${k}: must be given once`);
    }
  }
  return parseV2(schema, query);
}
