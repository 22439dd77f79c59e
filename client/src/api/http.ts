// Pieces shared by JSON requests, uploads and event streams: the token, URLs, and judging a response.
import type { z } from 'zod';
import { ApiError, errorFromResponse } from './errors.ts';

export interface TokenSource {
  /** The token to send, or null when there is none (outside Pipedrive). */
  get(): Promise<string | null>;
  /** The server refused the token: forget it. */
  invalidate(): void;
}

export const NO_TOKEN: TokenSource = { get: async () => null, invalidate: () => {} };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | null | undefined>;

/** What came back, before it is judged: shared by fetch and XMLHttpRequest (uploads). */
export interface RawResponse {
  status: number;
  contentType: string | null;
  requestId: string | null;
  text: string;
}

/** The body of a successful response (JSON parsed), or the typed error for a failed one. */
export function decode(raw: RawResponse): unknown {
  if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(raw.status, raw.text, raw.requestId);
  if (raw.text === '') return undefined;
  if (!raw.contentType?.includes('json')) return raw.text;
  try {
    return JSON.parse(raw.text);
  } catch {
    throw new ApiError(raw.status, 'invalid_response', 'The server sent a broken answer.', raw.requestId);
  }
}

/** Checks a decoded body against what the panel expects, so screens never handle an unchecked shape. */
export function validate<T>(value: unknown, schema: z.ZodType<T>, raw: RawResponse): T {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  throw new ApiError(
    raw.status,
    'invalid_response',
    'The server sent an answer this panel does not understand. Reload the page to get the current version.',
    raw.requestId,
    checked.error.issues,
  );
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

/** Runs `send` with the current token; on a 401 with a token, once more with a fresh one. */
export async function withToken<T extends { status: number }>(
  tokens: TokenSource,
  send: (token: string | null) => Promise<T>,
): Promise<T> {
  const token = await tokens.get();
  const first = await send(token);
  if (first.status !== 401 || token === null) return first;
  tokens.invalidate();
  return send(await tokens.get());
}
