import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the infobip-sms tests share: a context that records nothing, the sample templates, and a config to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

export const sender = 'Passline';

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
