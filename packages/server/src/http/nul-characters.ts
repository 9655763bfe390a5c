import { AppError } from '../errors.ts';

const nul = '\u0000';

/**
 * The path of the first string under `value` that holds a NUL character, or undefined. PostgreSQL
 * cannot store U+0000 in text, and no field of this API has a use for it, so such input is refused
 * at the edge instead of failing deep in a query.
 */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(nul) ? path : undefined;
  // JSON bodies are at most 64 KiB, but a deep array must not cost a deep recursion.
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes(nul)) return `${path}.${key.replaceAll(nul, '\\u0000')}`;
    const found = findNul(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws `request.invalid` naming the field when a body, query or path value holds a NUL character. */
export function rejectNulCharacters(request: { body?: unknown; query?: unknown; params?: unknown }): void {
  const path =
    findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body');
  if (path === undefined) return;
  const message = 'must not contain NUL (U+0000) characters';
  throw new AppError('request.invalid', `Invalid request: ${path}: ${message}`, { issues: [{ path, message }] });
}
