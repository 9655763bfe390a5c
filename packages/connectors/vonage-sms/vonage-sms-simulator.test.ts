import { parseConnectorConfig } from '@passline/connector-kit';
import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import { startProviderSimulator } from '@passline/provider-simulator';
import { connectorSender, simulatorHarnesses, useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { vonageSmsConnector } from './index.ts';
import { context, invalidTemplateConfigs, rawConfig, sampleTexts, templates } from './test-helpers.ts';

describe('vonage-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+447700900000';
  const send = connectorSender(vonageSmsConnector, 'vonage', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template and returns the message id', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^[0-9A-F]{16}$/);
      expect(message).toMatchObject({
        provider: 'vonage',
        to: '447700900000',
        text: sampleTexts[usage],
        sender: 'Passline',
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'vonage' })).toHaveLength(4);
  });

  it('signs the request with each method when a signature secret is set, without the API secret', async () => {
    for (const signatureMethod of ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const) {
      const signed = await startProviderSimulator({
        port: 0,
        credentials: { vonage: { ...simulator.credentials.vonage, signatureMethod } },
      });
      try {
        const { signatureSecret } = signed.credentials.vonage;
        const config = rawConfig(signed, { apiSecret: undefined, signatureSecret, signatureMethod });
        await vonageSmsConnector.sendMessage(
          { to, usage: 'SignIn', payload: { code: '1' } },
          parseConnectorConfig(vonageSmsConnector, config),
          context,
        );
        expect(signed.messages({ provider: 'vonage' })).toHaveLength(1);
      } finally {
        await signed.close();
      }
    }
  });

  it('reports a wrong signature secret as invalid_config (status 14)', async () => {
    const error = await expectConnectorError(
      send('SignIn', undefined, { apiSecret: undefined, signatureSecret: 'not-the-secret' }),
    );
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: '14' });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('sends the PhoneChanged notice: its own template, else the default text', async () => {
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
    const own = { usageType: 'PhoneChanged', content: 'Your Acme number was changed.' };
    await send('PhoneChanged', {}, { templates: [...templates, own] });
    expect(simulator.messages().at(-1)?.text).toBe('Your Acme number was changed.');
  });

  it('maps throttling (status 1) to rate_limited without sending', async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({ kind: 'rate_limited', providerCode: '1', httpStatus: 200 });
    expect(error.providerMessage).toContain('Throughput Rate Exceeded');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number (status 3 on "to") to invalid_recipient', async () => {
    const error = await send.failing('invalid_number');
    expect(error).toMatchObject({ kind: 'invalid_recipient', providerCode: '3' });
    expect(error.message).toContain(to);
  });

  it('maps a barred number (status 7) to provider_rejected', async () => {
    const error = await send.failing('rejected');
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: '7' });
  });

  it('maps an HTTP 503 to provider_unavailable', async () => {
    const error = await send.failing('server_error');
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 503 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong API secret or key as invalid_config (status 4)', async () => {
    const secret = await expectConnectorError(send('SignIn', undefined, { apiSecret: 'not-the-secret' }));
    expect(secret).toMatchObject({ kind: 'invalid_config', providerCode: '4', providerMessage: 'Bad Credentials' });
    expect(secret.message).toContain('apiSecret');
    const key = await expectConnectorError(send('SignIn', undefined, { apiKey: 'ffffffff' }));
    expect(key).toMatchObject({ kind: 'invalid_config', providerCode: '4' });
    expect(key.message).toContain('ffffffff');
  });

  it('keeps a path prefix of the endpoint', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: `${simulator.url}/proxy` }));
    // The simulator serves Vonage only at /sms/json, so the prefixed path reaching it proves it was kept.
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 404 });
  });
});

const validConfig = { apiKey: 'a1b2c3d4', apiSecret: 'secret', brandName: 'Passline', templates };

describeConnectorConformance({
  factory: vonageSmsConnector,
  ...simulatorHarnesses('vonage', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, from: 'Passline' } },
    { name: 'missing API key', config: { ...validConfig, apiKey: undefined } },
    { name: 'no secret at all', config: { ...validConfig, apiSecret: undefined } },
    { name: 'unknown signature method', config: { ...validConfig, signatureSecret: 's', signatureMethod: 'sha384' } },
    { name: 'sender ID longer than 11 characters', config: { ...validConfig, brandName: 'PasslineVerify' } },
    ...invalidTemplateConfigs(validConfig, { unknownVariable: true }),
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://rest.nexmo.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
