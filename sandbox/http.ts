// Pipedrive's response envelopes. Success: `{success: true, data, additional_data}`. Errors:
// `{success: false, error, error_info, data: null, additional_data: null}`, plus `code` on API v2
// validation errors (ERR_SCHEMA_VALIDATION_FAILED) and `errorCode` on 401/403/429.
import type { NextFunction, Request, Response } from 'express';

export const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly options: {
      code?: string;
      body?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }
}

/** 400 as API v2 words it: the validator's message behind "Validation failed:". */
export function validationFailed(detail: string): ApiError {
  return new ApiError(400, `Validation failed: ${detail}`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, message);
}

export function forbidden(message: string, code?: string): ApiError {
  return new ApiError(403, message, code ? { code } : {});
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized access');
}

export function errorBody(err: ApiError, apiVersion: 'v1' | 'v2'): Record<string, unknown> {
  if (err.options.body) return err.options.body;
  const body: Record<string, unknown> = { success: false, error: err.message };
  if (err.options.code) body.code = err.options.code;
  if (err.status === 401 || err.status === 403 || err.status === 429) body.errorCode = err.status;
  body.error_info = ERROR_INFO;
  if (apiVersion === 'v2' || err.status !== 401) {
    body.data = null;
    body.additional_data = null;
  }
  return body;
}

/**
 * Sends a success body, unless the "apply the write, then drop the connection" fault is armed for this
 * request: then the write has already happened and the client only sees its socket die.
 */
export function send(res: Response, body: unknown, status = 200): void {
  if (res.locals.dropAfterWrite === true) {
    res.locals.faultApplied = 'drop_after_write';
    res.statusCode = 0;
    res.socket?.destroy();
    return;
  }
  res.status(status).json(body);
}

export function ok(res: Response, data: unknown, additionalData?: unknown, status = 200): void {
  const body: Record<string, unknown> = { success: true, data };
  if (additionalData !== undefined) body.additional_data = additionalData;
  send(res, body, status);
}

export function apiVersionOf(req: Request): 'v1' | 'v2' {
  return req.originalUrl.startsWith('/api/v2') ? 'v2' : 'v1';
}

/** Express error handler for the API routes: Pipedrive's envelope, never a stack trace. */
export function apiErrorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const version = apiVersionOf(req);
  const apiError =
    err instanceof ApiError
      ? err
      : isBodyParserError(err)
        ? err.type === 'entity.too.large'
          ? new ApiError(413, 'Request entity too large')
          : version === 'v2'
            ? validationFailed('body: not valid JSON')
            : badRequest('Request body is not valid JSON')
        : new ApiError(500, 'Internal server error');
  if (!(err instanceof ApiError) && apiError.status === 500) res.locals.internalError = err;
  for (const [k, v] of Object.entries(apiError.options.headers ?? {})) res.setHeader(k, v);
  res.status(apiError.status).json(errorBody(apiError, version));
}

function isBodyParserError(e: unknown): e is { type: string } {
  return (
    typeof e === 'object' && e !== null && 'type' in e && typeof (e as { type: unknown }).type === 'string'
  );
}
