import { type ConnectorContext, parseConnectorConfig } from '@passline/connector-kit';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { aliyunSmsConnector } from './index.ts';

const context: ConnectorContext = {
  fetch: globalThis.fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

// Aliyun keeps one approved template per language: Passline picks the code by the recipient's locale.
const templates = [
  { usageType: 'Register', templateCode: 'SMS_100000001' },
  { usageType: 'SignIn', templateCode: 'SMS_100000002' },
  { usageType: 'SignIn', locale: 'zh-CN', templateCode: 'SMS_300000002' },
  { usageType: 'ForgotPassword', templateCode: 'SMS_100000003' },
  { usageType: 'Generic', templateCode: { china: 'SMS_100000004', overseas: 'SMS_200000004' } },
  { usageType: 'Generic', locale: 'en', templateCode: { china: 'SMS_400000004', overseas: 'SMS_500000004' } },
];

describe('aliyun-sms templates per language, against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const sentCode = async (to: string, usage: string, locale: string | undefined) => {
    const config = parseConnectorConfig(aliyunSmsConnector, {
      accessKeyId: simulator.credentials.aliyun.accessKeyId,
      accessKeySecret: simulator.credentials.aliyun.accessKeySecret,
      signName: 'Passline',
      templates,
      endpoint: simulator.url,
    });
    await aliyunSmsConnector.sendMessage({ to, usage, locale, payload: { code: '123456' } }, config, context);
    return simulator.messages({ provider: 'aliyun' }).at(-1)?.templateCode;
  };

  it("sends the template code approved for the recipient's language, else the one without a locale", async () => {
    expect(await sentCode('+8613800138000', 'SignIn', 'zh-CN')).toBe('SMS_300000002');
    expect(await sentCode('+8613800138000', 'SignIn', 'zh-TW')).toBe('SMS_100000002');
    expect(await sentCode('+8613800138000', 'SignIn', 'en')).toBe('SMS_100000002');
    expect(await sentCode('+8613800138000', 'SignIn', undefined)).toBe('SMS_100000002');
  });

  it('keeps the mainland and international codes of a template per language', async () => {
    expect(await sentCode('+8613800138000', 'MfaVerification', 'en-GB')).toBe('SMS_400000004');
    expect(await sentCode('+14155550123', 'MfaVerification', 'en-GB')).toBe('SMS_500000004');
    expect(await sentCode('+14155550123', 'MfaVerification', 'zh-CN')).toBe('SMS_200000004');
  });
});
