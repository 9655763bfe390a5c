import { type ConnectorContext, parseConnectorConfig } from '@passline/connector-kit';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { tencentSmsConnector } from './index.ts';

const context: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

// Tencent keeps one approved template per language: Passline picks the id by the recipient's locale.
const templates = [
  { usageType: 'Register', templateCode: '2001' },
  { usageType: 'SignIn', templateCode: '2002' },
  { usageType: 'SignIn', locale: 'en', templateCode: '3002', params: ['code', 'expiresInMinutes'] },
  { usageType: 'ForgotPassword', templateCode: '2003' },
  { usageType: 'Generic', templateCode: '2004' },
];

describe('tencent-sms templates per language, against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const sent = async (locale: string | undefined) => {
    const { secretId, secretKey, sdkAppId } = simulator.credentials.tencent;
    const config = parseConnectorConfig(tencentSmsConnector, {
      accessKeyId: secretId,
      accessKeySecret: secretKey,
      sdkAppId,
      signName: 'Passline',
      templates,
      endpoint: simulator.url,
    });
    await tencentSmsConnector.sendMessage(
      { to: '+8613711112222', usage: 'SignIn', locale, payload: { code: '482913', expiresInMinutes: '5' } },
      config,
      context,
    );
    const message = simulator.messages({ provider: 'tencent' }).at(-1);
    return { templateCode: message?.templateCode, params: message?.params };
  };

  it("sends the template id approved for the recipient's language, with its own parameters", async () => {
    expect(await sent('en-GB')).toEqual({ templateCode: '3002', params: ['482913', '5'] });
    expect(await sent('zh-CN')).toEqual({ templateCode: '2002', params: ['482913'] });
    expect(await sent(undefined)).toEqual({ templateCode: '2002', params: ['482913'] });
  });
});
