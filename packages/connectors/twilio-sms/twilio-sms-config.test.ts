import { type ConnectorError, parseConnectorConfig } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { defaultTemplates } from './config.ts';
import { twilioSmsConnector } from './index.ts';
import { context, serviceSid, templates } from './test-helpers.ts';

describe('twilio-sms config', () => {
  const base = {
    accountSID: 'AC0123456789abcdef0123456789abcdef',
    authToken: 'token',
    from: '+15017122661',
    templates,
  };
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(twilioSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates when the config has none, as dev-sms does', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(twilioSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
  });

  it('has a default PhoneChanged notice, and keeps configs without one valid', () => {
    expect(defaultTemplates).toContainEqual({
      usageType: 'PhoneChanged',
      content: "The phone number on your account was changed. If this wasn't you, contact support.",
    });
    expect(() => parseConnectorConfig(twilioSmsConnector, base)).not.toThrow();
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(twilioSmsConnector, { ...base, templates: defaultTemplates });
    let sent = '';
    await twilioSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          sent = new URLSearchParams(String(init?.body)).get('Body') ?? '';
          return new Response(JSON.stringify({ sid: 'SM1' }), { status: 201 });
        },
      },
    );
    expect(sent).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('asks for a sender when neither is set, and for one only when both are', () => {
    const none = refusal({ ...base, from: undefined });
    expect(none.kind).toBe('invalid_config');
    expect(none.message).toMatch(/fromMessagingServiceSID.*from/);
    const both = refusal({ ...base, fromMessagingServiceSID: serviceSid });
    expect(both.message).toContain('only one sender');
  });

  it('accepts the alphanumeric and short-code senders Twilio accepts', () => {
    for (const from of ['Passline', 'My App 2', '12345']) {
      expect(() => parseConnectorConfig(twilioSmsConnector, { ...base, from })).not.toThrow();
    }
    for (const from of ['Passline Verify', '015017122661', 'Pass-line']) {
      expect(refusal({ ...base, from }).kind).toBe('invalid_config');
    }
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(twilioSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
  });
});
