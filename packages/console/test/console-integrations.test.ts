import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { sendSmsPayload, signedHookCall } from '../../server/test/integrations-helpers.ts';
import { password, textOf, useConsoleSession, visible } from './console-session.ts';

/**
 * The Integrations page against the real server: the URLs to paste into Logto and Supabase, and
 * the Supabase hook secret set, checked, replaced and removed, never shown back.
 */
describeInChromium('admin console: integrations (Logto, Supabase Auth)', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  const secret = `v1,whsec_${randomBytes(32).toString('base64')}`;
  const secretPart = secret.slice('v1,whsec_'.length);

  const secretState = () => page.getByTestId('supabase-secret-state');
  const secretInput = () => page.getByLabel(/hook secret/i);
  const hookAnswer = async () => {
    const call = signedHookCall(secret, sendSmsPayload('+14155550182', '424242'));
    return passline.request('POST', '/api/integrations/supabase/send-sms', {
      key: null,
      rawBody: call.rawBody,
      headers: call.headers,
    });
  };

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    await passline.request('POST', '/api/connectors', { body: { factoryId: 'dev-sms', config: {} } });
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  it('shows what to paste into Logto and Supabase', async () => {
    await nav().getByRole('link', { name: 'Integrations' }).click();
    await heading('Integrations').waitFor();
    expect(await textOf(page.getByTestId('logto-endpoint'))).toMatch(/^http:\/\/.+\/api\/integrations\/logto\/sms$/);
    expect(await textOf(page.getByTestId('supabase-endpoint'))).toMatch(
      /^http:\/\/.+\/api\/integrations\/supabase\/send-sms$/,
    );
    const logto = page.getByRole('region', { name: /Logto/ });
    expect(await textOf(logto)).toContain('relay');
    expect(await textOf(logto)).toContain('Bearer <your relay key>');
    expect(await textOf(secretState())).toContain('No hook secret is set');
    await shot('integrations');
  });

  it('checks the secret before saving it, then never shows it again', async () => {
    await secretInput().fill('not a secret');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await visible(page.getByText('Paste the secret Supabase shows'));
    expect(await secretInput().getAttribute('aria-invalid')).toBe('true');
    expect((await passline.request('GET', '/api/settings/integrations')).body.supabase.hookSecretSet).toBe(false);

    await secretInput().fill(secret);
    await page.getByRole('button', { name: 'Save secret' }).click();
    await visible(page.getByText(/Saved\. Supabase can now send/));
    expect(await textOf(secretState())).toContain('A hook secret is set');
    expect(await secretInput().inputValue()).toBe('');
    expect((await hookAnswer()).body).toEqual({});

    await page.reload();
    await heading('Integrations').waitFor();
    expect(await textOf(secretState())).toContain('A hook secret is set');
    expect(await page.content()).not.toContain(secretPart);
    await shot('integrations-secret-set');
  });

  it('removes the secret after asking, and Supabase calls are refused again', async () => {
    await page.getByRole('button', { name: 'Remove secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the hook secret?' });
    await visible(dialog);
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await visible(page.getByText(/Removed\. The Send SMS hook is refused/));
    expect(await textOf(secretState())).toContain('No hook secret is set');
    const refused = await hookAnswer();
    expect([refused.status, refused.body.error.code]).toEqual([503, 'integration.not_configured']);
  });
});
