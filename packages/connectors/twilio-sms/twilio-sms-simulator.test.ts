import { parseConnectorConfig } from '@passline/connector-kit';
import { describeConnectorConformance, expectConnectorError } from '@passline/connector-kit/conformance';
import { connectorSender, simulatorHarnesses, useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, type TwilioSmsConfig, twilioSmsConnector } from './index.ts';
import { context, invalidTemplateConfigs, rawConfig, sampleTexts, serviceSid, templates } from './test-helpers.ts';

describe('twilio-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = connectorSender(twilioSmsConnector, 'twilio', { simulator, rawConfig, context, to });

  it('sends each usage with its own rendered template and returns the message SID', async () => {
    for (const { usage, result, message } of await send.eachUsage()) {
      expect(result.messageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(message).toMatchObject({
        provider: 'twilio',
        to,
        text: sampleTexts[usage],
        sender: serviceSid,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'twilio' })).toHaveLength(4);
  });

  it('passes StatusCallback when Passline asks for receipts, and only then', async () => {
    const config = parseConnectorConfig(twilioSmsConnector, rawConfig(simulator));
    // Nothing listens there: the simulator's receipt for this message goes nowhere.
    const statusCallbackUrl = 'http://127.0.0.1:9/api/webhooks/twilio-sms/status?connector=con_1';
    await twilioSmsConnector.sendMessage(
      { to, usage: 'SignIn', payload: { code: '1' }, statusCallbackUrl },
      config,
      context,
    );
    expect(simulator.messages().at(-1)?.statusCallback).toBe(statusCallbackUrl);
    await send('SignIn');
    expect(simulator.messages().at(-1)?.statusCallback).toBeUndefined();
  });

  it('sends from a number or an alphanumeric sender ID when "from" is set instead', async () => {
    await send('SignIn', { code: '111111' }, { fromMessagingServiceSID: undefined, from: '+15017122661' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: '+15017122661', text: 'Sign-in code: 111111' });
    await send('SignIn', { code: '222222' }, { fromMessagingServiceSID: undefined, from: 'Passline' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: 'Passline', text: 'Sign-in code: 222222' });
  });

  it('sends the PhoneChanged notice: its own template, else the default text, never Generic', async () => {
    // A config saved before the notice existed has no PhoneChanged template: the default stands in.
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
    const own = { usageType: 'PhoneChanged', content: 'Your Acme number was changed.' };
    await send('PhoneChanged', {}, { templates: [...templates, own] });
    expect(simulator.messages().at(-1)?.text).toBe('Your Acme number was changed.');
  });

  it('falls back to the Generic template for a usage without its own', async () => {
    await send('MfaVerification', { code: '654321' });
    expect(simulator.messages().at(-1)?.text).toBe('Your code is 654321');
  });

  it('keeps a path prefix of the endpoint', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: `${simulator.url}/proxy` }));
    // The simulator serves Twilio only at the root, so the prefixed path reaching it proves it was kept.
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 404 });
  });

  it('maps rate limiting (20429) to rate_limited with the request id', async () => {
    const error = await send.failing('rate_limited');
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: '20429',
      providerMessage: 'Too Many Requests',
      httpStatus: 429,
    });
    expect(error.providerRequestId).toMatch(/^RQ[0-9a-f]{32}$/);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number (21211) to invalid_recipient', async () => {
    const error = await send.failing('invalid_number');
    expect(error).toMatchObject({ kind: 'invalid_recipient', providerCode: '21211', httpStatus: 400 });
    expect(error.message).toContain(to);
    expect(error.message).toContain('https://www.twilio.com/docs/errors/21211');
  });

  it('maps an unsubscribed recipient (21610) to provider_rejected explaining STOP', async () => {
    const error = await send.failing('rejected');
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: '21610' });
    expect(error.message).toContain('STOP');
    expect(error.providerRequestId).toBeTruthy();
  });

  it('maps a server error (20500) to provider_unavailable', async () => {
    const error = await send.failing('server_error');
    expect(error).toMatchObject({ kind: 'provider_unavailable', providerCode: '20500', httpStatus: 500 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    const error = await send.failing('hang', { timeoutMs: 1000 });
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong Auth Token as invalid_config (20003)', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { authToken: 'not-the-token' }));
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: '20003', httpStatus: 401 });
    expect(error.message).toContain('authToken');
  });

  it('reports an unknown Account SID as invalid_config (20003)', async () => {
    const error = await expectConnectorError(
      send('SignIn', undefined, { accountSID: 'AC0123456789abcdef0123456789abcdef' }),
    );
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: '20003' });
    expect(error.message).toContain('AC0123456789abcdef0123456789abcdef');
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(error.message).toContain('expiresInMinutes');
    expect(simulator.messages()).toHaveLength(0);
  });
});

const validConfig = {
  accountSID: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'token',
  fromMessagingServiceSID: serviceSid,
  templates,
};

describeConnectorConformance({
  factory: twilioSmsConnector,
  ...simulatorHarnesses('twilio', { rawConfig, templates, context }),
  receipts: {
    callback: ({ config, messageId, url }) => {
      const { authToken, accountSID } = config as TwilioSmsConfig;
      const params = { MessageSid: messageId, MessageStatus: 'delivered', AccountSid: accountSID };
      return {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': computeTwilioSignature(authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      };
    },
  },
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, accountSid: validConfig.accountSID } },
    { name: 'malformed Account SID', config: { ...validConfig, accountSID: 'AC123' } },
    { name: 'missing Auth Token', config: { ...validConfig, authToken: undefined } },
    { name: 'malformed Messaging Service SID', config: { ...validConfig, fromMessagingServiceSID: 'MG123' } },
    { name: 'no sender', config: { ...validConfig, fromMessagingServiceSID: undefined } },
    { name: 'two senders', config: { ...validConfig, from: '+15017122661' } },
    {
      name: 'sender ID longer than 11 characters',
      config: { ...validConfig, fromMessagingServiceSID: undefined, from: 'PasslineVerify' },
    },
    ...invalidTemplateConfigs(validConfig, { maxLength: 1600, unknownVariable: true }),
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://api.twilio.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
