import {
  type ConnectorError,
  type ConnectorFactory,
  configJsonSchema,
  parseConnectorConfig,
} from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { defaultTemplates } from './config.ts';
import { vonageSmsConnector } from './index.ts';
import { templates } from './test-helpers.ts';

describe('vonage-sms config', () => {
  const base = { apiKey: 'a1b2c3d4', apiSecret: 'secret', brandName: 'Passline', templates };
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(vonageSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates, with the PhoneChanged notice, when the config has none', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(vonageSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
    expect(parsed.templates.map((template) => template.usageType)).toContain('PhoneChanged');
  });

  it('marks both secrets as secret fields, and nothing else', () => {
    const { properties } = configJsonSchema(vonageSmsConnector as ConnectorFactory) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(properties.apiSecret).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(properties.signatureSecret).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(properties.apiKey?.writeOnly).toBeUndefined();
    expect(properties.brandName?.writeOnly).toBeUndefined();
  });

  it('asks for a secret when neither the API secret nor a signature secret is set', () => {
    const error = refusal({ ...base, apiSecret: undefined });
    expect(error.kind).toBe('invalid_config');
    expect(error.message).toMatch(/apiSecret.*signatureSecret/);
    expect(() =>
      parseConnectorConfig(vonageSmsConnector, { ...base, apiSecret: undefined, signatureSecret: 's' }),
    ).not.toThrow();
  });

  it('takes only the signing methods Vonage offers, and only with a signature secret', () => {
    for (const signatureMethod of ['md5hash', 'md5', 'sha1', 'sha256', 'sha512']) {
      expect(() =>
        parseConnectorConfig(vonageSmsConnector, { ...base, signatureSecret: 's', signatureMethod }),
      ).not.toThrow();
    }
    expect(refusal({ ...base, signatureSecret: 's', signatureMethod: 'sha384' }).kind).toBe('invalid_config');
    expect(refusal({ ...base, signatureMethod: 'sha256' }).message).toContain('signatureSecret');
  });

  it('accepts virtual numbers and alphanumeric sender IDs, and refuses other senders', () => {
    for (const brandName of ['Passline', 'My App 2', '14155550100', '+447700900000']) {
      expect(() => parseConnectorConfig(vonageSmsConnector, { ...base, brandName })).not.toThrow();
    }
    for (const brandName of ['Passline Verify', 'Pass-line', '', '+0123']) {
      expect(refusal({ ...base, brandName }).kind).toBe('invalid_config');
    }
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(vonageSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
    expect(parsed.signatureMethod).toBeUndefined();
  });
});
