import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium, screenshotDir } from '../../../test/browser.ts';
import { manualClock, type TestPassline } from './app.ts';
import type { CodeReader } from './experience-helpers.ts';
import { type RelyingParty, startRelyingParty } from './oidc-relying-party.ts';
import { startOidcPassline } from './oidc-test-app.ts';

describeInChromium('OpenID Connect: an openid-client application signs users in with a phone code', () => {
  let passline: TestPassline;
  let rp: RelyingParty;
  let browser: Browser;
  let page: Page;
  let reader: CodeReader;
  let issuer = '';
  let stop: () => Promise<void> = async () => undefined;
  const clock = manualClock(Date.now());
  const phone = '+12015550177';
  const apps: Record<string, { id: string; secret?: string; config: client.Configuration }> = {};

  beforeAll(async () => {
    ({ passline, reader, issuer, close: stop } = await startOidcPassline(clock));
    rp = await startRelyingParty();

    for (const [name, type, firstParty] of [
      ['web', 'web', true],
      ['spa', 'spa', false],
    ] as const) {
      const created = await passline.request('POST', '/api/applications', {
        body: {
          name: name === 'web' ? 'Acme Web' : 'Partner SPA',
          type,
          firstParty,
          redirectUris: [rp.redirectUri],
          postLogoutRedirectUris: [rp.postLogoutRedirectUri],
        },
      });
      expect(created.status).toBe(201);
      const { id, clientSecret } = created.body as { id: string; clientSecret?: string };
      expect(clientSecret !== undefined).toBe(type === 'web');
      const config = await client.discovery(
        new URL(issuer),
        id,
        undefined,
        clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      apps[name] = { id, secret: clientSecret, config };
      rp.use(name, config);
    }

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 760 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await stop();
  });

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `oidc-${name}.png`), fullPage: true });
  const appMessage = () => page.locator('#app-message').textContent();

  it('discovery names the issuer, the S256-only PKCE and the phone scope', async () => {
    const metadata = apps.web?.config.serverMetadata();
    expect(metadata?.issuer).toBe(issuer);
    expect(metadata?.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
    expect(metadata?.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata?.scopes_supported).toEqual(expect.arrayContaining(['openid', 'phone', 'offline_access']));
    expect(metadata?.id_token_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('signs in through the hosted page, exchanges the code, verifies the ID token, reads userinfo, refreshes and signs out', async () => {
    await page.goto(`${rp.base}/login?app=web`);
    await page.waitForURL(/\/interaction\//);
    await expect.poll(() => page.locator('#lead').textContent()).toBe('Sign in to continue to Acme Web.');
    await shot('sign-in');
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(phone));
    // First party: no consent screen, straight back to the application.
    await page.waitForURL(`${rp.redirectUri}?*`);
    await expect.poll(appMessage).toBe(`Signed in as ${phone}`);
    const tokens = rp.signIns.get('web')?.tokens;
    if (!tokens?.id_token || !tokens.refresh_token) throw new Error('no tokens');

    // The ID token, checked against the published keys as any other library would.
    const { payload, protectedHeader } = await jwtVerify(
      tokens.id_token,
      createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
      { issuer, audience: apps.web?.id, currentDate: new Date(clock.now()) },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ phone_number: phone, phone_number_verified: true });
    const sub = String(payload.sub);
    expect(sub).toMatch(/^usr_/);

    const config = apps.web?.config as client.Configuration;
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
    expect(userinfo).toEqual({ sub, phone_number: phone, phone_number_verified: true });

    // Refresh: the refresh token rotates; presenting the old one again revokes the whole grant.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // RP-initiated logout: Passline asks, then returns to the application.
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: rp.postLogoutRedirectUri,
    });
    await page.goto(logout.href);
    await shot('logout');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(rp.postLogoutRedirectUri);
    await expect.poll(appMessage).toBe('Signed out of the app');
    // Signed out: the next authorization asks for the phone again.
    await page.goto(`${rp.base}/login?app=web`);
    await page.waitForURL(/\/interaction\//);
    await page.locator('#phone-step').waitFor({ state: 'visible' });
  });

  it('a third-party single-page app gets a consent screen, and a public client must use PKCE', async () => {
    clock.advance(61_000);
    await page.goto(`${rp.base}/login?app=spa`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(phone));
    await page.locator('#consent').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#consent-scopes').textContent()).toContain('See your phone number');
    await shot('consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rp.redirectUri}?*`);
    await expect.poll(appMessage).toBe(`Signed in as ${phone}`);
    expect(rp.signIns.get('spa')?.tokens.refresh_token).toBeTruthy();

    // Without a code challenge, a public client's request goes back with an error, not a code.
    const config = apps.spa?.config as client.Configuration;
    const bare = client.buildAuthorizationUrl(config, { redirect_uri: rp.redirectUri, scope: 'openid', state: 'x' });
    const answer = await fetch(bare, { redirect: 'manual' });
    const location = new URL(answer.headers.get('location') ?? '', issuer);
    expect(location.origin + location.pathname).toBe(rp.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a wrong redirect URI, a wrong PKCE verifier and a reused code', async () => {
    const config = apps.web?.config as client.Configuration;
    const wrong = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://evil.example/callback',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    await page.goto(wrong.href);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign-in could not continue');
    await expect.poll(() => page.locator('.error').textContent()).toMatch(/redirect_uri/);
    await shot('error');

    // The browser still has its Passline session: a new code comes back without a sign-in.
    await page.goto(`${rp.base}/login?app=web&exchange=no`);
    await page.waitForURL(`${rp.redirectUri}?*`);
    const kept = rp.pending.get('web');
    if (!kept) throw new Error('no code kept');
    await expect(
      client.authorizationCodeGrant(config, kept.callbackUrl, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: kept.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    await page.goto(`${rp.base}/login?app=web&exchange=no`);
    await page.waitForURL(`${rp.redirectUri}?*`);
    const second = rp.pending.get('web');
    if (!second) throw new Error('no code kept');
    const good = await client.authorizationCodeGrant(config, second.callbackUrl, {
      pkceCodeVerifier: second.verifier,
      expectedState: second.state,
    });
    expect(good.access_token).toBeTruthy();
    await expect(
      client.authorizationCodeGrant(config, second.callbackUrl, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    // A reused code revokes what it issued.
    await expect(client.fetchUserInfo(config, good.access_token, client.skipSubjectCheck)).rejects.toBeTruthy();
  });

  it('registers and resets a password inside the same sign-in, and a cancel returns access_denied', async () => {
    await passline.request('PATCH', '/api/settings/sign-in-experience', {
      body: { phoneSignIn: true, signUp: true, password: true },
    });
    const newcomer = '+12015550178';
    await page.context().clearCookies();
    clock.advance(61_000);
    await page.goto(`${rp.base}/login?app=web`);
    await page.waitForURL(/\/interaction\/[^/]+$/);
    const interaction = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(`${issuer}${interaction}/register`);
    await page.getByLabel('Phone number').fill(newcomer);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(newcomer));
    await page.getByLabel('Choose a password (optional)').fill('first password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${rp.redirectUri}?*`);
    await expect.poll(appMessage).toBe(`Signed in as ${newcomer}`);

    // Forgot the password: reset it inside a new sign-in, then sign in with it, all in one interaction.
    await page.context().clearCookies();
    clock.advance(61_000);
    await page.goto(`${rp.base}/login?app=web`);
    await page.waitForURL(/\/interaction\/[^/]+$/);
    const second = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${issuer}${second}/forgot-password`);
    await page.getByLabel('Phone number').fill(newcomer);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(newcomer));
    await page.getByLabel('New password').fill('second password');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.locator('#done').waitFor({ state: 'visible' });
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${issuer}${second}`);
    await page.getByRole('button', { name: 'Sign in with a password instead' }).click();
    await page.getByLabel('Phone number').fill(newcomer);
    await page.locator('#password').fill('second password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${rp.redirectUri}?*`);
    await expect.poll(appMessage).toBe(`Signed in as ${newcomer}`);
    expect(rp.signIns.get('web')?.tokens.claims()?.phone_number).toBe(newcomer);

    // Cancel: the application hears access_denied.
    await page.context().clearCookies();
    await page.goto(`${rp.base}/login?app=spa`);
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: 'Cancel and go back to the app' }).click();
    await page.waitForURL(`${rp.redirectUri}?*`);
    expect(rp.errors.get('spa')).toBe('access_denied');
  });

  it('a suspended user cannot sign in, and their tokens stop working at once', async () => {
    const spa = rp.signIns.get('spa')?.tokens;
    if (!spa?.refresh_token) throw new Error('no spa tokens');
    const sub = String(spa.claims()?.sub);
    const suspended = await passline.request('PATCH', `/api/users/${sub}`, { body: { suspended: true } });
    expect(suspended.status).toBe(200);
    const config = apps.spa?.config as client.Configuration;
    await expect(client.refreshTokenGrant(config, spa.refresh_token)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(config, spa.access_token, sub)).rejects.toBeTruthy();

    clock.advance(61_000);
    await page.context().clearCookies();
    await page.goto(`${rp.base}/login?app=web`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    await page.getByLabel('Verification code').fill(await reader.next(phone));
    await expect.poll(() => page.locator('#error').textContent()).toMatch(/suspended/);
    expect(page.url()).toMatch(/\/interaction\//);
  });
});
