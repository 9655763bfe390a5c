import type { ProviderSimulator } from '@passline/provider-simulator';
import { sampleTemplates, silentContext } from '@passline/provider-simulator/testing';

export { invalidTemplateConfigs, samplePayload, sampleTexts } from '@passline/provider-simulator/testing';

/** What the aws-sns-sms tests share: a context that records nothing, the sample templates, and a config to start from. */
export const context = silentContext;
export const templates = sampleTemplates;

/** A config that needs no simulator: for tests that answer with their own fetch (AWS's example key). */
export const plainConfig = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  templates,
};

export function rawConfig(
  simulator: ProviderSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { accessKeyId, secretAccessKey, region } = simulator.credentials.sns;
  return { accessKeyId, secretAccessKey, region, templates, endpoint: simulator.url, ...overrides };
}

/** SNS's answer to a successful Publish. */
export function publishResponse(messageId: string, requestId = 'f187a3c1-376f-11df-8963-01868b7c937a'): string {
  return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>${messageId}</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</PublishResponse>`;
}

/** SNS's error document. */
export function errorResponse(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>${type}</Type>
    <Code>${code}</Code>
    <Message>${message}</Message>
  </Error>
  <RequestId>9b9c4b4e-0e3a-5f2b-8d2a-5d1c3b0f9e11</RequestId>
</ErrorResponse>`;
}
