import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** What an authenticator app shows for `secret`, `offsetMs` from now (otpauth, as the app computes it). */
const codeFor = (secret: string, offsetMs = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetMs });

/** Two-factor sign-in in the console: enrol on Account security, then sign in with a code. */
describeInChromium('admin console: two-factor sign-in', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let secret = '';

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
  }

  async function enterPassword(username: string) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('enrols from Account security: QR code, secret as text, then ten recovery codes once', async () => {
    await nav().getByRole('link', { name: 'Account security' }).click();
    await heading('Account security').waitFor();
    await visible(page.getByText('Off.'));
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const secretText = page.getByTestId('totp-secret');
    await visible(secretText);
    secret = (await textOf(secretText)).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await visible(page.getByRole('img', { name: 'QR code for your authenticator app' }));
    await page.getByText('Setup link (otpauth://)').click();
    await visible(page.getByText(/^otpauth:\/\/totp\/Passline:ada\?/));
    await shot('two-factor-enrol');

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await visible(page.getByText('The code is wrong, expired or already used'));
    await page.getByLabel('Code from the app').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await visible(codes.first());
    expect(await codes.count()).toBe(10);
    await visible(page.getByText('10 of 10 recovery codes left'));
    await shot('two-factor-recovery-codes');
    expect((await passline.request('GET', '/api/audit-log?action=admin.two_factor_enable')).body.items).toHaveLength(1);
  });

  it('signs in with the password, then the code from the app', async () => {
    await signOut();
    await enterPassword('ada');
    await heading('Two-factor sign-in').waitFor();
    await shot('two-factor-sign-in');
    await page.getByLabel('Authentication code').fill('123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page.getByText('The code is wrong, expired or already used'));
    // The next step's code: accepted even right after enrolment used the current one.
    await page.getByLabel('Authentication code').fill(codeFor(secret, 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(nav());
    await visible(page.getByText('Signed in as ada'));
  });

  it('requires it for every admin: a new admin sets it up right after the password', async () => {
    await nav().getByRole('link', { name: 'Account security' }).click();
    await heading('Account security').waitFor();
    const requireAll = page.getByLabel('Require two-factor sign-in for every admin');
    await requireAll.check();
    await expect
      .poll(async () => (await passline.request('GET', '/api/admin/security-settings')).body.requireTwoFactor)
      .toBe(true);
    await visible(page.getByRole('button', { name: 'Turn off' }));
    expect(await page.getByRole('button', { name: 'Turn off' }).isDisabled()).toBe(true);
    await shot('two-factor-account-security');

    await passline.adminAuth.createAdmin({ username: 'bob', password });
    await signOut();
    await enterPassword('bob');
    await heading('Set up two-factor sign-in').waitFor();
    const secretText = page.getByTestId('totp-secret');
    await visible(secretText);
    const bobSecret = (await textOf(secretText)).trim();
    await shot('two-factor-required-enrolment');
    await page.getByLabel('Code from the app').fill(codeFor(bobSecret));
    await page.getByRole('button', { name: 'Turn on and sign in' }).click();
    await visible(page.getByTestId('recovery-codes'));
    expect(await page.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
    await page.getByRole('button', { name: /I have stored them/ }).click();
    await visible(page.getByText('Signed in as bob'));
  });

  it('turns it off with the password once it is no longer required', async () => {
    await nav().getByRole('link', { name: 'Account security' }).click();
    await heading('Account security').waitFor();
    await page.getByLabel('Require two-factor sign-in for every admin').uncheck();
    await eventually(() => page.getByRole('button', { name: 'Turn off' }).isEnabled()).toBe(true);
    await page.getByLabel('Current code or password').fill('not my password');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await visible(page.getByText('The username or password is wrong.'));
    await page.getByLabel('Current code or password').fill(password);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await visible(page.getByText('Off.'));
    expect((await passline.request('GET', '/api/admin/security-settings')).body.requireTwoFactor).toBe(false);
  });
});
