import { ConnectorError } from './connector-error.ts';

export interface ProviderRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** For messages: "Twilio", "Aliyun SMS" ... */
  providerName: string;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * One HTTP request to a provider with a deadline. Network failures become `provider_unavailable`,
 * the deadline becomes `timeout`. It never retries: a request the provider may have accepted is
 * not sent twice (that would be two SMS and two charges).
 */
export async function requestProvider(
  fetchImpl: typeof fetch,
  request: ProviderRequest,
  signal?: AbortSignal,
): Promise<ProviderResponse> {
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body,
      signal: combined,
    });
  } catch (error) {
    if (deadline.aborted) {
      throw new ConnectorError(
        'timeout',
        `${request.providerName} did not answer within ${request.timeoutMs} ms. The message may or may not have been sent; it is not retried automatically.`,
        { cause: error },
      );
    }
    throw new ConnectorError(
      'provider_unavailable',
      `Could not reach ${request.providerName} at ${new URL(request.url).origin}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const kind = deadline.aborted ? 'timeout' : 'provider_unavailable';
    throw new ConnectorError(kind, `${request.providerName} closed the connection while answering.`, { cause: error });
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Seconds from an HTTP `Retry-After` header, which is either a number of seconds or an HTTP date;
 * undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
