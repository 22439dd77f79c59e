// Errors that cross module boundaries. Services throw these with a kind; only the HTTP layer turns a
// kind into a status code, and the CLI into an exit code.

export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'rate_limited'
  | 'upstream'
  | 'unavailable';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    /** Stable machine-readable code, e.g. `migration_not_found`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  constructor(code: string, message: string, details?: unknown) {
    super('validation', code, message, details);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
