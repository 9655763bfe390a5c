import type { ConnectorContext } from '@passline/connector-kit';
import type { ProviderSimulator } from '@passline/provider-simulator';

/** What the vonage-sms tests share: a context that records nothing, and a config to start from. */
export const context: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

export const templates = [
  { usageType: 'Register', content: 'Welcome! Your sign-up code is {{code}}, valid {{expiresInMinutes}} min.' },
  { usageType: 'SignIn', content: 'Sign-in code: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code: {{ code }}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { apiKey, apiSecret } = simulator.credentials.vonage;
  return { apiKey, apiSecret, brandName: 'Passline', templates, endpoint: simulator.url, ...overrides };
}
