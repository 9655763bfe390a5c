import { defineConnector, findTemplate, readReadme, renderTemplate, requestProvider } from '@passline/connector-kit';
import {
  configSchema,
  configTemplate,
  defaultTemplates,
  defaultTimeoutMs,
  regionEndpoint,
  type SinchSmsConfig,
} from './config.ts';
import { parseRetryAfter, providerName, type SendContext, sinchError, unreadableAnswer } from './errors.ts';
import { logo } from './logo.ts';

/** Sinch SMS REST API: the text lives in Passline and is sent as a batch of one recipient. */
export const sinchSmsConnector = defineConnector({
  metadata: {
    id: 'sinch-sms',
    type: 'sms',
    name: 'Sinch SMS',
    description: "Sends codes as SMS through Sinch's SMS REST API, from a number, short code or sender ID.",
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  async sendMessage(input, config, context) {
    // Defaults stand in for notice templates a config saved before the notice existed lacks.
    const body = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    const base = new URL(config.endpoint ?? regionEndpoint(config.region));
    // Relative resolution keeps a path prefix of the endpoint (a proxy mounted under a path).
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const url = new URL(`xms/v1/${encodeURIComponent(config.servicePlanId)}/batches`, base);

    const sendContext: SendContext = {
      to: input.to,
      from: config.from,
      servicePlanId: config.servicePlanId,
      region: config.region,
      endpoint: base.origin,
    };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${config.apiToken}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ from: config.from, to: [input.to], body }),
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    const reply = isObject(response.json) ? response.json : undefined;
    if (response.status >= 200 && response.status < 300) {
      if (!reply) throw unreadableAnswer(response.status, sendContext.endpoint);
      // Sinch created the batch: a missing id must not turn it into a failure (and a resend).
      return { messageId: typeof reply.id === 'string' ? reply.id : null };
    }
    const hasSinchBody = typeof reply?.code === 'string';
    // Without Sinch's error body only the statuses that mean the same thing everywhere are trusted.
    if (!hasSinchBody && ![401, 403, 429].includes(response.status) && response.status < 500) {
      throw unreadableAnswer(response.status, sendContext.endpoint);
    }
    throw sinchError(
      {
        httpStatus: response.status,
        code: hasSinchBody ? String(reply?.code) : undefined,
        text: typeof reply?.text === 'string' ? reply.text : undefined,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      },
      sendContext,
    );
  },
});

export default sinchSmsConnector;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { SinchSmsConfig };
