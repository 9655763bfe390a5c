import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the http-sms tests share: a context that records nothing, the sample templates, and configs to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

export const authorization = 'Bearer test-http-sms-token';
// base64 of 32 bytes, as a Standard Webhooks secret is generated.
export const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5GmDhtaG0Nw=';

/** A config that needs no simulator: for tests that answer with their own fetch or server. */
export const plainConfig = {
  endpoint: 'https://sms.example.com/send',
  authorization,
  signingSecret,
};

/** The simulator's receiver path (tools/provider-simulator/src/http-sms.ts). */
export const simulatorPath = '/http-sms/messages';

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { authorization: header, signingSecret: secretKey } = simulator.credentials.http;
  return {
    endpoint: `${simulator.url}${simulatorPath}`,
    authorization: header,
    signingSecret: secretKey,
    ...overrides,
  };
}
