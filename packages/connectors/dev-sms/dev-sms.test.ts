import {
  type ConnectorContext,
  type ConnectorError,
  type OutboxEntry,
  parseConnectorConfig,
  type SendMessageInput,
} from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { devSmsConnector } from './index.ts';

function outboxContext() {
  const entries: OutboxEntry[] = [];
  const context: ConnectorContext = {
    fetch: globalThis.fetch,
    logger: { info() {}, warn() {} },
    outbox: { record: async (entry) => void entries.push(entry) },
  };
  return { entries, context };
}

async function sendWith(config: unknown, input: Omit<SendMessageInput, 'to'>): Promise<string | undefined> {
  const { entries, context } = outboxContext();
  await devSmsConnector.sendMessage(
    { to: '+12015550123', ...input },
    parseConnectorConfig(devSmsConnector, config),
    context,
  );
  return entries.at(-1)?.text;
}

function refusal(config: unknown): ConnectorError {
  try {
    parseConnectorConfig(devSmsConnector, config);
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error('config was accepted');
}

describe('dev-sms', () => {
  it('states the real validity of the code in its default templates', async () => {
    const text = await sendWith({}, { usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } });
    expect(text).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('sends the PhoneChanged notice: the default text, or its own template, never Generic', async () => {
    const notice = "The phone number on your account was changed. If this wasn't you, contact support.";
    expect(await sendWith({}, { usage: 'PhoneChanged', payload: {} })).toBe(notice);
    const saved = {
      templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
        usageType,
        content: `${usageType} {{code}}`,
      })),
    };
    // A config saved before the notice existed stays valid and sends the default text.
    expect(await sendWith(saved, { usage: 'PhoneChanged', payload: {} })).toBe(notice);
    const own = { usageType: 'PhoneChanged', content: 'Your number was changed.' };
    expect(await sendWith({ templates: [...saved.templates, own] }, { usage: 'PhoneChanged', payload: {} })).toBe(
      'Your number was changed.',
    );
  });

  it('refuses a template with a variable Passline never fills, at the path of that text', () => {
    const error = refusal({
      templates: [
        { usageType: 'Register', content: 'R {{code}}' },
        { usageType: 'SignIn', content: 'Hello {{name}}, your code is {{code}}' },
        { usageType: 'ForgotPassword', content: 'F {{code}}' },
        { usageType: 'Generic', content: 'G {{code}}' },
      ],
    });
    expect(error.kind).toBe('invalid_config');
    expect(error.issues).toEqual([
      {
        path: 'templates.1.content',
        message:
          'the "SignIn" template uses {{name}}, which Passline does not fill; a template can use {{code}} and {{expiresInMinutes}}',
      },
    ]);
  });
});
