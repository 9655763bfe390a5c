import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import { phoneSequence, type TestPassline, useDevSms } from '../../server/test/app.ts';
import { codeReader, type ExperienceClient, experienceClient } from '../../server/test/experience-helpers.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** The Users pages: end users who signed up through the Experience API, as an admin finds and manages them. */
describeInChromium('admin console: users', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let client: ExperienceClient;
  const freshPhone = phoneSequence('628');
  let user: { id: string; phone: string };
  let refreshToken = '';

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    // The browser context keeps the session cookie this sets.
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    await useDevSms(passline);
    client = experienceClient(passline, codeReader(passline));
    // Enough sign-ups from this one address for a second page, and a sign-in right after one.
    const limits = await passline.request('PATCH', '/api/settings/verification', {
      body: { ipHourlyLimit: 100, resendCooldownSeconds: 0 },
    });
    expect(limits.status).toBe(200);
    // They share a number range (+1628555****), which protection would otherwise cap at 20 an hour.
    const ranges = await passline.request('PATCH', '/api/settings/protection', { body: { prefixHourlyLimit: 100 } });
    expect(ranges.status).toBe(200);

    // The user this suite manages signs up first, so a page of 25 newer ones hides them.
    const registered = await client.register(freshPhone(), 'a good password 1');
    ({ user, refreshToken } = registered);
    for (let count = 0; count < 25; count++) await client.register(freshPhone());
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  const rows = () => page.locator('section[aria-label="Users"] tbody tr');
  const searchBox = () => page.getByRole('searchbox', { name: 'Search', exact: true });
  const userLink = () => page.getByRole('link', { name: user.phone, exact: true });

  it('lists users newest first, loads more, and finds one by their number however it is written', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await heading('Users').waitFor();
    await eventually(() => rows().count()).toBe(25);
    await expect(userLink().count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually(() => rows().count()).toBe(26);
    await visible(userLink());
    // The oldest user is last, and there is nothing more to load.
    expect(await textOf(rows().last())).toContain(user.phone);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    // +1 628 555 1001, as people write it.
    const national = user.phone.slice(2);
    const written = `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    await searchBox().fill(written);
    await eventually(() => rows().count()).toBe(1);
    expect(await textOf(rows().first())).toContain(user.phone);
    expect(new URL(page.url()).searchParams.get('search')).toBe(written);
    await shot('users');

    // By id too; and a number nobody has says so.
    await searchBox().fill(user.id);
    await eventually(async () => new URL(page.url()).searchParams.get('search')).toBe(user.id);
    await eventually(() => rows().count()).toBe(1);
    expect(await textOf(rows().first())).toContain(user.phone);
    await searchBox().fill('+44 20 7946');
    await visible(page.getByText('No user matches.'));
    await searchBox().fill(written);
    await eventually(() => rows().count()).toBe(1);
  });

  it("shows a user's details and sessions, suspends and unsuspends them, signs them out everywhere", async () => {
    await userLink().click();
    await heading(user.phone).waitFor();
    const facts = page.getByRole('region', { name: 'Account' });
    await eventually(() => textOf(facts)).toContain(user.id);
    expect(await textOf(facts)).toMatch(/Status\s+Active/);
    expect(await textOf(facts)).toMatch(/Password\s+Set/);
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await eventually(() => sessions.locator('tbody tr').count()).toBe(1);
    expect(await textOf(sessions.locator('tbody tr'))).toContain('Passline sign-in');
    await shot('user-details');

    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    const confirmation = page.getByRole('dialog', { name: `Suspend ${user.phone}?` });
    await visible(confirmation);
    await confirmation.getByRole('button', { name: 'Suspend' }).click();
    await eventually(() => textOf(page.getByRole('status'))).toContain('Suspended, and signed out everywhere.');
    await visible(page.locator('.details-meta').getByText('Suspended'));
    expect(await textOf(facts)).toMatch(/Status\s+Suspended/);
    await visible(sessions.getByText('Not signed in anywhere.'));
    expect((await passline.request('GET', `/api/users/${user.id}`)).body.suspended).toBe(true);
    expect((await client.refresh(refreshToken)).body.error.code).toBe('token.invalid_grant');
    await shot('user-suspended');

    await page.getByRole('button', { name: 'Unsuspend' }).click();
    await eventually(() => textOf(page.getByRole('status'))).toContain('Unsuspended.');
    expect(await textOf(facts)).toMatch(/Status\s+Active/);

    // Signed in again elsewhere, then signed out everywhere from the console.
    const signedIn = await client.post('/api/experience/sign-in', {
      verificationId: await client.verified(user.phone, 'SignIn'),
    });
    expect(signedIn.status).toBe(200);
    await page.reload();
    await eventually(() => sessions.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page
      .getByRole('dialog', { name: `Sign ${user.phone} out everywhere?` })
      .getByRole('button', { name: 'Sign out everywhere' })
      .click();
    await eventually(() => textOf(page.getByRole('status'))).toContain('Signed out of 1 session.');
    await visible(sessions.getByText('Not signed in anywhere.'));
    expect((await client.refresh(signedIn.body.refreshToken)).status).toBe(400);
  });

  it('deletes a user after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirmation = page.getByRole('dialog', { name: `Delete ${user.phone}?` });
    await visible(confirmation);
    await confirmation.getByRole('button', { name: 'Cancel' }).click();
    await confirmation.waitFor({ state: 'hidden' });
    expect((await passline.request('GET', `/api/users/${user.id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirmation.getByRole('button', { name: 'Delete user' }).click();
    await heading('Users').waitFor();
    expect((await passline.request('GET', `/api/users/${user.id}`)).status).toBe(404);
    await searchBox().fill(user.phone);
    await visible(page.getByText('No user matches.'));
    await eventually(() => rows().count()).toBe(0);
  });

  it('fits a 390 px wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const other = (await passline.request('GET', '/api/users?limit=1')).body.items[0];
    for (const [path, title] of [
      ['/console/users', 'Users'],
      [`/console/users/${other.id}`, other.phone],
    ]) {
      await page.goto(`${base}${path}`);
      await heading(title).waitFor();
      await visible(page.locator('main .panel').last());
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), path).toBe(0);
      await shot(`phone${path.replace('/console', '').replaceAll('/', '-').replace(other.id, 'details')}`, false);
    }
    // Every action stays on screen.
    for (const name of ['Suspend', 'Sign out everywhere', 'Delete']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, name).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
