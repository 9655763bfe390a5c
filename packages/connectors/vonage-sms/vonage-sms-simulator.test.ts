import { parseConnectorConfig, requiredUsageTypes } from '@passline/connector-kit';
import {
  type ConformanceHarness,
  describeConnectorConformance,
  expectConnectorError,
} from '@passline/connector-kit/conformance';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { vonageSmsConnector } from './index.ts';
import { context, rawConfig, templates } from './test-helpers.ts';

describe('vonage-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+447700900000';
  const send = (
    usage: string,
    payload: Record<string, string> = { code: '123456' },
    overrides: Record<string, unknown> = {},
  ) =>
    vonageSmsConnector.sendMessage(
      { to, usage, payload },
      parseConnectorConfig(vonageSmsConnector, rawConfig(simulator, overrides)),
      context,
    );

  it('sends each usage with its own rendered template and returns the message id', async () => {
    const payload = { code: '482913', expiresInMinutes: '10' };
    const expected: Record<string, string> = {
      Register: 'Welcome! Your sign-up code is 482913, valid 10 min.',
      SignIn: 'Sign-in code: 482913',
      ForgotPassword: 'Reset code: 482913',
      Generic: 'Your code is 482913',
    };
    for (const usage of requiredUsageTypes) {
      const result = await send(usage, payload);
      expect(result.messageId).toMatch(/^[0-9A-F]{16}$/);
      expect(simulator.messages({ provider: 'vonage', to }).at(-1)).toMatchObject({
        provider: 'vonage',
        to: '447700900000',
        text: expected[usage],
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
    simulator.failNext('vonage', 'rate_limited');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'rate_limited', providerCode: '1', httpStatus: 200 });
    expect(error.providerMessage).toContain('Throughput Rate Exceeded');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number (status 3 on "to") to invalid_recipient', async () => {
    simulator.failNext('vonage', 'invalid_number');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'invalid_recipient', providerCode: '3' });
    expect(error.message).toContain(to);
  });

  it('maps a barred number (status 7) to provider_rejected', async () => {
    simulator.failNext('vonage', 'rejected');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: '7' });
  });

  it('maps an HTTP 503 to provider_unavailable', async () => {
    simulator.failNext('vonage', 'server_error');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 503 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    simulator.failNext('vonage', 'hang');
    const error = await expectConnectorError(send('SignIn', undefined, { timeoutMs: 1000 }));
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

async function simulatorHarness(configure?: (simulator: ProviderSimulator) => void): Promise<ConformanceHarness> {
  const simulator = await startProviderSimulator({ port: 0 });
  configure?.(simulator);
  return {
    config: rawConfig(simulator, {
      templates: templates.map((template) => ({ ...template, content: template.content.replace(/, valid.*$/, '.') })),
    }),
    context,
    delivered: async (to) => simulator.messages({ provider: 'vonage', to }).map((message) => message.text),
    close: () => simulator.close(),
  };
}

const validConfig = { apiKey: 'a1b2c3d4', apiSecret: 'secret', brandName: 'Passline', templates };

describeConnectorConformance({
  factory: vonageSmsConnector,
  harness: () => simulatorHarness(),
  failingHarness: () => simulatorHarness((simulator) => simulator.failNext('vonage', 'rejected', 10)),
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, from: 'Passline' } },
    { name: 'missing API key', config: { ...validConfig, apiKey: undefined } },
    { name: 'no secret at all', config: { ...validConfig, apiSecret: undefined } },
    { name: 'unknown signature method', config: { ...validConfig, signatureSecret: 's', signatureMethod: 'sha384' } },
    { name: 'sender ID longer than 11 characters', config: { ...validConfig, brandName: 'PasslineVerify' } },
    {
      name: 'template without {{code}}',
      config: { ...validConfig, templates: [...templates.slice(0, 3), { usageType: 'Generic', content: 'Hello' }] },
    },
    {
      name: 'template with a variable Passline never fills',
      config: {
        ...validConfig,
        templates: [...templates.slice(0, 3), { usageType: 'Generic', content: 'Hi {{name}}, {{code}}' }],
      },
    },
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://rest.nexmo.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
