import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** The Applications pages (OpenID Connect clients), one admin's session from test to test. */
describeInChromium('admin console: applications', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav, expectLeavingIsGuarded } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let clientId = '';
  let secret = '';

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    // The browser context keeps the session cookie this sets.
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  /**
   * Whether the token endpoint accepts this client id and secret (client_secret_basic). A made-up
   * code tells them apart: a known client gets `invalid_grant`, wrong credentials `invalid_client`.
   */
  async function secretWorks(id: string, clientSecret: string): Promise<boolean> {
    const list = await passline.request('GET', '/api/applications');
    const discovery = await passline.request('GET', new URL(list.body.discoveryUrl).pathname);
    expect(discovery.status).toBe(200);
    const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const token = await passline.request('POST', new URL(discovery.body.token_endpoint).pathname, {
      key: null,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'grant_type=authorization_code&code=not-a-code&redirect_uri=https%3A%2F%2Fshop.example%2Fcallback',
    });
    if (token.body?.error === 'invalid_client') return false;
    expect(token.body?.error).toBe('invalid_grant');
    return true;
  }

  it('creates a web application and shows its client secret once', async () => {
    await nav().getByRole('link', { name: 'Applications' }).click();
    await heading('Applications').waitFor();
    await visible(page.getByText('No applications yet.'));

    await page.getByRole('button', { name: 'Create application' }).click();
    const form = page.getByRole('dialog', { name: 'Create application' });
    await visible(form);
    await form.getByLabel('Name').fill('Shop');
    const web = form.getByRole('radio', { name: /^Traditional web app/ });
    expect(await web.isChecked()).toBe(true);
    // Each type says what it means for the client's credentials.
    expect(await textOf(form.getByRole('group', { name: 'Application type' }))).toMatch(
      /Gets a client secret[\s\S]*PKCE \(S256\) is required/,
    );
    await form.getByLabel('Redirect URIs', { exact: true }).fill('https://shop.example/callback\n\n');
    await form.getByLabel(/^Post-logout redirect URIs/).fill('https://shop.example/');
    expect(await form.getByRole('checkbox', { name: 'First-party application' }).isChecked()).toBe(true);
    await shot('applications-create', false);
    await form.getByRole('button', { name: 'Create application' }).click();

    const created = page.getByRole('dialog', { name: 'Application created' });
    await visible(created);
    await form.waitFor({ state: 'hidden' });
    clientId = (await textOf(created.getByTestId('client-id'))).trim();
    secret = (await textOf(created.getByTestId('client-secret'))).trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await textOf(created)).toContain("Store the client secret now. It won't be shown again");
    await shot('applications-secret', false);

    const stored = await passline.request('GET', `/api/applications/${clientId}`);
    expect(stored.body).toMatchObject({
      name: 'Shop',
      type: 'web',
      redirectUris: ['https://shop.example/callback'],
      postLogoutRedirectUris: ['https://shop.example/'],
      firstParty: true,
      hasClientSecret: true,
    });
    expect(await secretWorks(clientId, secret)).toBe(true);

    await created.getByRole('button', { name: 'I have stored the secret' }).click();
    await created.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: clientId });
    await visible(row);
    expect(await textOf(row)).toMatch(/Shop\s+Traditional web app\s+app_\S+\s+First-party/);
    // Once closed, the secret is nowhere on the page.
    expect(await page.content()).not.toContain(secret);
    await shot('applications');
  });

  it('edits the redirect URIs, shows the server’s message for a wrong one, and guards unsaved edits', async () => {
    await page.getByRole('link', { name: 'Shop' }).click();
    await heading('Shop').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/applications/${clientId}`);

    const { discoveryUrl } = (await passline.request('GET', '/api/applications')).body;
    const snippet = await textOf(page.getByTestId('connect-snippet'));
    expect(snippet).toContain(`OIDC_DISCOVERY_URL=${discoveryUrl}`);
    expect(snippet).toContain(`OIDC_CLIENT_ID=${clientId}`);
    expect(snippet).not.toContain(secret);
    expect(await textOf(page.getByTestId('client-auth-note'))).toContain('client_secret_basic');

    const redirects = page.getByLabel('Redirect URIs', { exact: true });
    const twoUris = 'https://shop.example/callback\nhttps://shop.example/callback-2';
    await redirects.fill(twoUris);
    await visible(page.getByText('Unsaved changes'));
    await expectLeavingIsGuarded(/^\/console\/applications\/app_[^/]+$/, async () => {
      await visible(heading('Shop'));
      expect(await redirects.inputValue()).toBe(twoUris);
    });

    // The save sends only what changed.
    const patch = page.waitForRequest((request) => request.method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await patch).postDataJSON()).toEqual({
      redirectUris: ['https://shop.example/callback', 'https://shop.example/callback-2'],
    });
    await visible(page.getByRole('status').filter({ hasText: 'Saved.' }));
    expect((await passline.request('GET', `/api/applications/${clientId}`)).body.redirectUris).toEqual([
      'https://shop.example/callback',
      'https://shop.example/callback-2',
    ]);

    // A URI the server refuses: the page shows its message, which names the problem.
    const wrong = 'https://shop.example/callback#fragment';
    const refused = await passline.request('PATCH', `/api/applications/${clientId}`, {
      body: { redirectUris: [wrong] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('application.invalid');
    await redirects.fill(wrong);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not saved.' });
    await visible(alert);
    expect(await textOf(alert)).toContain(refused.body.error.message);
    await shot('application-invalid-uri');

    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await redirects.inputValue()).toBe('https://shop.example/callback\nhttps://shop.example/callback-2');
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
  });

  it('rotates the secret after a confirmation, showing the new one once', async () => {
    const rotate = page.getByRole('button', { name: 'Rotate secret' });
    const confirmation = page.getByRole('dialog', { name: 'Rotate the secret of “Shop”?' });
    await rotate.click();
    await visible(confirmation);
    await confirmation.getByRole('button', { name: 'Cancel' }).click();
    await confirmation.waitFor({ state: 'hidden' });
    expect(await secretWorks(clientId, secret)).toBe(true);

    await rotate.click();
    await confirmation.getByRole('button', { name: 'Rotate secret' }).click();
    const shown = page.getByRole('dialog', { name: 'New client secret' });
    await visible(shown);
    const rotated = (await textOf(shown.getByTestId('client-secret'))).trim();
    expect(rotated).not.toBe(secret);
    expect(rotated.length).toBeGreaterThanOrEqual(32);
    expect(await textOf(shown)).toContain("It won't be shown again");
    await shot('application-rotated-secret', false);
    expect(await secretWorks(clientId, secret)).toBe(false);
    expect(await secretWorks(clientId, rotated)).toBe(true);
    await shown.getByRole('button', { name: 'I have stored the secret' }).click();
    await shown.waitFor({ state: 'hidden' });
    expect(await page.content()).not.toContain(rotated);
    secret = rotated;
  });

  it('deletes the application after a confirmation', async () => {
    const confirmation = page.getByRole('dialog', { name: 'Delete “Shop”?' });
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await visible(confirmation);
    await confirmation.getByRole('button', { name: 'Cancel' }).click();
    await confirmation.waitFor({ state: 'hidden' });
    expect((await passline.request('GET', `/api/applications/${clientId}`)).status).toBe(200);

    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await confirmation.getByRole('button', { name: 'Delete' }).click();
    await heading('Applications').waitFor();
    await visible(page.getByText('No applications yet.'));
    expect((await passline.request('GET', `/api/applications/${clientId}`)).status).toBe(404);
    expect(await secretWorks(clientId, secret)).toBe(false);
  });

  it('creates a single-page app without a secret, and fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Create application' }).click();
    const form = page.getByRole('dialog', { name: 'Create application' });
    await form.getByLabel('Name').fill('Dashboard');
    await form.getByRole('radio', { name: /^Single-page app/ }).check();
    await form.getByLabel('Redirect URIs', { exact: true }).fill('https://dashboard.example/callback');
    await form.getByRole('checkbox', { name: 'First-party application' }).uncheck();
    await form.getByRole('button', { name: 'Create application' }).click();
    const created = page.getByRole('dialog', { name: 'Application created' });
    await visible(created);
    expect(await created.getByTestId('client-secret').count()).toBe(0);
    const spaId = (await textOf(created.getByTestId('client-id'))).trim();
    await created.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row').filter({ hasText: spaId });
    await eventually(() => textOf(row)).toMatch(/Dashboard\s+Single-page app\s+app_\S+\s+Third-party/);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    await shot('phone-applications', false);

    await page.getByRole('region', { name: 'Applications' }).getByRole('link', { name: 'Dashboard' }).click();
    await heading('Dashboard').waitFor();
    expect(await textOf(page.getByTestId('client-auth-note'))).toContain('PKCE with S256');
    expect(await textOf(page.getByTestId('connect-snippet'))).not.toContain('SECRET');
    expect(await page.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    await shot('phone-application-details');
    expect((await passline.request('GET', `/api/applications/${spaId}`)).body).toMatchObject({
      type: 'spa',
      firstParty: false,
      hasClientSecret: false,
    });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
