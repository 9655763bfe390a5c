import { defineConnector, findTemplate, readReadme, renderTemplate, requestProvider } from '@passline/connector-kit';
import {
  configSchema,
  configTemplate,
  defaultEndpoint,
  defaultTemplates,
  defaultTimeoutMs,
  type TwilioSmsConfig,
} from './config.ts';
import { parseRetryAfter, providerName, type SendContext, twilioError, unreadableAnswer } from './errors.ts';
import { logo } from './logo.ts';
import { twilioReceipts } from './receipts.ts';

export {
  computeTwilioSignature,
  type TwilioParams,
  type TwilioSignatureCheck,
  twilioBodySha256,
  twilioStringToSign,
  validateTwilioSignature,
} from './signature.ts';

/** Twilio Programmable Messaging: the text lives in Passline and is sent as the message Body. */
export const twilioSmsConnector = defineConnector({
  metadata: {
    id: 'twilio-sms',
    type: 'sms',
    name: 'Twilio SMS',
    description:
      'Sends codes as SMS through Twilio Programmable Messaging, from a number, sender ID or Messaging Service.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  receipts: twilioReceipts,
  async sendMessage(input, config, context) {
    // Defaults stand in for notice templates a config saved before the notice existed lacks.
    const body = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    const base = new URL(config.endpoint ?? defaultEndpoint);
    // Relative resolution keeps a path prefix of the endpoint (a proxy mounted under a path).
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const url = new URL(`2010-04-01/Accounts/${encodeURIComponent(config.accountSID)}/Messages.json`, base);

    const form = new URLSearchParams({ To: input.to, Body: body });
    if (config.fromMessagingServiceSID) form.set('MessagingServiceSid', config.fromMessagingServiceSID);
    else if (config.from) form.set('From', config.from);
    // Twilio reports the message's progress there (see receipts.ts).
    if (input.statusCallbackUrl) form.set('StatusCallback', input.statusCallbackUrl);

    const sendContext: SendContext = {
      to: input.to,
      sender: config.fromMessagingServiceSID ?? config.from ?? '(none)',
      accountSID: config.accountSID,
      endpoint: base.origin,
    };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${config.accountSID}:${config.authToken}`, 'utf8').toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    const requestId = response.headers.get('twilio-request-id') ?? undefined;
    const reply = isObject(response.json) ? response.json : undefined;
    if (response.status >= 200 && response.status < 300) {
      if (!reply) throw unreadableAnswer(response.status, requestId, sendContext.endpoint);
      // Twilio took the message: a missing sid must not turn it into a failure (and a resend).
      return { messageId: typeof reply.sid === 'string' ? reply.sid : null };
    }
    const code = reply?.code;
    const hasTwilioBody = typeof code === 'number' || typeof code === 'string';
    // Without Twilio's error body only the statuses that mean the same thing everywhere are trusted.
    if (!hasTwilioBody && response.status !== 401 && response.status !== 429 && response.status < 500) {
      throw unreadableAnswer(response.status, requestId, sendContext.endpoint);
    }
    throw twilioError(
      {
        httpStatus: response.status,
        code: hasTwilioBody ? String(code) : undefined,
        message: typeof reply?.message === 'string' ? reply.message : undefined,
        moreInfo: typeof reply?.more_info === 'string' ? reply.more_info : undefined,
        requestId,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      },
      sendContext,
    );
  },
});

export default twilioSmsConnector;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { TwilioSmsConfig };
