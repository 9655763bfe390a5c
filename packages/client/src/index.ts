import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import { isErrorBody, PasslineError } from './errors.ts';
import type { paths } from './openapi.ts';

export { errorCodes } from './error-codes.ts';
export { type ErrorBody, type ErrorCode, isPasslineError, PasslineError } from './errors.ts';
export type { components, operations, paths } from './openapi.ts';

export interface PasslineClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where Passline answers, e.g. https://verify.example.com. */
  baseUrl: string;
  /**
   * An API key, sent as `Authorization: Bearer <key>`: a verify key for the Verification API, an
   * admin key for the Management API. The Experience API's end-user calls take an access token
   * here instead (or none, for its public steps).
   */
  apiKey?: string;
}

export type PasslineClient = Client<paths>;

/**
 * A typed client for every route in Passline's OpenAPI document. Each call answers
 * `{ data, error, response }` as openapi-fetch does: `data` typed by the route's 2xx schema, or
 * `error` typed as Passline's error body. `unwrap` turns that into a value or a thrown
 * `PasslineError` for callers who prefer exceptions.
 */
export function createPasslineClient(options: PasslineClientOptions): PasslineClient {
  const { apiKey, baseUrl, headers, ...rest } = options;
  return createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...(headers as Record<string, string>) },
  });
}

/** The data of a successful call, or throws a `PasslineError` carrying the stable code. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, undefined>> {
  const { data, error, response } = await call;
  if (response.ok) return data as Exclude<T, undefined>;
  if (isErrorBody(error)) throw new PasslineError(error, response);
  throw new Error(`Passline answered HTTP ${response.status} without an error body`);
}
