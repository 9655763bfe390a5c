import { type ConnectorContext, type OutboxEntry, parseConnectorConfig } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { devSmsConnector } from './index.ts';

describe('dev-sms templates per language', () => {
  const entries: OutboxEntry[] = [];
  const context: ConnectorContext = {
    fetch: globalThis.fetch,
    logger: { info() {}, warn() {} },
    outbox: { record: async (entry) => void entries.push(entry) },
  };
  const config = parseConnectorConfig(devSmsConnector, {
    templates: [
      ...['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
        usageType,
        content: `${usageType} {{code}}`,
      })),
      { usageType: 'SignIn', locale: 'zh-CN', content: '登录验证码 {{code}}' },
      { usageType: 'SignIn', locale: 'zh', content: '驗證碼 {{code}}' },
    ],
  });
  const sent = async (locale: string | undefined) => {
    await devSmsConnector.sendMessage(
      { to: '+12015550123', usage: 'SignIn', locale, payload: { code: '1234' } },
      config,
      context,
    );
    return entries.at(-1)?.text;
  };

  it('puts the text for the locale, then the base language, then the default in the outbox', async () => {
    expect(await sent('zh-CN')).toBe('登录验证码 1234');
    expect(await sent('zh-TW')).toBe('驗證碼 1234');
    expect(await sent('en-US')).toBe('SignIn 1234');
    expect(await sent(undefined)).toBe('SignIn 1234');
  });
});
