import {
  ConnectorError,
  defineConnector,
  findTemplate,
  isNoticeUsage,
  parseRetryAfter,
  readReadme,
  requestProvider,
  type SendMessageInput,
} from '@passline/connector-kit';
import {
  configSchema,
  configTemplate,
  defaultEndpoint,
  defaultParams,
  defaultTimeoutMs,
  type TencentSmsConfig,
} from './config.ts';
import { defaultRetryAfterSeconds, providerName, type SendContext, tencentError, unavailableError } from './errors.ts';
import { logo } from './logo.ts';
import { tencentReceipts } from './receipts.ts';
import { signTc3 } from './signature.ts';

const action = 'SendSms';
const version = '2021-01-11';
const contentType = 'application/json; charset=utf-8';
/** The key is derived for the SMS product even when `endpoint` names a regional host, a proxy or the simulator. */
const service = 'sms';

/** Tencent Cloud SMS (API 3.0, SendSms 2021-01-11) with approved templates and a sign name. */
export const tencentSmsConnector = defineConnector({
  metadata: {
    id: 'tencent-sms',
    type: 'sms',
    name: 'Tencent Cloud SMS',
    description:
      'Sends codes through Tencent Cloud SMS with approved templates, for Chinese mainland and global numbers.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  receipts: tencentReceipts,
  async sendMessage(input, config, context) {
    const template = findTemplate(config.templates, input.usage, [], input.locale);
    // A notice (PhoneChanged) carries no code, so its template is filled with nothing by default.
    const names = template.params ?? (isNoticeUsage(input.usage) ? [] : defaultParams);
    const templateParams = fillParams(names, input, template.templateCode);
    const url = new URL(config.endpoint ?? defaultEndpoint);
    const sendContext: SendContext = {
      to: input.to,
      templateId: template.templateCode,
      signName: config.signName,
      sdkAppId: config.sdkAppId,
      region: config.region,
      endpoint: url.origin,
    };

    const body = JSON.stringify({
      PhoneNumberSet: [input.to],
      SmsSdkAppId: config.sdkAppId,
      SignName: config.signName,
      TemplateId: template.templateCode,
      TemplateParamSet: templateParams,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    // fetch always sends the URL's own host, so that is the value to sign.
    const signature = signTc3({
      secretId: config.accessKeyId,
      secretKey: config.accessKeySecret,
      service,
      host: url.host,
      timestamp,
      contentType,
      body,
      path: url.pathname,
      query: url.search.slice(1),
    });

    const response = await requestProvider(
      context.fetch,
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: signature.authorization,
          'Content-Type': contentType,
          Host: url.host,
          'X-TC-Action': action,
          'X-TC-Version': version,
          'X-TC-Timestamp': String(timestamp),
          'X-TC-Region': config.region,
        },
        body,
        timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
        providerName,
      },
      context.signal,
    );
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    return { messageId: readSendResult(response.status, response.json, sendContext, retryAfter) };
  },
});

export default tencentSmsConnector;

/** Tencent templates have positional placeholders {1}, {2} ...; `params` says which variable fills each. */
function fillParams(names: readonly string[], input: SendMessageInput, templateId: string): string[] {
  return names.map((name, index) => {
    const value = input.payload[name];
    if (value === undefined) {
      throw new ConnectorError(
        'template_invalid',
        `Template ${templateId} fills {${index + 1}} with "${name}", which Passline did not provide for this message; remove it from the template's "params".`,
      );
    }
    return value;
  });
}

interface SendSmsResponse {
  Response?: {
    Error?: { Code?: unknown; Message?: unknown };
    RequestId?: unknown;
    SendStatusSet?: Array<{ Code?: unknown; Message?: unknown; SerialNo?: unknown; PhoneNumber?: unknown }>;
  };
}

/**
 * Tencent answers HTTP 200 for business errors: the outcome is in `Response.Error` (the whole
 * request failed) or in the per-number `SendStatusSet` entry.
 */
function readSendResult(
  status: number,
  json: unknown,
  context: SendContext,
  retryAfter: number | undefined,
): string | null {
  const reply = json && typeof json === 'object' ? (json as SendSmsResponse).Response : undefined;
  const requestId = asString(reply?.RequestId);
  const errorCode = asString(reply?.Error?.Code);
  const errorMessage = asString(reply?.Error?.Message);

  if (status >= 500) {
    throw unavailableError(`answered HTTP ${status} from ${context.endpoint}; try again later.`, {
      httpStatus: status,
      code: errorCode,
      message: errorMessage,
      requestId,
    });
  }
  if (errorCode) {
    throw tencentError({ code: errorCode, message: errorMessage, requestId, httpStatus: status }, context);
  }
  if (status === 429) {
    throw new ConnectorError('rate_limited', `${providerName} (or a proxy in front of it) answered HTTP 429.`, {
      httpStatus: status,
      retryAfterSeconds: retryAfter ?? defaultRetryAfterSeconds,
    });
  }
  if (!reply || status !== 200) {
    throw unavailableError(
      `answered HTTP ${status} from ${context.endpoint} without a Tencent Cloud API body; check the endpoint.`,
      { httpStatus: status, requestId },
    );
  }

  // One number per request, so the first status is ours.
  const entry = Array.isArray(reply.SendStatusSet) ? reply.SendStatusSet[0] : undefined;
  const code = asString(entry?.Code);
  if (!entry || !code) {
    throw unavailableError('answered without a send status for the number.', { httpStatus: status, requestId });
  }
  if (code !== 'Ok') {
    throw tencentError({ code, message: asString(entry.Message), requestId, httpStatus: status }, context);
  }
  // The message was accepted: a missing serial number must not turn it into a failure (and a resend).
  return asString(entry.SerialNo) ?? null;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export type { TencentSmsConfig };
