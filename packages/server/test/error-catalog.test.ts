import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode, errorCatalog } from '../src/errors.ts';

describe('error catalogue', () => {
  it('gives every code a default message, which an AppError without one says', () => {
    for (const code of Object.keys(errorCatalog) as ErrorCode[]) {
      const { message, status } = errorCatalog[code];
      expect(message, code).toMatch(/^[A-Z].*\.$/);
      const error = new AppError(code);
      expect(error.message, code).toBe(message);
      expect(error.status, code).toBe(status);
    }
  });

  it('keeps a specific message, and the error it wraps as cause', () => {
    const cause = new Error('key abc is not configured');
    const error = new AppError('connector.secret_unreadable', 'Connector c1 cannot be read.', undefined, undefined, {
      cause,
    });
    expect(error.message).toBe('Connector c1 cannot be read.');
    expect(error.cause).toBe(cause);
  });
});
