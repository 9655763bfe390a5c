import { createHmac } from 'node:crypto';
import {
  ConnectorError,
  defineConnector,
  findTemplate,
  readReadme,
  renderTemplate,
  requestProvider,
  secret,
  templatesSchema,
  z,
} from '@passline/connector-kit';

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0f766e"/><path d="M16 40l10-16 8 12 6-8 8 12z" fill="#f0fdfa"/></svg>';

/**
 * An example third-party connector, written with @passline/connector-kit alone: it POSTs each
 * message as JSON to your own SMS gateway, signed with HMAC-SHA256 so the gateway can check that
 * Passline sent it. Load it with PASSLINE_CONNECTORS=./examples/webhook-sms-connector/index.ts
 *
 * It is a sample to copy for a connector of your own. To reach your own endpoint without writing
 * one, the built-in `http-sms` connector does this job (Standard Webhooks signature, status codes
 * mapped to error kinds, Logto-compatible body).
 */
export const webhookSmsConnector = defineConnector({
  metadata: {
    id: 'webhook-sms',
    type: 'sms',
    name: 'Webhook SMS (example)',
    description: 'POSTs each message as signed JSON to your own SMS gateway.',
    logo: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    readme: readReadme(import.meta.url),
    configTemplate: {
      url: 'https://sms-gateway.example.com/send',
      signingSecret: '',
      templates: [
        { usageType: 'Register', content: 'Your sign-up code is {{code}}.' },
        { usageType: 'SignIn', content: 'Your sign-in code is {{code}}.' },
        { usageType: 'ForgotPassword', content: 'Your password reset code is {{code}}.' },
        { usageType: 'Generic', content: 'Your verification code is {{code}}.' },
      ],
    },
  },
  configSchema: z.strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Your gateway endpoint.'),
    signingSecret: secret(z.string().min(16).describe('Shared secret for the X-Signature header.')),
    templates: templatesSchema({ content: z.string().min(1).max(1600) }, { textOf: (template) => template.content }),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  }),
  async sendMessage(input, config, context) {
    const text = renderTemplate(findTemplate(config.templates, input.usage).content, input.payload);
    const body = JSON.stringify({ to: input.to, usage: input.usage, text });
    const response = await requestProvider(
      context.fetch,
      {
        url: config.url,
        headers: {
          'content-type': 'application/json',
          'x-signature': createHmac('sha256', config.signingSecret).update(body).digest('hex'),
        },
        body,
        timeoutMs: config.timeoutMs,
        providerName: 'The webhook gateway',
      },
      context.signal,
    );
    if (response.status >= 500) {
      throw new ConnectorError('provider_unavailable', `The gateway answered HTTP ${response.status}.`, {
        httpStatus: response.status,
      });
    }
    if (response.status >= 400) {
      throw new ConnectorError('provider_rejected', `The gateway refused the message (HTTP ${response.status}).`, {
        httpStatus: response.status,
        providerMessage: response.text.slice(0, 500),
      });
    }
    const id = (response.json as { id?: unknown } | undefined)?.id;
    return { messageId: typeof id === 'string' ? id : null };
  },
});

export default webhookSmsConnector;
