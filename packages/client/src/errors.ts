import type { ErrorCode } from './error-codes.ts';

export type { ErrorCode } from './error-codes.ts';

/** Every error body Passline sends. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId?: string };
}

/**
 * A Passline error answer as a value: `code` is one of the stable codes, so callers switch on it
 * instead of parsing messages. `status` is the HTTP status; `retryAfterSeconds` comes from
 * Retry-After on 429s.
 */
export class PasslineError extends Error {
  override readonly name = 'PasslineError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(body: ErrorBody, response: Response) {
    super(body.error.message);
    this.code = body.error.code;
    this.status = response.status;
    this.details = body.error.details;
    this.requestId = body.error.requestId;
    const retryAfter = Number(response.headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  }
}

export function isPasslineError(error: unknown): error is PasslineError {
  return error instanceof PasslineError;
}

/** True for Passline's error bodies, so other answers (a proxy's HTML page) are not mistaken for one. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
