import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import {
  connectorSender,
  fetchViaSimulator,
  simulatorHarnesses,
  useProviderSimulator,
} from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { infobipSmsConnector } from './index.ts';
import {
  context,
  invalidTemplateConfigs,
  plainConfig,
  rawConfig,
  sampleTexts,
  sender,
  templates,
} from './test-helpers.ts';

describe('infobip-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(infobipSmsConnector, 'infobip', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template and returns the message id', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^\d{19}$/);
      expect(message).toMatchObject({
        provider: 'infobip',
        to: '14155550123',
        text: sampleTexts[usage],
        sender,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'infobip' })).toHaveLength(4);
  });

  it('sends from a number, and the PhoneChanged notice from its default text', async () => {
    await send('SignIn', { code: '222222' }, { sender: '+12025550134' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: '12025550134', text: 'Sign-in code: 222222' });
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });

  it('posts to the base URL as pasted from the portal, without a scheme, over https', async () => {
    // The account's real host is asked for; this fetch carries the request to the simulator over HTTP.
    const { fetch: toSimulator, asked } = fetchViaSimulator(simulator);
    await send('SignIn', undefined, { baseUrl: 'abc123.api.infobip.com' }, toSimulator);
    expect(asked).toEqual(['https://abc123.api.infobip.com/sms/3/messages']);
    expect(simulator.messages({ provider: 'infobip' })).toHaveLength(1);
  });

  it('keeps a path prefix of the base URL', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { baseUrl: `${simulator.url}/proxy` }));
    // The simulator serves Infobip only at the root, so the prefixed path reaching it proves it was kept.
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 404 });
  });

  it("maps throttling (429 E429) to rate_limited with Infobip's Retry-After, without sending", async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'E429',
      httpStatus: 429,
      retryAfterSeconds: 2,
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number to invalid_recipient, and an account without credit to provider_rejected', async () => {
    const invalid = await send.failing('invalid_number');
    expect(invalid).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'REJECTED_DESTINATION',
      providerMessage: 'Invalid destination address',
      httpStatus: 200,
    });
    expect(invalid.message).toContain(to);
    expect(await send.failing('rejected')).toMatchObject({
      kind: 'provider_rejected',
      providerCode: 'REJECTED_NOT_ENOUGH_CREDITS',
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps a server error to provider_unavailable', async () => {
    expect(await send.failing('server_error')).toMatchObject({
      kind: 'provider_unavailable',
      providerCode: 'E500',
      httpStatus: 500,
    });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong API key (401 E401) as invalid_config naming apiKey, without sending', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { apiKey: 'not-the-key' }));
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'E401',
      providerMessage: 'Invalid login details.',
      httpStatus: 401,
    });
    expect(error.message).toContain('apiKey');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(simulator.messages()).toHaveLength(0);
  });
});

describeConnectorConformance({
  factory: infobipSmsConnector,
  ...simulatorHarnesses('infobip', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...plainConfig, apikey: plainConfig.apiKey } },
    { name: 'missing API key', config: { ...plainConfig, apiKey: undefined } },
    { name: 'missing base URL', config: { ...plainConfig, baseUrl: undefined } },
    { name: 'non-http base URL', config: { ...plainConfig, baseUrl: 'ftp://abc123.api.infobip.com' } },
    { name: 'no sender', config: { ...plainConfig, sender: undefined } },
    { name: 'sender ID longer than 11 characters', config: { ...plainConfig, sender: 'PasslineVerify' } },
    ...invalidTemplateConfigs(plainConfig, { maxLength: 1600 }),
    { name: 'timeout below 1000 ms', config: { ...plainConfig, timeoutMs: 10 } },
  ],
});
