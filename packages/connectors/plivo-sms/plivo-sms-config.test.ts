import { type ConnectorError, parseConnectorConfig } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { defaultTemplates } from './config.ts';
import { plivoSmsConnector } from './index.ts';
import { context, powerpackUuid, senderNumber, templates } from './test-helpers.ts';

describe('plivo-sms config', () => {
  const base = { authId: 'MAXXXXXXXXXXXXXXXXXX', authToken: 'token', senderNumber, templates };
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(plivoSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates when the config has none', () => {
    const { templates: _left, ...withoutTemplates } = base;
    expect(parseConnectorConfig(plivoSmsConnector, withoutTemplates).templates).toEqual(defaultTemplates);
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(plivoSmsConnector, { ...base, templates: defaultTemplates });
    let sent: unknown;
    await plivoSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          sent = JSON.parse(String(init?.body));
          return new Response(JSON.stringify({ api_id: 'a', message_uuid: ['m'] }), { status: 202 });
        },
      },
    );
    expect(sent).toEqual({
      src: senderNumber,
      dst: '+14155550123',
      text: 'Your sign-in verification code is 482913. It is valid for 5 minutes.',
    });
  });

  it('asks for a sender when neither is set, and for one only when both are', () => {
    const none = refusal({ ...base, senderNumber: undefined });
    expect(none.kind).toBe('invalid_config');
    expect(none.message).toMatch(/senderNumber.*powerpackUuid/);
    expect(refusal({ ...base, powerpackUuid }).message).toContain('only one sender');
    expect(() =>
      parseConnectorConfig(plivoSmsConnector, { ...base, senderNumber: undefined, powerpackUuid }),
    ).not.toThrow();
  });

  it('accepts numbers, short codes and sender IDs, and refuses malformed ids', () => {
    for (const sender of ['Passline', '12345', '+442071838750']) {
      expect(() => parseConnectorConfig(plivoSmsConnector, { ...base, senderNumber: sender })).not.toThrow();
    }
    expect(refusal({ ...base, senderNumber: 'Passline Verify' }).kind).toBe('invalid_config');
    expect(refusal({ ...base, authId: 'ma123' }).message).toContain('Auth ID');
    expect(refusal({ ...base, senderNumber: undefined, powerpackUuid: 'pp-1' }).message).toContain('Powerpack UUID');
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(plivoSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
  });
});
