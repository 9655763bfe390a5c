import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the sinch-sms tests share: a context that records nothing, the sample templates, and a config to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

export const sender = '+12025550134';

/** A config that needs no simulator: for tests that answer with their own fetch. */
export const plainConfig = {
  servicePlanId: '0123456789abcdef0123456789abcdef',
  apiToken: 'token',
  from: sender,
  templates,
};

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { servicePlanId, apiToken } = simulator.credentials.sinch;
  return { servicePlanId, apiToken, from: sender, templates, endpoint: simulator.url, ...overrides };
}
