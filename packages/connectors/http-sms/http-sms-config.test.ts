import { type ConnectorError, configJsonSchema, parseConnectorConfig, secretFields } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { httpSmsConnector } from './index.ts';
import { plainConfig as base, templates } from './test-helpers.ts';

describe('http-sms config', () => {
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(httpSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it("takes Logto's two fields alone (endpoint, authorization), with no templates and no signing", () => {
    const parsed = parseConnectorConfig(httpSmsConnector, {
      endpoint: 'https://sms.example.com/send',
      authorization: 'Bearer abc',
    });
    expect(parsed).toEqual({ endpoint: 'https://sms.example.com/send', authorization: 'Bearer abc' });
    expect(
      parseConnectorConfig(httpSmsConnector, { endpoint: 'https://sms.example.com/send' }).templates,
    ).toBeUndefined();
  });

  it('requires an https endpoint, except on this machine and private networks', () => {
    for (const endpoint of [
      'http://localhost:8080/sms',
      'http://127.0.0.1:4010/http-sms/messages',
      'http://[::1]/sms',
      'http://sms-gateway:8080/send',
      'http://10.0.3.7/send',
      'http://172.20.0.5/send',
      'http://192.168.1.20/send',
      'http://[fd12:3456::1]/send',
      'http://sms.gateway.svc.cluster.local/send',
      'http://gateway.internal/send',
    ]) {
      expect(parseConnectorConfig(httpSmsConnector, { ...base, endpoint }).endpoint).toBe(endpoint);
    }
    for (const publicHost of ['http://172.32.0.1/send', 'http://8.8.8.8/send', 'http://[2001:db8::1]/send']) {
      expect(refusal({ ...base, endpoint: publicHost }).message, publicHost).toContain('must use https');
    }
    const plain = refusal({ ...base, endpoint: 'http://sms.example.com/send' });
    expect(plain.kind).toBe('invalid_config');
    expect(plain.message).toContain('must use https');
    expect(plain.message).toContain('across the network');
    expect(refusal({ ...base, endpoint: 'ftp://sms.example.com/send' }).message).toContain('http(s) URL');
    expect(refusal({ ...base, endpoint: 'sms.example.com/send' }).kind).toBe('invalid_config');
    expect(refusal({ ...base, endpoint: undefined }).message).toContain('endpoint');
  });

  it('refuses credentials inside the endpoint URL, pointing at "authorization"', () => {
    const error = refusal({ ...base, endpoint: 'https://user:pass@sms.example.com/send' });
    expect(error.message).toContain('"authorization"');
  });

  it('takes the Authorization header value as a one-line secret', () => {
    expect(
      parseConnectorConfig(httpSmsConnector, { ...base, authorization: ' Basic dXNlcjpwYXNz ' }).authorization,
    ).toBe('Basic dXNlcjpwYXNz');
    expect(refusal({ ...base, authorization: 'Bearer a\r\nX-Injected: 1' }).message).toContain('one line');
    expect(refusal({ ...base, authorization: 'Bearer é' }).kind).toBe('invalid_config');
    expect(secretFields(httpSmsConnector.configSchema)).toEqual(['authorization', 'signingSecret']);
    const properties = configJsonSchema(httpSmsConnector).properties as Record<string, Record<string, unknown>>;
    expect(properties.authorization?.writeOnly).toBe(true);
    expect(properties.signingSecret?.writeOnly).toBe(true);
  });

  it('accepts a Standard Webhooks secret and explains a malformed one', () => {
    expect(parseConnectorConfig(httpSmsConnector, base).signingSecret).toBe(base.signingSecret);
    for (const signingSecret of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!', 'secret']) {
      const error = refusal({ ...base, signingSecret });
      expect(error.kind).toBe('invalid_config');
      expect(error.message).toContain('whsec_');
    }
    // Valid base64 but only 5 bytes: too short a key to sign with.
    expect(refusal({ ...base, signingSecret: 'whsec_c2hvcnQ=' }).message).toContain('at least 16 random bytes');
    // One clear message, not one per check.
    expect(refusal({ ...base, signingSecret: 'secret' }).issues).toHaveLength(1);
  });

  it('takes optional templates, complete for every required usage when given', () => {
    expect(parseConnectorConfig(httpSmsConnector, { ...base, templates }).templates).toHaveLength(4);
    expect(refusal({ ...base, templates: templates.slice(1) }).message).toContain('Register');
    const noCode = templates.map((template) => ({ ...template, content: 'Hello' }));
    expect(refusal({ ...base, templates: noCode }).message).toContain('{{code}}');
  });

  it('refuses unknown fields, and fills the timeout default at send time, not in the stored config', () => {
    expect(refusal({ ...base, url: base.endpoint }).kind).toBe('invalid_config');
    expect(parseConnectorConfig(httpSmsConnector, base).timeoutMs).toBeUndefined();
    expect(refusal({ ...base, timeoutMs: 10 }).kind).toBe('invalid_config');
  });
});
