import { defineConnector, findTemplate, readReadme, renderTemplate, requestProvider } from '@passline/connector-kit';
import {
  configSchema,
  configTemplate,
  defaultEndpoint,
  defaultTemplates,
  defaultTimeoutMs,
  type VonageSmsConfig,
} from './config.ts';
import { httpFailure, providerName, type SendContext, vonageError } from './errors.ts';
import { isGsm7 } from './gsm.ts';
import { logo } from './logo.ts';
import { computeVonageSignature } from './signature.ts';

export {
  computeVonageSignature,
  type VonageSignatureMethod,
  vonageSignatureMethods,
  vonageStringToSign,
} from './signature.ts';

/** Vonage SMS API: the text lives in Passline and is sent as `text` to /sms/json. */
export const vonageSmsConnector = defineConnector({
  metadata: {
    id: 'vonage-sms',
    type: 'sms',
    name: 'Vonage SMS',
    description: 'Sends codes as SMS through the Vonage (Nexmo) SMS API, from a virtual number or sender ID.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  async sendMessage(input, config, context) {
    const text = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    const base = new URL(config.endpoint ?? defaultEndpoint);
    // Relative resolution keeps a path prefix of the endpoint (a proxy mounted under a path).
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const url = new URL('sms/json', base);

    // Vonage takes numbers as digits only, without the leading +.
    const params: Record<string, string> = {
      api_key: config.apiKey,
      from: config.brandName.replace(/^\+/, ''),
      to: input.to.replace(/^\+/, ''),
      text,
    };
    // Without it Vonage sends GSM-7 and any other character arrives garbled.
    if (!isGsm7(text)) params.type = 'unicode';
    if (config.signatureSecret) {
      // A signed request carries sig and timestamp instead of the API secret (status 32 otherwise).
      params.timestamp = String(Math.floor(Date.now() / 1000));
      params.sig = computeVonageSignature(params, config.signatureSecret, config.signatureMethod ?? 'md5hash');
    } else if (config.apiSecret) {
      params.api_secret = config.apiSecret;
    }

    const sendContext: SendContext = {
      to: input.to,
      sender: config.brandName,
      apiKey: config.apiKey,
      signed: Boolean(config.signatureSecret),
      endpoint: base.origin,
    };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    const parts = readParts(response.json);
    if (response.status !== 200 || !parts) throw httpFailure(response.status, sendContext.endpoint);
    // A long text is sent as several parts, each with its own status: one failing part fails the send.
    const failed = parts.find((part) => part.status !== '0');
    if (failed) throw vonageError({ status: failed.status, errorText: failed.errorText }, sendContext);
    return { messageId: parts[0]?.messageId ?? null };
  },
});

export default vonageSmsConnector;

interface Part {
  status: string;
  errorText: string | undefined;
  messageId: string | undefined;
}

/** The `messages` of an SMS API answer, or undefined when the body is not one. */
function readParts(json: unknown): Part[] | undefined {
  if (!isObject(json) || !Array.isArray(json.messages) || json.messages.length === 0) return undefined;
  const parts: Part[] = [];
  for (const entry of json.messages) {
    if (!isObject(entry)) return undefined;
    const status = entry.status;
    if (typeof status !== 'string' && typeof status !== 'number') return undefined;
    parts.push({
      status: String(status),
      errorText: typeof entry['error-text'] === 'string' ? entry['error-text'] : undefined,
      messageId: typeof entry['message-id'] === 'string' ? entry['message-id'] : undefined,
    });
  }
  return parts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { VonageSmsConfig };
