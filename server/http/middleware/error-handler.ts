import type { ErrorRequestHandler, RequestHandler } from 'express';
import { type ErrorKind, isAppError } from '../../errors.ts';

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export const notFound: RequestHandler = (req, res) => {
  const body: ErrorBody = {
    error: {
      code: 'route_not_found',
      message: `No route for ${req.method} ${req.path}`,
      requestId: String(req.id),
    },
  };
  res.status(404).json(body);
};

/** Registered last. Known errors keep their message; anything else is logged and answered generically. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = String(req.id);
  if (isAppError(err)) {
    const status = STATUS[err.kind];
    if (status >= 500) req.log.error({ err }, err.message);
    const body: ErrorBody = {
      error: {
        code: err.code,
        message: err.message,
        ...(err.details === undefined ? {} : { details: err.details }),
        requestId,
      },
    };
    res.status(status).json(body);
    return;
  }
  // Body-parser and friends mark client errors with a 4xx status.
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) req.log.error({ err }, 'unhandled error');
  const body: ErrorBody = {
    error: {
      code: status === 500 ? 'internal_error' : 'bad_request',
      message:
        status === 500
          ? 'Something went wrong on our side. Quote the request id when reporting it.'
          : String(err.message),
      requestId,
    },
  };
  if (res.headersSent) return;
  res.status(status).json(body);
};
