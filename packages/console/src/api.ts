import { ApiError, type ResponseOf, type ResponseSchema, requestApi } from '@passline/contracts';

/** The Management API as the console uses it: same origin, session cookie, CSRF header on changes. */

export { ApiError };

let csrfToken: string | undefined;
let onSessionEnded: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is over, so the app can show the sign-in page. */
export function onUnauthenticated(handler: () => void): void {
  onSessionEnded = handler;
}

/**
 * Calls a route and checks its answer against the route's response schema (from
 * @passline/contracts, the one the server declares): an answer of another shape is an `ApiError`
 * with code `response.unexpected` that says what differs, never data the page misreads.
 */
export async function api<Schema extends ResponseSchema>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  responseSchema: Schema,
  body?: unknown,
): Promise<ResponseOf<Schema>> {
  const headers: Record<string, string> = method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {};
  try {
    return await requestApi({ method, path, body, headers }, responseSchema);
  } catch (error) {
    const ended =
      error instanceof ApiError && (error.code === 'auth.session_invalid' || error.code === 'auth.missing_credentials');
    if (ended && error.status === 401 && !path.startsWith('/api/admin/')) onSessionEnded?.();
    throw error;
  }
}
