import { parseConnectorConfig } from '@passline/connector-kit';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { sinchSmsConnector } from './index.ts';
import { context, rawConfig, templates } from './test-helpers.ts';

describe('sinch-sms templates per language, against the provider simulator', () => {
  const simulator = useProviderSimulator();
  const to = '+5511987654321';
  const localised = [
    ...templates,
    { usageType: 'SignIn', locale: 'pt-br', content: 'Código de acesso: {{code}}' },
    { usageType: 'Generic', locale: 'pt', content: 'O seu código é {{code}}' },
  ];

  const sentText = async (usage: string, locale: string | undefined) => {
    const config = parseConnectorConfig(sinchSmsConnector, rawConfig(simulator, { templates: localised }));
    await sinchSmsConnector.sendMessage({ to, usage, locale, payload: { code: '482913' } }, config, context);
    return simulator.messages({ provider: 'sinch', to }).at(-1)?.text;
  };

  it("sends the text in the recipient's language, its base language, or the text without a locale", async () => {
    expect(await sentText('SignIn', 'PT-br')).toBe('Código de acesso: 482913');
    expect(await sentText('SignIn', 'fr-FR')).toBe('Sign-in code: 482913');
    expect(await sentText('MfaVerification', 'pt-PT')).toBe('O seu código é 482913');
    expect(await sentText('MfaVerification', undefined)).toBe('Your code is 482913');
  });
});
