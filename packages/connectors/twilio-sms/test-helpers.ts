import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the twilio-sms tests share: a context that records nothing, the sample templates, and a config to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

export const serviceSid = 'MG0123456789abcdef0123456789abcdef';

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { accountSid, authToken } = simulator.credentials.twilio;
  return {
    accountSID: accountSid,
    authToken,
    fromMessagingServiceSID: serviceSid,
    templates,
    endpoint: simulator.url,
    ...overrides,
  };
}
