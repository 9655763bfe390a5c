import { defineConnector, findTemplate, readReadme, renderTemplate, requestProvider } from '@passline/connector-kit';
import {
  type AwsSnsSmsConfig,
  configSchema,
  configTemplate,
  defaultTemplates,
  defaultTimeoutMs,
  regionEndpoint,
} from './config.ts';
import { parseRetryAfter, providerName, type SendContext, snsError, unreadableAnswer } from './errors.ts';
import { logo } from './logo.ts';
import { publishForm, readErrorResponse, readPublishResponse } from './query-api.ts';
import { signFormPost } from './signed-request.ts';

/** Amazon SNS Publish to a phone number over the Query API, signed with SigV4; the text lives in Passline. */
export const awsSnsSmsConnector = defineConnector({
  metadata: {
    id: 'aws-sns-sms',
    type: 'sms',
    name: 'Amazon SNS SMS',
    description: 'Sends codes as SMS through Amazon SNS (Publish to a phone number), signed with an IAM access key.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  async sendMessage(input, config, context) {
    // Defaults stand in for notice templates a config saved before the notice existed lacks.
    const message = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    const url = new URL(config.endpoint ?? regionEndpoint(config.region));
    // The Query API is served at the root; a proxy mounted under a path keeps its prefix.
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.search = '';
    url.hash = '';

    const body = publishForm({
      to: input.to,
      message,
      smsType: config.smsType,
      senderId: config.senderId,
      originationNumber: config.originationNumber,
    });
    const sendContext: SendContext = {
      to: input.to,
      accessKeyId: config.accessKeyId,
      region: config.region,
      endpoint: url.origin,
      senderId: config.senderId,
      originationNumber: config.originationNumber,
    };
    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          ...signFormPost(url, body, credentials(config), config.region, new Date()),
          Accept: 'text/xml',
        },
        body,
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );

    if (response.status >= 200 && response.status < 300) {
      const published = readPublishResponse(response.text);
      if (!published) throw unreadableAnswer(response.status, sendContext.endpoint);
      // SNS took the message: a missing id must not turn it into a failure (and a resend).
      return { messageId: published.messageId };
    }
    const failure = readErrorResponse(response.text);
    // Without SNS's error body only the statuses that mean the same thing everywhere are trusted.
    if (!failure?.code && ![401, 403, 429].includes(response.status) && response.status < 500) {
      throw unreadableAnswer(response.status, sendContext.endpoint);
    }
    throw snsError(
      {
        httpStatus: response.status,
        code: failure?.code,
        message: failure?.message,
        requestId: failure?.requestId ?? response.headers.get('x-amzn-requestid') ?? undefined,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      },
      sendContext,
    );
  },
});

export default awsSnsSmsConnector;

/** Only the key material goes to the signer. */
function credentials(config: AwsSnsSmsConfig) {
  return {
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    sessionToken: config.sessionToken,
  };
}

export type { AwsSnsSmsConfig };
