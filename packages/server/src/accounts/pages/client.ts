// The hosted pages' one way to talk to the server: the Experience and Account APIs of the same
// origin, each answer checked against the route's schema from @passline/contracts. Tokens live in
// sessionStorage, for this tab only.
import {
  ApiError,
  type ResponseOf,
  type ResponseSchema,
  requestApi,
  type TokenSet,
  tokenSetSchema,
} from '@passline/contracts';
import * as z from 'zod/mini';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** A request; the answer, or the error in words the pages can explain (never a throw). */
export async function api<Schema extends ResponseSchema>(
  method: 'GET' | 'POST',
  path: string,
  responseSchema: Schema,
  body?: unknown,
  accessToken?: string,
): Promise<Result<ResponseOf<Schema>>> {
  try {
    const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
    return { ok: true, data: await requestApi({ method, path, body, headers }, responseSchema) };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error };
    throw error;
  }
}

const tokenKey = 'passline.tokens';
// What this tab keeps of a token set; read back through a schema, as anything stored may be stale.
const storedTokensSchema = z.object({ accessToken: z.string(), refreshToken: z.string() });
type StoredTokens = z.infer<typeof storedTokensSchema>;

export function loadTokens(): StoredTokens | undefined {
  try {
    const stored = z.safeParse(storedTokensSchema, JSON.parse(sessionStorage.getItem(tokenKey) ?? 'null'));
    return stored.success ? stored.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveTokens(tokens: TokenSet): void {
  sessionStorage.setItem(
    tokenKey,
    JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
  );
}

export function clearTokens(): void {
  sessionStorage.removeItem(tokenKey);
}

const signedOut = new ApiError(401, { code: 'auth.invalid_token', message: 'Not signed in.' });

/** A request with the access token; one refresh (the refresh token rotates) when it has expired. */
export async function authed<Schema extends ResponseSchema>(
  method: 'GET' | 'POST',
  path: string,
  responseSchema: Schema,
  body?: unknown,
): Promise<Result<ResponseOf<Schema>>> {
  const tokens = loadTokens();
  if (!tokens) return { ok: false, error: signedOut };
  const result = await api(method, path, responseSchema, body, tokens.accessToken);
  if (result.ok || result.error.status !== 401) return result;
  const refreshed = await api('POST', '/api/token', tokenSetSchema, {
    grant_type: 'refresh_token',
    refresh_token: tokens.refreshToken,
  });
  if (!refreshed.ok) return result;
  saveTokens(refreshed.data);
  return api(method, path, responseSchema, body, refreshed.data.accessToken);
}
