import type { ProviderSimulator } from '@passline/provider-simulator';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { eventually, password, phone, textOf, useConsoleSession, visible } from './console-session.ts';

/** The console's other pages, and how it fits small screens, one admin's session from test to test. */
describeInChromium('admin console: settings, messages, API keys, dev outbox and small screens', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav, leaveGuard, expectLeavingIsGuarded } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let twilioId = '';

  /**
   * Through the API, what the connector suite (console-connectors.test.ts) leaves behind for the
   * Messages page: an admin signed in; a Twilio test of unsaved settings; a saved Twilio connector
   * with one refused and one sent test; Aliyun, inactive; and the Twilio connector deleted.
   */
  beforeAll(async () => {
    let simulator: ProviderSimulator;
    let setupToken: string;
    ({ simulator, passline, page, base, setupToken } = session.current());
    // The browser context keeps the session cookie this sets.
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);

    const twilioConfig = {
      accountSID: simulator.credentials.twilio.accountSid,
      authToken: simulator.credentials.twilio.authToken,
      from: '+15005550006',
      endpoint: simulator.url,
    };
    const testSend = (connectorId?: string) =>
      passline.request('POST', '/api/connector-factories/twilio-sms/test', {
        body: { to: phone, config: twilioConfig, ...(connectorId ? { connectorId } : {}) },
      });
    expect((await testSend()).status).toBe(200);
    const twilio = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'twilio-sms', config: twilioConfig },
    });
    expect(twilio.status).toBe(201);
    twilioId = twilio.body.id;
    simulator.failNext('twilio', 'rejected');
    expect((await testSend(twilioId)).status).toBe(502);
    const aliyun = await passline.request('POST', '/api/connectors', {
      body: {
        factoryId: 'aliyun-sms',
        config: {
          accessKeyId: simulator.credentials.aliyun.accessKeyId,
          accessKeySecret: simulator.credentials.aliyun.accessKeySecret,
          signName: 'Passline',
          endpoint: simulator.url,
          templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType, index) => ({
            usageType,
            templateCode: `SMS_10000000${index}`,
          })),
        },
      },
    });
    expect(aliyun.status).toBe(201);
    expect((await passline.request('POST', `/api/connectors/${twilioId}/activate`)).status).toBe(200);
    expect((await testSend(twilioId)).status).toBe(200);
    expect((await passline.request('DELETE', `/api/connectors/${twilioId}`)).status).toBe(204);

    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  it('shows verification settings, messages, API keys, sign-in experience and the dev outbox', async () => {
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(twilioId).toMatch(/^con_/);

    await nav.getByRole('link', { name: 'Verification settings' }).click();
    await heading('Verification settings').waitFor();
    await page.getByLabel('Code length').fill('12');
    await visible(page.getByText('Code length must be between 4 and 10 digits.'));
    await page.getByLabel('Code length').fill('8');
    await expectLeavingIsGuarded(/\/console\/verification$/, async () => {
      await visible(heading('Verification settings'));
      expect(await page.getByLabel('Code length').inputValue()).toBe('8');
    });

    // Another admin changes a setting meanwhile: the save names only the code length, keeps their
    // value, and the page shows what the server saved.
    const other = await passline.request('PATCH', '/api/settings/verification', { body: { ipHourlyLimit: 77 } });
    expect(other.status).toBe(200);
    const patch = page.waitForRequest(
      (request) => request.method() === 'PATCH' && request.url().endsWith('/api/settings/verification'),
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect((await patch).postDataJSON()).toEqual({ codeLength: 8 });
    await eventually(() => textOf(page.getByRole('status'))).toContain('Saved.');
    expect((await passline.request('GET', '/api/settings/verification')).body).toMatchObject({
      codeLength: 8,
      ipHourlyLimit: 77,
    });
    await eventually(() => page.getByLabel('Codes per IP address per hour').inputValue()).toBe('77');
    await shot('verification-settings');

    // Leaving after a confirmation drops the edit: the back button goes where it was pressed for.
    await page.getByLabel('Attempt limit').fill('3');
    await page.goBack();
    await leaveGuard().getByRole('button', { name: 'Leave without saving' }).click();
    await heading('Connectors').waitFor();
    expect((await passline.request('GET', '/api/settings/verification')).body.maxAttempts).not.toBe(3);

    await nav.getByRole('link', { name: 'Messages' }).click();
    await heading('Messages').waitFor();
    const refused = page.getByRole('cell', { name: /Attempt to send to unsubscribed recipient/ });
    await visible(refused);
    await eventually(() => textOf(refused)).toMatch(/\(code 21610\)\s*Request id RQ[0-9a-f]{32}/);
    await page.getByLabel('Status').selectOption('failed');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    await shot('messages');

    // Twilio was deleted; its messages and its place in the filter stay, named as in the table.
    await page.getByLabel('Status').selectOption('');
    const twilioLabel = new RegExp(`^Twilio SMS \\(${twilioId.slice(0, 12)}…, deleted\\)$`);
    const connectorFilter = page.getByLabel('Connector');
    const option = connectorFilter.locator('option').filter({ hasText: twilioLabel });
    await eventually(() => option.count()).toBe(1);
    await connectorFilter.selectOption(twilioId);
    const connectorCells = page.locator('tbody tr td:nth-child(4)');
    await eventually(() => connectorCells.count()).toBe(2);
    for (const cell of await connectorCells.all()) expect(await textOf(cell)).toMatch(twilioLabel);
    await connectorFilter.selectOption('');
    await visible(page.getByRole('cell', { name: 'Twilio SMS (test of unsaved settings)' }));
    await shot('messages-connectors');

    await nav.getByRole('link', { name: 'API keys' }).click();
    await heading('API keys').waitFor();
    await page.getByLabel('Name').fill('backend');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await textOf(page.getByTestId('new-key').locator('code').first())).trim();
    expect((await passline.request('GET', '/api/connectors', { key })).status).toBe(403);
    await shot('api-keys');

    await nav.getByRole('link', { name: 'Sign-in experience' }).click();
    await heading('Sign-in experience').waitFor();
    const supported = (await passline.request('GET', '/api/settings/sign-in-experience')).status === 200;
    if (supported) {
      const toggle = page.getByRole('switch', { name: 'Sign in with an SMS code' });
      const before = await toggle.isChecked();
      await toggle.click();
      await eventually(() => textOf(page.getByRole('status'))).toContain('Saved.');
      expect((await passline.request('GET', '/api/settings/sign-in-experience')).body.phoneSignIn).toBe(!before);
    } else {
      // The endpoint is being built in parallel: the page says so instead of failing silently.
      await eventually(() => textOf(page.getByRole('alert'))).toContain(
        'does not offer sign-in experience settings yet',
      );
    }
    await shot('sign-in-experience');

    // dev-sms active → the Dev outbox appears in the navigation.
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: {} },
    });
    expect(created.status).toBe(201);
    await passline.request('POST', '/api/verifications', {
      key: passline.verifyKey,
      body: { to: phone, usage: 'SignIn' },
    });
    await page.reload();
    await nav.getByRole('link', { name: 'Connectors' }).click();
    await page.getByTestId('sms-row').getByRole('link', { name: 'Development SMS' }).click();
    await heading('Development SMS').waitFor();
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.getByTestId('test-outcome');
    await eventually(() => textOf(sent)).toContain('Test SMS sent to');
    await shot('dev-sms-test-sent');
    await sent.getByRole('link', { name: 'Dev outbox' }).click();
    await heading('Dev outbox').waitFor();
    await eventually(() => page.locator('tbody tr').count()).toBe(2);
    await shot('dev-outbox');
  });

  it('fits a narrow window and works with the keyboard', async () => {
    const devSms = (await passline.request('GET', '/api/connectors')).body.find(
      (connector: { factoryId: string }) => connector.factoryId === 'dev-sms',
    );
    expect((await passline.request('DELETE', `/api/connectors/${devSms.id}`)).status).toBe(204);
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('connectors-narrow');

    // Keyboard only: Tab to "Set up", Enter opens the dialog, Escape closes it. A new page first
    // moves focus to its heading; wait for that, or it may take the focus back from the button.
    await eventually(() => page.evaluate<string>('document.activeElement.tagName')).toBe('H1');
    await page.getByTestId('sms-row').getByRole('button', { name: 'Set up' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Set up an SMS connector' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.goto(`${base}/console/connectors/setup/twilio-sms`);
    await heading('Set up Twilio SMS').waitFor();
    const guideOverflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(guideOverflow).toBeLessThanOrEqual(0);
    await shot('setup-guide-narrow');
  });

  it('starts the page near the top on a phone-sized screen, the navigation one row that scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/console/connectors', '/console/messages', '/console/verification']) {
      await page.goto(`${base}${path}`);
      await visible(page.locator('main h1'));
      const mainTop = (await page.locator('main').boundingBox())?.y ?? Number.POSITIVE_INFINITY;
      // The top bar and one row of navigation: about 90 px.
      expect(mainTop, path).toBeLessThan(120);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), path).toBe(0);
      await shot(`phone${path.replaceAll('/', '-')}`, false);
    }
    // Every section stays reachable: the last link scrolls into view and works.
    const last = nav().getByRole('link', { name: 'API keys' });
    await last.scrollIntoViewIfNeeded();
    await last.click();
    await heading('API keys').waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('has a favicon on the console and on the hosted pages', async () => {
    for (const path of ['/console/connectors', '/sign-in']) {
      await page.goto(`${base}${path}`);
      // A string: this file is type-checked without the DOM library.
      const icon = await page.evaluate<{ href: string; status: number; type: string | null }>(`(async () => {
        const link = document.querySelector('link[rel="icon"]');
        const response = await fetch(link ? link.href : '/missing', { credentials: 'omit' });
        return { href: link ? link.href : '', status: response.status, type: response.headers.get('content-type') };
      })()`);
      expect(icon, path).toEqual({
        href: `${base}/favicon.svg`,
        status: 200,
        type: expect.stringMatching(/^image\/svg\+xml/),
      });
    }
  });
});
