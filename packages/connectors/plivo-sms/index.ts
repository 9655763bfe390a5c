import {
  defineConnector,
  findTemplate,
  parseRetryAfter,
  readReadme,
  renderTemplate,
  requestProvider,
} from '@passline/connector-kit';
import {
  configSchema,
  configTemplate,
  defaultEndpoint,
  defaultTemplates,
  defaultTimeoutMs,
  type PlivoSmsConfig,
} from './config.ts';
import { type PlivoFailure, plivoError, providerName, type SendContext, unreadableAnswer } from './errors.ts';
import { logo } from './logo.ts';

/** Plivo Messaging: the text lives in Passline and is sent as the message `text`. */
export const plivoSmsConnector = defineConnector({
  metadata: {
    id: 'plivo-sms',
    type: 'sms',
    name: 'Plivo SMS',
    description: 'Sends codes as SMS through the Plivo Message API, from a number, sender ID or Powerpack.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  async sendMessage(input, config, context) {
    // Defaults stand in for notice templates a config saved before the notice existed lacks.
    const text = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    const base = new URL(config.endpoint ?? defaultEndpoint);
    // Relative resolution keeps a path prefix of the endpoint (a proxy mounted under a path).
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const url = new URL(`v1/Account/${encodeURIComponent(config.authId)}/Message/`, base);

    // Plivo takes either src or powerpack_uuid, never both (the config guarantees exactly one).
    const sender = config.powerpackUuid ? { powerpack_uuid: config.powerpackUuid } : { src: config.senderNumber };
    const sendContext: SendContext = {
      to: input.to,
      sender: config.powerpackUuid ?? config.senderNumber ?? '(none)',
      authId: config.authId,
      endpoint: base.origin,
    };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${config.authId}:${config.authToken}`, 'utf8').toString('base64')}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ ...sender, dst: input.to, text }),
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    const reply = isObject(response.json) ? response.json : undefined;
    const apiId = typeof reply?.api_id === 'string' ? reply.api_id : undefined;
    if (response.status >= 200 && response.status < 300) {
      if (!reply) throw unreadableAnswer(response.status, sendContext.endpoint);
      // Plivo took the message: a missing uuid must not turn it into a failure (and a resend).
      const uuids = Array.isArray(reply.message_uuid) ? reply.message_uuid : [];
      const first = uuids[0];
      return { messageId: typeof first === 'string' ? first : null };
    }
    const hasPlivoBody = typeof reply?.error === 'string' || apiId !== undefined;
    // Without Plivo's error body only the statuses that mean the same thing everywhere are trusted.
    if (!hasPlivoBody && response.status !== 401 && response.status !== 429 && response.status < 500) {
      throw unreadableAnswer(response.status, sendContext.endpoint);
    }
    const failure: PlivoFailure = {
      httpStatus: response.status,
      error: typeof reply?.error === 'string' ? reply.error : undefined,
      apiId,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    };
    throw plivoError(failure, sendContext);
  },
});

export default plivoSmsConnector;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { PlivoSmsConfig };
