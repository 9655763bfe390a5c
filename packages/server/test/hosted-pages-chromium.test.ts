import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium, screenshotDir } from '../../../test/browser.ts';
import { manualClock, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { testConfig } from './engines.ts';
import { type CodeReader, codeReader } from './experience-helpers.ts';

describeInChromium('hosted sign-in pages', () => {
  let passline: TestPassline;
  let browser: Browser;
  let page: Page;
  let reader: CodeReader;
  let base = '';
  let dir = '';
  // The server's clock: the test moves it past the resend cooldown instead of waiting a minute.
  const clock = manualClock(Date.now());
  const phone = '+12015550142';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passline-hosted-'));
    passline = await startTestPassline(
      { engine: 'sqlite', config: testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir) },
      { clock },
    );
    await useDevSms(passline);
    reader = codeReader(passline);
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    // A phone-sized window: the pages must work on narrow screens.
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 760 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await passline?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `hosted-${name}.png`), fullPage: true });

  /** What a person does with a text message: copy it whole and paste it into the code field. */
  async function pasteMessage(text: string) {
    await page.locator('#code').focus();
    // A string, because this file is type-checked without the DOM library.
    await page.evaluate(`{
      const data = new DataTransfer();
      data.setData('text', ${JSON.stringify(text)});
      document.getElementById('code').dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }`);
  }

  it('registers, signs out, signs in with a code, resets the password, signs in with it and links a new number', async () => {
    // Register.
    await page.goto(`${base}/register`);
    await expect.poll(() => page.locator('#country').inputValue()).toBe('US');
    await shot('register');
    await page.getByLabel('Phone number').fill('(201) 555-0142');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    // The number, spaced for reading, said once.
    await expect.poll(() => page.locator('#code-target').textContent()).toBe('+1 201 555 0142');
    expect(await page.locator('#status').isHidden()).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a person reads it
    expect((await page.locator('main').innerText()).split('201 555 0142')).toHaveLength(2);
    expect(await page.locator('#resend').isDisabled()).toBe(true);
    expect(await page.locator('#resend').textContent()).toMatch(/^Resend code in \d+ s$/);

    const code = await reader.next(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('Verification code').fill(wrong);
    await expect.poll(() => page.locator('#error').textContent()).toBe('That code is not right. 4 tries left.');
    await shot('register-wrong-code');

    await page.getByLabel('Verification code').fill('');
    await pasteMessage(`Register code ${code}`);
    await page.locator('#password-step').waitFor({ state: 'visible' });
    await page.getByLabel('Choose a password (optional)').fill('first password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${base}/account`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(phone);
    await shot('account');

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/sign-in?signed-out`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('You are signed out.');
    await shot('sign-in');

    // Sign in with a code, typed as an international number and sent with the keyboard.
    clock.advance(61_000);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByLabel('Phone number').press('Enter');
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(phone));
    await page.waitForURL(`${base}/account`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(phone);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/sign-in?signed-out`);

    // Forgot password.
    clock.advance(61_000);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${base}/forgot-password`);
    await shot('forgot-password');
    await page.getByLabel('Phone number').fill('201 555 0142');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await pasteMessage(`Reset code ${await reader.next(phone)}`);
    await page.locator('#password-step').waitFor({ state: 'visible' });
    await page.getByLabel('New password').fill('second password');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.locator('#done').waitFor({ state: 'visible' });
    await shot('forgot-password-done');

    // Sign in with the new password.
    await page.locator('#done').getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a password instead' }).click();
    await page.getByLabel('Phone number').fill('2015550142');
    await page.getByLabel('Password', { exact: true }).fill('first password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('#error').textContent()).toBe('The phone number or the password is wrong.');
    await page.getByLabel('Password', { exact: true }).fill('second password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${base}/account`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(phone);

    // Link another number to the account.
    const newPhone = '+12015550199';
    await page.getByRole('button', { name: 'Change phone number' }).click();
    await page.getByLabel('Phone number').fill('201 555 0199');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await shot('account-link-code');
    await pasteMessage(`Generic code ${await reader.next(newPhone)}`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(newPhone);
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe(`Your phone number is now ${newPhone}. Your other devices were signed out.`);
    await page.reload();
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(newPhone);
  });

  it('says when to ask again, and counts down, when a code was sent moments ago', async () => {
    clock.advance(61_000);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Phone number').fill('2015550199');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    // A second tab, or a reload, asks again within the cooldown: the server answers 429 with Retry-After.
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Phone number').fill('2015550199');
    await page.getByRole('button', { name: 'Send code' }).click();
    await expect
      .poll(() => page.locator('#error').textContent())
      .toMatch(/^A code was just sent to this number\. You can ask for a new one in \d+ s\.$/);
    expect(await page.locator('#phone-submit').isDisabled()).toBe(true);
    expect(await page.locator('#phone-submit').textContent()).toMatch(/^Send code in \d+ s$/);
    await shot('sign-in-cooldown');
  });

  it('asks a session kept alive by refreshes to confirm it is you before changing the number', async () => {
    const current = '+12015550199';
    // The sign-in of the first test is long past; the page refreshes its expired access token.
    clock.advance(16 * 60_000);
    await page.goto(`${base}/account`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe(current);

    // With a code to the current number.
    await page.getByRole('button', { name: 'Change phone number' }).click();
    await page.getByLabel('Phone number').fill('201 555 0177');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#lead').textContent()).toMatch(/^For your security, first confirm it is you/);
    await expect.poll(() => page.locator('#code-target').textContent()).toBe('+1 201 555 0199');
    await shot('account-reauthenticate');
    await pasteMessage(`SignIn code ${await reader.next(current)}`);
    await expect.poll(() => page.locator('#code-target').textContent()).toBe('+1 201 555 0177');
    await pasteMessage(`Generic code ${await reader.next('+12015550177')}`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe('+12015550177');

    // With the password, after the re-authentication went stale too.
    clock.advance(16 * 60_000);
    await page.getByRole('button', { name: 'Change phone number' }).click();
    await page.getByLabel('Phone number').fill('201 555 0188');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('button', { name: 'Confirm with your password instead' }).click();
    await page.getByLabel('Your password').fill('second password');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.locator('#code-target').textContent()).toBe('+1 201 555 0188');
    await pasteMessage(`Generic code ${await reader.next('+12015550188')}`);
    await expect.poll(() => page.getByTestId('account-phone').textContent()).toBe('+12015550188');
  });

  it('checks a wrong code once: Enter and Continue on the same digits spend no second attempt', async () => {
    clock.advance(61_000);
    const fresh = '+12015550166';
    await page.goto(`${base}/register`);
    await page.getByLabel('Phone number').fill('201 555 0166');
    const sent = page.waitForResponse((response) => response.url().endsWith('/api/experience/verification-code'));
    await page.getByRole('button', { name: 'Send code' }).click();
    const { verificationId } = (await (await sent).json()) as { verificationId: string };
    await page.locator('#code-step').waitFor({ state: 'visible' });
    const checks: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/experience/verification-code/verify')) checks.push(request.method());
    });

    const code = await reader.next(fresh);
    const [wrong = '', other = ''] = ['000000', '111111', '222222'].filter((candidate) => candidate !== code);
    // Typed digit by digit: the full length submits it.
    await page.getByLabel('Verification code').pressSequentially(wrong);
    await expect.poll(() => page.locator('#error').textContent()).toBe('That code is not right. 4 tries left.');
    await page.getByLabel('Verification code').press('Enter');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('#code-step').getAttribute('aria-busy')).toBeNull();
    expect(checks).toEqual(['POST']);
    expect(await page.locator('#error').textContent()).toBe('That code is not right. 4 tries left.');

    // The server agrees: one attempt of five was spent, so the next wrong code leaves three.
    const probe = await passline.request('POST', '/api/experience/verification-code/verify', {
      key: null,
      body: { verificationId, code: other },
    });
    expect(probe.body.error.details.remainingAttempts).toBe(3);
  });
});
