// An example connector in plain JavaScript, shaped as an npm package: no build step, and
// @passline/connector-kit imported like any other dependency (Node loads the kit's compiled
// JavaScript). Installed where Passline is started, Passline loads it by package name
// (PASSLINE_CONNECTORS=passline-connector-relay-sms); from this checkout, load it by path
// (PASSLINE_CONNECTORS=./examples/plain-js-connector/index.mjs).
import {
  ConnectorError,
  defineConnector,
  findTemplate,
  parseRetryAfter,
  readReadme,
  renderTemplate,
  requestProvider,
  secret,
  templatesSchema,
  z,
} from '@passline/connector-kit';

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1d4ed8"/><path d="M14 32h26l-8-8m8 8l-8 8M46 20v24" stroke="#eff6ff" stroke-width="5" fill="none"/></svg>';

export default defineConnector({
  metadata: {
    id: 'relay-sms',
    type: 'sms',
    name: 'Relay SMS (JavaScript example)',
    description: 'POSTs each message as JSON to your SMS relay, with a bearer token.',
    logo: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    readme: readReadme(import.meta.url),
    configTemplate: {
      url: 'https://sms-relay.example.com/messages',
      token: '',
      templates: [
        { usageType: 'Register', content: 'Your sign-up code is {{code}}.' },
        { usageType: 'SignIn', content: 'Your sign-in code is {{code}}.' },
        { usageType: 'ForgotPassword', content: 'Your password reset code is {{code}}.' },
        { usageType: 'Generic', content: 'Your verification code is {{code}}.' },
      ],
    },
  },
  configSchema: z.strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Your relay endpoint.'),
    token: secret(z.string().min(1).describe('Sent as "Authorization: Bearer <token>".')),
    templates: templatesSchema({ content: z.string().min(1).max(1600) }, { textOf: (template) => template.content }),
  }),
  async sendMessage(input, config, context) {
    const text = renderTemplate(findTemplate(config.templates, input.usage).content, input.payload);
    const response = await requestProvider(
      context.fetch,
      {
        url: config.url,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
        body: JSON.stringify({ to: input.to, usage: input.usage, text }),
        timeoutMs: 10_000,
        providerName: 'The SMS relay',
      },
      context.signal,
    );
    // Each failure becomes one ConnectorError kind; Passline maps the kind to its HTTP answer.
    const details = { httpStatus: response.status, providerMessage: response.text.slice(0, 500) };
    if (response.status === 422) {
      throw new ConnectorError('invalid_recipient', 'The relay cannot deliver to this number.', details);
    }
    if (response.status === 429) {
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      throw new ConnectorError('rate_limited', 'The relay is throttling messages.', { ...details, retryAfterSeconds });
    }
    if (response.status >= 500) {
      throw new ConnectorError('provider_unavailable', `The relay answered HTTP ${response.status}.`, details);
    }
    if (response.status >= 400) {
      throw new ConnectorError(
        'provider_rejected',
        `The relay refused the message (HTTP ${response.status}).`,
        details,
      );
    }
    const id = response.json?.id;
    return { messageId: typeof id === 'string' ? id : null };
  },
});
