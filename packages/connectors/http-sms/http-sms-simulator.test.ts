import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import { connectorSender, simulatorHarnesses, useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { httpSmsConnector } from './index.ts';
import {
  context,
  invalidTemplateConfigs,
  plainConfig,
  rawConfig,
  samplePayload,
  signingSecret,
  templates,
} from './test-helpers.ts';

describe('http-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(httpSmsConnector, 'http', { simulator, rawConfig, context, to });

  it('sends each usage with its code, type and payload, and returns the receiver message id', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^sim_[0-9a-f]{24}$/);
      expect(message).toMatchObject({
        provider: 'http',
        to,
        text: 'code: 482913',
        templateCode: usage,
        params: samplePayload,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'http' })).toHaveLength(4);
  });

  it('sends the rendered text when templates are configured, and the PhoneChanged notice without a code', async () => {
    await send('Register', { code: '111111', expiresInMinutes: '5' }, { templates });
    expect(simulator.messages().at(-1)?.text).toBe('Welcome! Your sign-up code is 111111, valid 5 min.');
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)).toMatchObject({ text: 'notice: PhoneChanged', params: {} });
    await send('PhoneChanged', {}, { templates });
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });

  it('reports a wrong Authorization header as invalid_config, quoting the receiver', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { authorization: 'Bearer not-the-token' }));
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 401, providerCode: 'unauthorized' });
    expect(error.message).toContain('Missing or wrong Authorization header');
    expect(error.message).not.toContain('not-the-token');
    const missing = await expectConnectorError(send('SignIn', undefined, { authorization: undefined }));
    expect(missing).toMatchObject({ kind: 'invalid_config', httpStatus: 401 });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('is caught by the receiver when signed with another secret, or not signed at all', async () => {
    const forged = await expectConnectorError(send('SignIn', undefined, { signingSecret }));
    expect(forged).toMatchObject({ kind: 'invalid_config', httpStatus: 401, providerCode: 'invalid_signature' });
    expect(forged.message).toContain('No matching signature');
    expect(forged.message).toContain('"signingSecret"');
    const unsigned = await expectConnectorError(send('SignIn', undefined, { signingSecret: undefined }));
    expect(unsigned).toMatchObject({ kind: 'invalid_config', providerCode: 'invalid_signature' });
    expect(unsigned.message).toContain('webhook-id');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('reports a wrong path as invalid_config (404)', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: `${simulator.url}/http-sms/msgs` }));
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 404 });
    expect(error.message).toContain('/http-sms/msgs');
  });

  it('maps throttling (429 with Retry-After) to rate_limited without sending', async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({ kind: 'rate_limited', httpStatus: 429, retryAfterSeconds: 3 });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number (422) to invalid_recipient, and a refusal (400) to provider_rejected', async () => {
    const invalid = await send.failing('invalid_number');
    expect(invalid).toMatchObject({ kind: 'invalid_recipient', httpStatus: 422, providerCode: 'invalid_number' });
    expect(invalid.message).toContain(to);
    expect(await send.failing('rejected')).toMatchObject({
      kind: 'provider_rejected',
      httpStatus: 400,
      providerCode: 'rejected',
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps a server error to provider_unavailable', async () => {
    expect(await send.failing('server_error')).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500 });
  });

  it('reports an endpoint that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('not retried');
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }, { templates }));
    expect(error.kind).toBe('template_invalid');
    expect(simulator.messages()).toHaveLength(0);
  });
});

describeConnectorConformance({
  factory: httpSmsConnector,
  // The suite checks templates, so the harness config has them; they stay optional in general.
  ...simulatorHarnesses('http', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...plainConfig, url: plainConfig.endpoint } },
    { name: 'missing endpoint', config: { ...plainConfig, endpoint: undefined } },
    { name: 'non-http endpoint', config: { ...plainConfig, endpoint: 'ftp://sms.example.com/send' } },
    { name: 'plain http to another host', config: { ...plainConfig, endpoint: 'http://sms.example.com/send' } },
    { name: 'malformed signing secret', config: { ...plainConfig, signingSecret: 'not-a-whsec-secret' } },
    { name: 'Authorization with a line break', config: { ...plainConfig, authorization: 'Bearer a\nb' } },
    ...invalidTemplateConfigs(plainConfig),
    { name: 'timeout below 1000 ms', config: { ...plainConfig, timeoutMs: 10 } },
  ],
});
