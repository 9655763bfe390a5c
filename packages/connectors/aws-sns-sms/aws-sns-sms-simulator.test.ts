import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import {
  connectorSender,
  fetchViaSimulator,
  simulatorHarnesses,
  useProviderSimulator,
} from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { awsSnsSmsConnector } from './index.ts';
import { context, invalidTemplateConfigs, plainConfig, rawConfig, sampleTexts, templates } from './test-helpers.ts';

describe('aws-sns-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(awsSnsSmsConnector, 'sns', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template, signed, and returns the message id', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(message).toMatchObject({
        provider: 'sns',
        to,
        text: sampleTexts[usage],
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'sns' })).toHaveLength(4);
  });

  it('sends from a sender ID or an origination number, and the PhoneChanged notice from its default text', async () => {
    await send('SignIn', { code: '222222' }, { senderId: 'Passline' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: 'Passline', text: 'Sign-in code: 222222' });
    await send('SignIn', { code: '333333' }, { originationNumber: '+12065550100', smsType: 'Promotional' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: '+12065550100' });
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });

  it('signs unicode text and the session token of temporary credentials so that the simulator accepts them', async () => {
    await send('Generic', { code: '你好 ü +&=' }, { sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+==' });
    expect(simulator.messages().at(-1)?.text).toBe('Your code is 你好 ü +&=');
  });

  it("posts to the region's SNS host", async () => {
    // The region's real host is asked for; this fetch carries the request to the simulator over HTTP.
    const { fetch: toSimulator, asked } = fetchViaSimulator(simulator);
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: undefined }, toSimulator));
    expect(asked).toEqual([`https://sns.${simulator.credentials.sns.region}.amazonaws.com/`]);
    // Signed for the real host, received by the simulator under its own: exactly what a proxy that rewrites Host breaks.
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'SignatureDoesNotMatch', httpStatus: 403 });
  });

  it('reports a wrong secret (SignatureDoesNotMatch), an unknown key (InvalidClientTokenId) and another region as invalid_config', async () => {
    const secret = await expectConnectorError(send('SignIn', undefined, { secretAccessKey: 'not-the-secret' }));
    expect(secret).toMatchObject({ kind: 'invalid_config', providerCode: 'SignatureDoesNotMatch', httpStatus: 403 });
    expect(secret.message).toContain('secretAccessKey');
    const key = await expectConnectorError(send('SignIn', undefined, { accessKeyId: plainConfig.accessKeyId }));
    expect(key).toMatchObject({ kind: 'invalid_config', providerCode: 'InvalidClientTokenId', httpStatus: 403 });
    expect(key.message).toContain(plainConfig.accessKeyId);
    const region = await expectConnectorError(send('SignIn', undefined, { region: 'eu-west-3' }));
    expect(region).toMatchObject({ kind: 'invalid_config', providerCode: 'SignatureDoesNotMatch' });
    expect(region.providerMessage).toContain('eu-west-3');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps throttling (400 Throttling) to rate_limited without sending', async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'Throttling',
      providerMessage: 'Rate exceeded',
      httpStatus: 400,
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number to invalid_recipient, and an opted-out number to provider_rejected', async () => {
    const invalid = await send.failing('invalid_number');
    expect(invalid).toMatchObject({ kind: 'invalid_recipient', providerCode: 'InvalidParameter', httpStatus: 400 });
    expect(invalid.message).toContain(to);
    expect(await send.failing('rejected')).toMatchObject({
      kind: 'provider_rejected',
      providerCode: 'OptedOut',
      httpStatus: 400,
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps a server error to provider_unavailable', async () => {
    expect(await send.failing('server_error')).toMatchObject({
      kind: 'provider_unavailable',
      providerCode: 'InternalError',
      httpStatus: 500,
    });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(simulator.messages()).toHaveLength(0);
  });
});

describeConnectorConformance({
  factory: awsSnsSmsConnector,
  ...simulatorHarnesses('sns', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...plainConfig, accessKeyID: plainConfig.accessKeyId } },
    { name: 'missing access key ID', config: { ...plainConfig, accessKeyId: undefined } },
    { name: 'missing secret access key', config: { ...plainConfig, secretAccessKey: undefined } },
    { name: 'missing region', config: { ...plainConfig, region: undefined } },
    { name: 'malformed region', config: { ...plainConfig, region: 'Europe' } },
    { name: 'sender ID longer than 11 characters', config: { ...plainConfig, senderId: 'PasslineVerify' } },
    { name: 'origination number not in E.164', config: { ...plainConfig, originationNumber: '2065550100' } },
    { name: 'unknown SMS type', config: { ...plainConfig, smsType: 'Urgent' } },
    ...invalidTemplateConfigs(plainConfig, { maxLength: 1600 }),
    { name: 'non-http endpoint', config: { ...plainConfig, endpoint: 'ftp://sns.us-east-1.amazonaws.com' } },
    { name: 'timeout below 1000 ms', config: { ...plainConfig, timeoutMs: 10 } },
  ],
});
