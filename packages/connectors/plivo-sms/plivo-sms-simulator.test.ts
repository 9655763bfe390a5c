import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import { connectorSender, simulatorHarnesses, useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { plivoSmsConnector } from './index.ts';
import {
  context,
  invalidTemplateConfigs,
  powerpackUuid,
  rawConfig,
  sampleTexts,
  senderNumber,
  templates,
} from './test-helpers.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('plivo-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(plivoSmsConnector, 'plivo', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template and returns the message uuid', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(uuid);
      expect(message).toMatchObject({
        provider: 'plivo',
        to,
        text: sampleTexts[usage],
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
    const error = await send.failing('rate_limited');
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
    const error = await send.failing('invalid_number');
    expect(error).toMatchObject({ kind: 'invalid_recipient', httpStatus: 400 });
    expect(error.message).toContain(to);
  });

  it('maps a refused destination (403) to provider_rejected', async () => {
    const error = await send.failing('rejected');
    expect(error).toMatchObject({ kind: 'provider_rejected', httpStatus: 403 });
  });

  it('maps a server error to provider_unavailable', async () => {
    const error = await send.failing('server_error');
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500, providerMessage: 'unexpected error' });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
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

const validConfig = { authId: 'MAXXXXXXXXXXXXXXXXXX', authToken: 'token', senderNumber, templates };

describeConnectorConformance({
  factory: plivoSmsConnector,
  ...simulatorHarnesses('plivo', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, auth_id: validConfig.authId } },
    { name: 'malformed Auth ID', config: { ...validConfig, authId: 'MA123' } },
    { name: 'missing Auth Token', config: { ...validConfig, authToken: undefined } },
    { name: 'malformed Powerpack UUID', config: { ...validConfig, senderNumber: undefined, powerpackUuid: 'pp' } },
    { name: 'no sender', config: { ...validConfig, senderNumber: undefined } },
    { name: 'two senders', config: { ...validConfig, powerpackUuid } },
    { name: 'sender ID longer than 11 characters', config: { ...validConfig, senderNumber: 'PasslineVerify' } },
    ...invalidTemplateConfigs(validConfig, { maxLength: 1600 }),
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://api.plivo.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
