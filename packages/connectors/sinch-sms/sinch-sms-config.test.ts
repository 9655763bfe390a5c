import { type ConnectorError, parseConnectorConfig, secretFields } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { defaultTemplates, regionEndpoint, regions } from './config.ts';
import { sinchSmsConnector } from './index.ts';
import { plainConfig as base, context } from './test-helpers.ts';

describe('sinch-sms config', () => {
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(sinchSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates and region when the config has none', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(sinchSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
    expect(parsed.region).toBe('us');
    expect(defaultTemplates.map((template) => template.usageType)).toContain('PhoneChanged');
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(sinchSmsConnector, { ...base, templates: defaultTemplates });
    let sent = '';
    await sinchSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          sent = (JSON.parse(String(init?.body)) as { body: string }).body;
          return new Response(JSON.stringify({ id: '01FC66621XXXXX119Z8PMV1QPQ' }), { status: 201 });
        },
      },
    );
    expect(sent).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('takes the five Sinch regions and refuses any other', () => {
    for (const region of regions) {
      expect(parseConnectorConfig(sinchSmsConnector, { ...base, region }).region).toBe(region);
    }
    expect(regions.map(regionEndpoint)).toEqual([
      'https://us.sms.api.sinch.com',
      'https://eu.sms.api.sinch.com',
      'https://au.sms.api.sinch.com',
      'https://br.sms.api.sinch.com',
      'https://ca.sms.api.sinch.com',
    ]);
    const wrong = refusal({ ...base, region: 'uk' });
    expect(wrong.kind).toBe('invalid_config');
    expect(wrong.message).toContain('us, eu, au, br, ca');
  });

  it('accepts numbers, short codes and alphanumeric senders, and nothing else', () => {
    for (const from of ['+12025550134', '12025550134', '72345', 'Passline', 'My App 2']) {
      expect(() => parseConnectorConfig(sinchSmsConnector, { ...base, from })).not.toThrow();
    }
    for (const from of ['Passline Verify', '+0123', 'Pass-line', '']) {
      expect(refusal({ ...base, from }).kind).toBe('invalid_config');
    }
    expect(refusal({ ...base, from: undefined }).message).toContain('from');
  });

  it('requires the service plan ID and the API token, and keeps the token secret', () => {
    expect(refusal({ ...base, servicePlanId: 'plan id!' }).message).toContain('Service plan ID');
    expect(refusal({ ...base, apiToken: ' ' }).message).toContain('API token');
    expect(secretFields(sinchSmsConnector.configSchema)).toEqual(['apiToken']);
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(sinchSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
  });
});
