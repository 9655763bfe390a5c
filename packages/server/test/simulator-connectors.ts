import type { ProviderSimulator } from '@passline/provider-simulator';

export type Provider = 'twilio' | 'aliyun' | 'tencent';

const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;

/** A connector config per built-in provider, pointed at the simulator with the credentials it accepts. */
export function providerConfig(
  simulator: ProviderSimulator,
  provider: Provider,
  /** Extra config fields, e.g. a short `timeoutMs` for failover tests. */
  extra: Record<string, unknown> = {},
) {
  const { twilio, aliyun, tencent } = simulator.credentials;
  if (provider === 'twilio') {
    return {
      factoryId: 'twilio-sms',
      config: {
        accountSID: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        endpoint: simulator.url,
        templates: usages.map((usageType) => ({ usageType, content: `${usageType}: your code is {{code}}` })),
        ...extra,
      },
    };
  }
  if (provider === 'aliyun') {
    return {
      factoryId: 'aliyun-sms',
      config: {
        accessKeyId: aliyun.accessKeyId,
        accessKeySecret: aliyun.accessKeySecret,
        signName: 'Passline',
        endpoint: simulator.url,
        templates: usages.map((usageType, index) => ({ usageType, templateCode: `SMS_10000000${index}` })),
        ...extra,
      },
    };
  }
  return {
    factoryId: 'tencent-sms',
    config: {
      accessKeyId: tencent.secretId,
      accessKeySecret: tencent.secretKey,
      sdkAppId: tencent.sdkAppId,
      signName: 'Passline',
      endpoint: simulator.url,
      templates: usages.map((usageType, index) => ({ usageType, templateCode: `20000${index}` })),
      ...extra,
    },
  };
}
