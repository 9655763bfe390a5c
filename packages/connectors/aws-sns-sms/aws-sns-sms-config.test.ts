import { type ConnectorError, parseConnectorConfig, secretFields } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { defaultTemplates, regionEndpoint } from './config.ts';
import { awsSnsSmsConnector } from './index.ts';
import { plainConfig as base, context, publishResponse } from './test-helpers.ts';

describe('aws-sns-sms config', () => {
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(awsSnsSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates and the Transactional SMS type when the config has none', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(awsSnsSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
    expect(parsed.smsType).toBe('Transactional');
    expect(defaultTemplates.map((template) => template.usageType)).toContain('PhoneChanged');
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(awsSnsSmsConnector, { ...base, templates: defaultTemplates });
    let sent: string | null = '';
    await awsSnsSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          sent = new URLSearchParams(String(init?.body)).get('Message');
          return new Response(publishResponse('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'), { status: 200 });
        },
      },
    );
    expect(sent).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('takes AWS region codes and refuses anything else', () => {
    for (const region of [
      'us-east-1',
      'eu-central-2',
      'ap-southeast-4',
      'us-gov-west-1',
      'cn-north-1',
      'il-central-1',
    ]) {
      expect(parseConnectorConfig(awsSnsSmsConnector, { ...base, region }).region).toBe(region);
    }
    for (const region of ['US-EAST-1', 'us-east', 'useast1', 'eu', '', 'us-east-1.amazonaws.com']) {
      const wrong = refusal({ ...base, region });
      expect(wrong.kind).toBe('invalid_config');
      expect(wrong.message).toContain('us-east-1');
    }
    expect(refusal({ ...base, region: undefined }).kind).toBe('invalid_config');
    expect(regionEndpoint('us-east-1')).toBe('https://sns.us-east-1.amazonaws.com/');
    expect(regionEndpoint('cn-northwest-1')).toBe('https://sns.cn-northwest-1.amazonaws.com.cn/');
  });

  it('accepts sender IDs of 1-11 letters and digits with a letter, and nothing else', () => {
    for (const senderId of ['Passline', 'A', 'MyApp2024', 'ABCDEFGHIJK']) {
      expect(parseConnectorConfig(awsSnsSmsConnector, { ...base, senderId }).senderId).toBe(senderId);
    }
    for (const senderId of ['Passline App', 'PasslineVerify', '12345', 'Pass-line', '']) {
      expect(refusal({ ...base, senderId }).message).toContain('sender ID');
    }
  });

  it('accepts origination numbers in E.164 form only', () => {
    expect(
      parseConnectorConfig(awsSnsSmsConnector, { ...base, originationNumber: '+12065550100' }).originationNumber,
    ).toBe('+12065550100');
    for (const originationNumber of ['12065550100', '+0123456', 'Passline', '+1 206 555 0100']) {
      expect(refusal({ ...base, originationNumber }).message).toContain('E.164');
    }
  });

  it('takes Transactional or Promotional as the SMS type', () => {
    expect(parseConnectorConfig(awsSnsSmsConnector, { ...base, smsType: 'Promotional' }).smsType).toBe('Promotional');
    expect(refusal({ ...base, smsType: 'transactional' }).message).toContain('Transactional or Promotional');
  });

  it('requires the access key pair, and keeps the secret and the session token secret', () => {
    expect(refusal({ ...base, accessKeyId: 'akia lower case' }).message).toContain('access key ID');
    expect(refusal({ ...base, accessKeyId: undefined }).kind).toBe('invalid_config');
    expect(refusal({ ...base, secretAccessKey: ' ' }).message).toContain('secret access key');
    expect(refusal({ ...base, sessionToken: '' }).kind).toBe('invalid_config');
    expect(secretFields(awsSnsSmsConnector.configSchema).sort()).toEqual(['secretAccessKey', 'sessionToken']);
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(awsSnsSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
    expect(parsed.sessionToken).toBeUndefined();
  });
});
