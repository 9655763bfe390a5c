import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../examples/oidc-web-app/app.mjs';
import { describeInChromium, launchChromium, screenshotDir } from '../../../test/browser.ts';
import { manualClock, type TestPassline } from './app.ts';
import type { CodeReader } from './experience-helpers.ts';
import { freePort, startOidcPassline } from './oidc-test-app.ts';

// The example docs/oidc.md walks through (examples/oidc-web-app), run as documented: its own
// Fastify server, a web application registered in Passline, and a real browser signing in.

describeInChromium('docs/oidc.md: the example web app signs a user in and out with Passline', () => {
  let passline: TestPassline;
  let example: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let reader: CodeReader;
  let appUrl = '';
  let stop: () => Promise<void> = async () => undefined;
  const clock = manualClock(Date.now());
  const phone = '+12015550188';

  beforeAll(async () => {
    const started = await startOidcPassline(clock);
    ({ passline, reader, close: stop } = started);
    const { issuer } = started;

    // As the example's README says: a web application with its callback and its home page.
    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    const created = await passline.request('POST', '/api/applications', {
      body: {
        name: 'Example app',
        type: 'web',
        redirectUris: [`${appUrl}/callback`],
        postLogoutRedirectUris: [`${appUrl}/`],
      },
    });
    expect(created.status).toBe(201);
    const { id, clientSecret } = created.body as { id: string; clientSecret: string };
    example = await buildApp({ issuer, clientId: id, clientSecret, appUrl });
    await example.listen({ port: appPort, host: '127.0.0.1' });

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 760 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await example?.close();
    await stop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(screenshotDir, `oidc-example-${name}.png`), fullPage: true });
  const status = () => page.locator('#status').textContent();
  const applicationSessions = async () => {
    const found = await passline.request('GET', `/api/users?search=${encodeURIComponent(phone)}`);
    const userId = (found.body as { items: Array<{ id: string }> }).items[0]?.id;
    if (!userId) throw new Error('no user');
    const user = await passline.request('GET', `/api/users/${userId}`);
    return (user.body as { sessions: Array<{ kind: string; application: { name: string } | null }> }).sessions.filter(
      (session) => session.kind === 'application',
    );
  };

  async function signInAtPassline(): Promise<void> {
    await page.waitForURL(/\/interaction\//);
    await expect.poll(() => page.locator('#lead').textContent()).toBe('Sign in to continue to Example app.');
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(phone));
  }

  it('signs in with a phone code and shows the number from the ID token', async () => {
    await page.goto(appUrl);
    await expect.poll(status).toBe('You are not signed in.');
    await page.getByRole('link', { name: 'Sign in with your phone' }).click();
    await signInAtPassline();
    // A first-party application: no consent screen, straight back to the app's home page.
    await page.waitForURL(`${appUrl}/`);
    await expect.poll(() => page.locator('#phone').textContent()).toBe(phone);
    await shot('signed-in');
    expect(await applicationSessions()).toEqual([
      expect.objectContaining({ application: expect.objectContaining({ name: 'Example app' }) }),
    ]);

    // The session lives in the app: a reload is still signed in.
    await page.reload();
    await expect.poll(() => page.locator('#phone').textContent()).toBe(phone);
  });

  it('signs out of the app and of Passline, which ends the grant', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/oidc\/session\/end/);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${appUrl}/`);
    await expect.poll(status).toBe('You are not signed in.');
    // Without offline_access the grant ends with the Passline session.
    expect(await applicationSessions()).toEqual([]);

    // Signed out of Passline too: the next sign-in asks for the phone again.
    await page.getByRole('link', { name: 'Sign in with your phone' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('#phone-step').waitFor({ state: 'visible' });
  });

  it('Cancel on Passline’s page comes back as access_denied, and a stray callback is refused', async () => {
    await page.getByRole('button', { name: 'Cancel and go back to the app' }).click();
    await page.waitForURL(`${appUrl}/callback?*`);
    await expect.poll(status).toBe('Sign-in cancelled.');
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');

    // A callback this browser did not start (no pending sign-in behind its cookie).
    const stray = await fetch(`${appUrl}/callback?code=x&state=y`);
    expect(stray.status).toBe(400);
    expect(await stray.text()).toContain('This sign-in has expired or began in another browser.');
  });
});
