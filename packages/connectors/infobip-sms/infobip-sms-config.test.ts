import { type ConnectorError, parseConnectorConfig, secretFields } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { apiBase, defaultTemplates } from './config.ts';
import { infobipSmsConnector } from './index.ts';
import { plainConfig as base, context } from './test-helpers.ts';

describe('infobip-sms config', () => {
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(infobipSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates when the config has none', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(infobipSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
    expect(defaultTemplates.map((template) => template.usageType)).toContain('PhoneChanged');
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(infobipSmsConnector, { ...base, templates: defaultTemplates });
    let sent = '';
    await infobipSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          const body = JSON.parse(String(init?.body)) as { messages: Array<{ content: { text: string } }> };
          sent = body.messages[0]?.content.text ?? '';
          return new Response(JSON.stringify({ messages: [{ messageId: '1', status: { groupName: 'PENDING' } }] }));
        },
      },
    );
    expect(sent).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('requires the base URL, taking it with or without https:// as the portal shows it', () => {
    for (const baseUrl of [
      'https://abc123.api.infobip.com',
      'abc123.api.infobip.com',
      'http://127.0.0.1:4010',
      'https://proxy.example.com/infobip',
    ]) {
      expect(parseConnectorConfig(infobipSmsConnector, { ...base, baseUrl }).baseUrl).toBe(baseUrl);
    }
    expect(apiBase('abc123.api.infobip.com').href).toBe('https://abc123.api.infobip.com/');
    expect(apiBase('https://proxy.example.com/infobip').href).toBe('https://proxy.example.com/infobip/');
    for (const baseUrl of ['ftp://abc123.api.infobip.com', 'https://abc 123.api.infobip.com', 'https://a.b/?x=1', '']) {
      expect(refusal({ ...base, baseUrl }).message).toContain('api.infobip.com');
    }
    expect(refusal({ ...base, baseUrl: undefined }).kind).toBe('invalid_config');
  });

  it('accepts alphanumeric sender IDs and numbers, and nothing else', () => {
    for (const sender of ['Passline', 'My App 2', 'ABC', '+12025550134', '12025550134', '72345']) {
      expect(() => parseConnectorConfig(infobipSmsConnector, { ...base, sender })).not.toThrow();
    }
    for (const sender of ['Passline Verify', 'AB', 'Pass-line', '+123456789012345', '']) {
      expect(refusal({ ...base, sender }).kind).toBe('invalid_config');
    }
    expect(refusal({ ...base, sender: undefined }).message).toContain('sender');
  });

  it('requires the API key and keeps it secret', () => {
    expect(refusal({ ...base, apiKey: ' ' }).message).toContain('API key');
    expect(refusal({ ...base, apiKey: 'two words' }).message).toContain('API key');
    expect(refusal({ ...base, apiKey: undefined }).kind).toBe('invalid_config');
    expect(secretFields(infobipSmsConnector.configSchema)).toEqual(['apiKey']);
  });

  it('refuses unknown fields, and fills the timeout default at send time, not in the stored config', () => {
    expect(refusal({ ...base, endpoint: 'https://abc123.api.infobip.com' }).kind).toBe('invalid_config');
    expect(parseConnectorConfig(infobipSmsConnector, base).timeoutMs).toBeUndefined();
    expect(refusal({ ...base, timeoutMs: 10 }).kind).toBe('invalid_config');
  });
});
