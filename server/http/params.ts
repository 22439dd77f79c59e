// Request input checks shared by the routes: ids in paths, and bodies or queries against a zod schema.
// A bad input is a 400 naming the first problem.
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

export function idParam(v: unknown, what: string): number {
  const s = String(v);
  if (!/^[1-9]\d{0,15}$/.test(s))
    throw new ValidationError('invalid_id', `${what} must be a positive whole number.`);
  return Number(s);
}

export function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ValidationError(
      'invalid_request',
      `${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}
