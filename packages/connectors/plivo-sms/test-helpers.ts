import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the plivo-sms tests share: a context that records nothing, the sample templates, and a config to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

export const senderNumber = '+14155550100';
export const powerpackUuid = 'd35f2e82-d387-427f-8594-6fa07703b2a4';

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { authId, authToken } = simulator.credentials.plivo;
  return { authId, authToken, senderNumber, templates, endpoint: simulator.url, ...overrides };
}
