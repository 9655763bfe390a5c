import { defineConnector, findTemplate, readReadme, renderTemplate, requestProvider } from '@passline/connector-kit';
import { isObject, isRefusal, readRequestError, readSentMessage } from './answers.ts';
import {
  apiBase,
  configSchema,
  configTemplate,
  defaultTemplates,
  defaultTimeoutMs,
  type InfobipSmsConfig,
} from './config.ts';
import {
  messageStatusError,
  parseRetryAfter,
  providerName,
  requestError,
  type SendContext,
  unreadableAnswer,
} from './errors.ts';
import { logo } from './logo.ts';

/**
 * Infobip SMS API v3: the text lives in Passline and is sent as one message to one destination.
 * Infobip's documentation names `/sms/3/messages` as the endpoint that replaces
 * `/sms/2/text/advanced` (and its official clients switched to it), so new integrations use v3.
 */
export const infobipSmsConnector = defineConnector({
  metadata: {
    id: 'infobip-sms',
    type: 'sms',
    name: 'Infobip SMS',
    description: "Sends codes as SMS through Infobip's SMS API, from an alphanumeric sender ID or a number.",
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
    const base = apiBase(config.baseUrl);
    const url = new URL('sms/3/messages', base);

    // Infobip documents numbers in international form without the "+" (41793026727).
    const message = {
      sender: config.sender.replace(/^\+/, ''),
      destinations: [{ to: input.to.replace(/^\+/, '') }],
      content: { text },
    };
    const sendContext: SendContext = { to: input.to, sender: config.sender, endpoint: base.origin };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: `App ${config.apiKey}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ messages: [message] }),
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    const reply = isObject(response.json) ? response.json : undefined;
    if (response.status >= 200 && response.status < 300) {
      if (!reply) throw unreadableAnswer(response.status, sendContext.endpoint);
      // A 200 can still carry a refusal: Infobip answers each message with its own status.
      const sent = readSentMessage(reply);
      if (isRefusal(sent.status)) throw messageStatusError(sent.status, sendContext);
      // Infobip took the message: a missing id must not turn it into a failure (and a resend).
      return { messageId: sent.messageId };
    }
    const body = readRequestError(reply);
    // Without Infobip's error body only the statuses that mean the same thing everywhere are trusted.
    if (!body && ![401, 403, 429].includes(response.status) && response.status < 500) {
      throw unreadableAnswer(response.status, sendContext.endpoint);
    }
    throw requestError(
      {
        httpStatus: response.status,
        code: body?.code,
        text: body?.text,
        action: body?.action,
        violations: body?.violations ?? [],
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      },
      sendContext,
    );
  },
});

export default infobipSmsConnector;

export type { InfobipSmsConfig };
