import { parseConnectorConfig } from '@passline/connector-kit';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { twilioSmsConnector } from './index.ts';
import { context, rawConfig, templates } from './test-helpers.ts';

describe('twilio-sms templates per language, against the provider simulator', () => {
  const simulator = useProviderSimulator();
  const to = '+14155550123';
  const localised = [
    ...templates,
    { usageType: 'SignIn', locale: 'pt-br', content: 'Código de acesso: {{code}}' },
    { usageType: 'Generic', locale: 'pt', content: 'O seu código é {{code}}' },
  ];

  const sentText = async (usage: string, locale: string | undefined, extra: Record<string, unknown> = {}) => {
    const config = parseConnectorConfig(twilioSmsConnector, rawConfig(simulator, { templates: localised, ...extra }));
    await twilioSmsConnector.sendMessage({ to, usage, locale, payload: { code: '482913' } }, config, context);
    return simulator.messages({ provider: 'twilio', to }).at(-1)?.text;
  };

  it("sends the text in the recipient's language, its base language, or the text without a locale", async () => {
    expect(await sentText('SignIn', 'pt-BR')).toBe('Código de acesso: 482913');
    // The tag was saved canonical (pt-BR) and is matched whatever its case in the request.
    expect(await sentText('SignIn', 'PT-br')).toBe('Código de acesso: 482913');
    expect(await sentText('SignIn', 'fr-FR')).toBe('Sign-in code: 482913');
    expect(await sentText('SignIn', undefined)).toBe('Sign-in code: 482913');
    // A usage without its own template takes Generic, in the language when there is one.
    expect(await sentText('MfaVerification', 'pt-PT')).toBe('O seu código é 482913');
    expect(await sentText('MfaVerification', 'en')).toBe('Your code is 482913');
  });

  it('keeps the default notice text for a language without a PhoneChanged template', async () => {
    const notice = { usageType: 'PhoneChanged', locale: 'pt', content: 'O seu número foi alterado.' };
    expect(await sentText('PhoneChanged', 'pt-BR', { templates: [...localised, notice] })).toBe(
      'O seu número foi alterado.',
    );
    expect(await sentText('PhoneChanged', 'de', { templates: [...localised, notice] })).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
  });
});
