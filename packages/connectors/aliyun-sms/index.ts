import {
  defaultProviderTimeoutMs,
  defineConnector,
  findTemplate,
  readReadme,
  requestProvider,
} from '@passline/connector-kit';
import { configSchema, configTemplate, defaultEndpoint } from './config.ts';
import { aliyunError, asBody } from './errors.ts';
import { logo } from './logo.ts';
import { aliyunRecipient, templateCodeFor } from './phone.ts';
import { aliyunReceipts } from './receipts.ts';
import { buildSendSmsRequest } from './request.ts';

/**
 * Sends codes through Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms). Templates live at Aliyun:
 * Passline only picks the approved template code and fills its `${code}` variable.
 */
export const aliyunSmsConnector = defineConnector({
  metadata: {
    id: 'aliyun-sms',
    type: 'sms',
    name: 'Aliyun SMS',
    description: 'Alibaba Cloud Short Message Service: approved templates, mainland China and international numbers.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate,
  },
  configSchema,
  receipts: aliyunReceipts,
  async sendMessage(input, config, context) {
    const template = findTemplate(config.templates, input.usage, [], input.locale);
    const recipient = aliyunRecipient(input.to);
    const request = buildSendSmsRequest({
      endpoint: config.endpoint ?? defaultEndpoint,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      signatureVersion: config.signatureVersion,
      params: {
        PhoneNumbers: recipient.phoneNumber,
        SignName: config.signName,
        TemplateCode: templateCodeFor(template.templateCode, recipient),
        // Only the code: a template approved with other variables would be refused for missing
        // parameters. A notice (PhoneChanged) has no code, and its template no variable.
        ...(input.payload.code === undefined ? {} : { TemplateParam: JSON.stringify({ code: input.payload.code }) }),
      },
    });
    const response = await requestProvider(
      context.fetch,
      { ...request, timeoutMs: config.timeoutMs ?? defaultProviderTimeoutMs, providerName: 'Aliyun SMS' },
      context.signal,
    );
    const body = asBody(response.json);
    // Business refusals come back as HTTP 200 too; only Code "OK" means Aliyun accepted the message.
    if (response.status === 200 && body?.Code === 'OK') {
      return { messageId: typeof body.BizId === 'string' ? body.BizId : null };
    }
    throw aliyunError(response);
  },
});

export default aliyunSmsConnector;
