// The server answers every failure as {error:{code,message,details?,requestId}}; the panel turns that
// (and failures that never reached the server) into one typed error.
import { z } from 'zod';

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server was not reached. */
    readonly status: number,
    /** The server's stable code (`migration_not_found`), or ours: network_error, timeout, invalid_response. */
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The typed error for a failed response, from its body when it has the server's shape. */
export function errorFromResponse(
  status: number,
  bodyText: string,
  requestIdHeader: string | null,
): ApiError {
  let parsed: z.infer<typeof errorBody> | null = null;
  try {
    const result = errorBody.safeParse(JSON.parse(bodyText));
    if (result.success) parsed = result.data;
  } catch {
    // Not JSON: a proxy's HTML page or an empty body.
  }
  if (parsed) {
    const { code, message, details, requestId } = parsed.error;
    return new ApiError(status, code, message, requestId ?? requestIdHeader, details);
  }
  return new ApiError(status, `http_${status}`, `The server answered ${status}.`, requestIdHeader);
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError(
    0,
    'network_error',
    'Cannot reach the server. Check your connection and try again.',
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

export function timeoutError(ms: number): ApiError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new ApiError(
    0,
    'timeout',
    `The server did not answer within ${seconds} second${seconds === 1 ? '' : 's'}.`,
  );
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
