import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import {
  connectorSender,
  fetchViaSimulator,
  simulatorHarnesses,
  useProviderSimulator,
} from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { regions } from './config.ts';
import { sinchSmsConnector } from './index.ts';
import {
  context,
  invalidTemplateConfigs,
  plainConfig,
  rawConfig,
  sampleTexts,
  sender,
  templates,
} from './test-helpers.ts';

describe('sinch-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(sinchSmsConnector, 'sinch', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template and returns the batch id', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^[0-9A-Z]{26}$/);
      expect(message).toMatchObject({
        provider: 'sinch',
        to,
        text: sampleTexts[usage],
        sender,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'sinch' })).toHaveLength(4);
  });

  it('sends from an alphanumeric sender ID, and the PhoneChanged notice from its default text', async () => {
    await send('SignIn', { code: '222222' }, { from: 'Passline' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: 'Passline', text: 'Sign-in code: 222222' });
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });

  it('posts to each region host', async () => {
    // The region's real host is asked for; this fetch carries the request to the simulator over HTTP.
    const { fetch: toSimulator, asked } = fetchViaSimulator(simulator);
    for (const region of regions) {
      await send('SignIn', undefined, { region, endpoint: undefined }, toSimulator);
    }
    const plan = simulator.credentials.sinch.servicePlanId;
    expect(asked).toEqual(regions.map((region) => `https://${region}.sms.api.sinch.com/xms/v1/${plan}/batches`));
    expect(simulator.messages({ provider: 'sinch' })).toHaveLength(regions.length);
  });

  it('keeps a path prefix of the endpoint', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: `${simulator.url}/proxy` }));
    // The simulator serves Sinch only at the root, so the prefixed path reaching it proves it was kept.
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 404 });
  });

  it('maps throttling (429 too_many_requests) to rate_limited without sending', async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'too_many_requests',
      providerMessage: 'Too many requests',
      httpStatus: 429,
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number to invalid_recipient, and a blocked account to provider_rejected', async () => {
    const invalid = await send.failing('invalid_number');
    expect(invalid).toMatchObject({ kind: 'invalid_recipient', providerCode: 'syntax_invalid_parameter_format' });
    expect(invalid.message).toContain(to);
    expect(await send.failing('rejected')).toMatchObject({
      kind: 'provider_rejected',
      providerCode: 'blocked_account',
      httpStatus: 403,
    });
  });

  it('maps a server error to provider_unavailable', async () => {
    expect(await send.failing('server_error')).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong API token (401) and another plan (403) as invalid_config', async () => {
    const token = await expectConnectorError(send('SignIn', undefined, { apiToken: 'not-the-token' }));
    expect(token).toMatchObject({ kind: 'invalid_config', providerCode: 'unauthorized', httpStatus: 401 });
    expect(token.message).toContain('apiToken');
    const plan = await expectConnectorError(send('SignIn', undefined, { servicePlanId: plainConfig.servicePlanId }));
    expect(plan).toMatchObject({ kind: 'invalid_config', providerCode: 'forbidden', httpStatus: 403 });
    expect(plan.message).toContain(plainConfig.servicePlanId);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(simulator.messages()).toHaveLength(0);
  });
});

describeConnectorConformance({
  factory: sinchSmsConnector,
  ...simulatorHarnesses('sinch', { rawConfig, templates, context }),
  invalidConfigs: [
    { name: 'unknown field', config: { ...plainConfig, servicePlanID: plainConfig.servicePlanId } },
    { name: 'missing service plan ID', config: { ...plainConfig, servicePlanId: undefined } },
    { name: 'missing API token', config: { ...plainConfig, apiToken: undefined } },
    { name: 'unknown region', config: { ...plainConfig, region: 'uk' } },
    { name: 'no sender', config: { ...plainConfig, from: undefined } },
    { name: 'sender ID longer than 11 characters', config: { ...plainConfig, from: 'PasslineVerify' } },
    ...invalidTemplateConfigs(plainConfig, { maxLength: 2000 }),
    { name: 'non-http endpoint', config: { ...plainConfig, endpoint: 'ftp://us.sms.api.sinch.com' } },
    { name: 'timeout below 1000 ms', config: { ...plainConfig, timeoutMs: 10 } },
  ],
});
