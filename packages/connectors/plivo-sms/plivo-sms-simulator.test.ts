import { parseConnectorConfig, requiredUsageTypes } from '@passline/connector-kit';
import {
  type ConformanceHarness,
  describeConnectorConformance,
  expectConnectorError,
} from '@passline/connector-kit/conformance';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { plivoSmsConnector } from './index.ts';
import { context, powerpackUuid, rawConfig, senderNumber, templates } from './test-helpers.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('plivo-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = (
    usage: string,
    payload: Record<string, string> = { code: '123456' },
    overrides: Record<string, unknown> = {},
  ) =>
    plivoSmsConnector.sendMessage(
      { to, usage, payload },
      parseConnectorConfig(plivoSmsConnector, rawConfig(simulator, overrides)),
      context,
    );

  it('sends each usage with its own rendered template and returns the message uuid', async () => {
    const payload = { code: '482913', expiresInMinutes: '10' };
    const expected: Record<string, string> = {
      Register: 'Welcome! Your sign-up code is 482913, valid 10 min.',
      SignIn: 'Sign-in code: 482913',
      ForgotPassword: 'Reset code: 482913',
      Generic: 'Your code is 482913',
    };
    for (const usage of requiredUsageTypes) {
      const result = await send(usage, payload);
      expect(result.messageId).toMatch(uuid);
      expect(simulator.messages({ provider: 'plivo', to }).at(-1)).toMatchObject({
        provider: 'plivo',
        to,
        text: expected[usage],
        sender: senderNumber,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'plivo' })).toHaveLength(4);
  });

  it('sends through a Powerpack when one is configured instead of a number', async () => {
    await send('SignIn', { code: '111111' }, { senderNumber: undefined, powerpackUuid });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: powerpackUuid, text: 'Sign-in code: 111111' });
  });

  it('sends the PhoneChanged notice from its default text, never Generic', async () => {
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });

  it('maps throttling (429) to rate_limited with Retry-After and the api_id', async () => {
    simulator.failNext('plivo', 'rate_limited');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerMessage: 'too many requests',
      httpStatus: 429,
      retryAfterSeconds: 1,
    });
    expect(error.providerRequestId).toMatch(uuid);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid destination to invalid_recipient', async () => {
    simulator.failNext('plivo', 'invalid_number');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'invalid_recipient', httpStatus: 400 });
    expect(error.message).toContain(to);
  });

  it('maps a refused destination (403) to provider_rejected', async () => {
    simulator.failNext('plivo', 'rejected');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_rejected', httpStatus: 403 });
  });

  it('maps a server error to provider_unavailable', async () => {
    simulator.failNext('plivo', 'server_error');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500, providerMessage: 'unexpected error' });
  });

  it('reports a provider that does not answer as timeout', async () => {
    simulator.failNext('plivo', 'hang');
    const error = await expectConnectorError(send('SignIn', undefined, { timeoutMs: 1000 }));
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong Auth Token or another Auth ID as invalid_config (401)', async () => {
    const wrongToken = await expectConnectorError(send('SignIn', undefined, { authToken: 'not-the-token' }));
    expect(wrongToken).toMatchObject({ kind: 'invalid_config', httpStatus: 401 });
    expect(wrongToken.message).toContain('authToken');
    const otherId = await expectConnectorError(send('SignIn', undefined, { authId: 'MAOTHERACCOUNT000001' }));
    expect(otherId).toMatchObject({ kind: 'invalid_config', httpStatus: 401 });
    expect(otherId.message).toContain('MAOTHERACCOUNT000001');
    expect(simulator.messages()).toHaveLength(0);
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
    delivered: async (to) => simulator.messages({ provider: 'plivo', to }).map((message) => message.text),
    close: () => simulator.close(),
  };
}

const validConfig = { authId: 'MAXXXXXXXXXXXXXXXXXX', authToken: 'token', senderNumber, templates };

describeConnectorConformance({
  factory: plivoSmsConnector,
  harness: () => simulatorHarness(),
  failingHarness: () => simulatorHarness((simulator) => simulator.failNext('plivo', 'rejected', 10)),
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, auth_id: validConfig.authId } },
    { name: 'malformed Auth ID', config: { ...validConfig, authId: 'MA123' } },
    { name: 'missing Auth Token', config: { ...validConfig, authToken: undefined } },
    { name: 'malformed Powerpack UUID', config: { ...validConfig, senderNumber: undefined, powerpackUuid: 'pp' } },
    { name: 'no sender', config: { ...validConfig, senderNumber: undefined } },
    { name: 'two senders', config: { ...validConfig, powerpackUuid } },
    { name: 'sender ID longer than 11 characters', config: { ...validConfig, senderNumber: 'PasslineVerify' } },
    {
      name: 'template without {{code}}',
      config: { ...validConfig, templates: [...templates.slice(0, 3), { usageType: 'Generic', content: 'Hello' }] },
    },
    {
      name: 'template longer than 1600 characters',
      config: {
        ...validConfig,
        templates: [...templates.slice(0, 3), { usageType: 'Generic', content: `{{code}}${'x'.repeat(1600)}` }],
      },
    },
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://api.plivo.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
