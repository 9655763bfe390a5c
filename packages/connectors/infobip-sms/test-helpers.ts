import type { ConnectorContext } from '@passline/connector-kit';
import type { ProviderSimulator } from '@passline/provider-simulator';

/** What the infobip-sms tests share: a context that records nothing, and a config to start from. */
export const context: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

export const sender = 'Passline';
export const templates = [
  { usageType: 'Register', content: 'Welcome! Your sign-up code is {{code}}, valid {{expiresInMinutes}} min.' },
  { usageType: 'SignIn', content: 'Sign-in code: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code: {{ code }}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];

/** A config that needs no simulator: for tests that answer with their own fetch. */
export const plainConfig = {
  apiKey: '0123456789abcdef0123456789abcdef-01234567-89ab-cdef-0123-456789abcdef',
  baseUrl: 'https://abc123.api.infobip.com',
  sender,
  templates,
};

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiKey: simulator.credentials.infobip.apiKey, baseUrl: simulator.url, sender, templates, ...overrides };
}
