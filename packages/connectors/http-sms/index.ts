import { defineConnector, readReadme, requestProvider } from '@passline/connector-kit';
import { configSchema, configTemplate, defaultTimeoutMs, type HttpSmsConfig } from './config.ts';
import { providerName, receiverError, type SendContext } from './errors.ts';
import { logo } from './logo.ts';
import { requestBody, signatureHeaders } from './request.ts';

/**
 * Generic HTTP SMS: POSTs each message as JSON to the admin's own endpoint, which delivers it.
 * The body is the one Logto's HTTP SMS connector sends; the request can carry an Authorization
 * header and a Standard Webhooks signature.
 */
export const httpSmsConnector = defineConnector({
  metadata: {
    id: 'http-sms',
    type: 'sms',
    name: 'HTTP SMS',
    description:
      'POSTs each code as JSON to your own endpoint (Logto-compatible body), with an auth header and a signature.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  async sendMessage(input, config, context) {
    const body = JSON.stringify(requestBody(input, config));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': 'Passline',
    };
    if (config.authorization) headers.Authorization = config.authorization;
    if (config.signingSecret) Object.assign(headers, signatureHeaders(config.signingSecret, body));

    const endpoint = new URL(config.endpoint);
    const sendContext: SendContext = {
      to: input.to,
      endpoint: `${endpoint.origin}${endpoint.pathname}`,
      secrets: valuesToBlank(config, input.payload.code),
    };
    // A followed redirect would send the code, the Authorization header and the signature to an
    // address nobody configured; the 3xx answer is reported instead.
    const noRedirects: typeof fetch = (url, init) => context.fetch(url, { ...init, redirect: 'manual' });
    const response = await requestProvider(
      noRedirects,
      {
        url: endpoint.href,
        method: 'POST',
        headers,
        body,
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    if (response.status >= 200 && response.status < 300) {
      // The endpoint took the message: an answer without an id is still a sent message, never a resend.
      return { messageId: readMessageId(response.json) };
    }
    throw receiverError(response, sendContext);
  },
});

export default httpSmsConnector;

/**
 * What an answer must never repeat: the code, the Authorization value and its credential part
 * (after "Bearer "), and the signing secret with and without its "whsec_" prefix. Longest first, so
 * a whole value is blanked before its parts.
 */
function valuesToBlank(config: HttpSmsConfig, code: string | undefined): string[] {
  const values = [code, config.authorization, config.authorization?.split(' ').at(-1), config.signingSecret];
  if (config.signingSecret) values.push(config.signingSecret.slice('whsec_'.length));
  return values
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .sort((left, right) => right.length - left.length);
}

/** The endpoint's id for the message: `messageId`, else `id`, from a JSON answer; null otherwise. */
function readMessageId(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const { messageId, id } = json as Record<string, unknown>;
  for (const candidate of [messageId, id]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate.slice(0, 200);
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return String(candidate);
  }
  return null;
}

export type { HttpSmsRequestBody } from './request.ts';
export type { HttpSmsConfig };
