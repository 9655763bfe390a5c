import { AppError } from '../errors.ts';

// Keyset pagination for the logs (messages, protection events): a page ends at a (created_at, id)
// pair, and the next page starts strictly after it. Opaque to clients.

/** The cursor that continues after this row. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/** A cursor this API did not hand out is a client error, not a silent first page. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const [createdAt, id] = Array.isArray(decoded) ? (decoded as unknown[]) : [];
  if (
    Number.isSafeInteger(createdAt) &&
    (createdAt as number) >= 0 &&
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= 100 &&
    !id.includes('\u0000')
  ) {
    return { createdAt: createdAt as number, id };
  }
  const message = 'is not a cursor from this API; pass nextCursor from the previous page unchanged';
  throw new AppError('request.invalid', `Invalid request: querystring.cursor: ${message}`, {
    issues: [{ path: 'querystring.cursor', message }],
  });
}
