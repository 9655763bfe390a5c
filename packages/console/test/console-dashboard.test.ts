import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import { phoneSequence, type TestPassline, useDevSms } from '../../server/test/app.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** The dashboard, the console's landing page: real traffic drawn with Chart.js, ranges, prices → cost. */
describeInChromium('admin console: dashboard', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let connectorId = '';
  const phones = phoneSequence('332');

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    let latestCode: (to: string) => Promise<string>;
    ({ connectorId, latestCode } = await useDevSms(passline));
    const ids: string[] = [];
    const sentTo: string[] = [];
    for (let i = 0; i < 4; i++) {
      const to = phones();
      const sent = await passline.request('POST', '/api/verifications', {
        body: { to, usage: 'SignIn' },
        key: passline.verifyKey,
      });
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
      sentTo.push(to);
    }
    // Two of four verified, and one refused by the resend cooldown.
    for (const index of [0, 1]) {
      const code = await latestCode(sentTo[index] as string);
      const checked = await passline.request('POST', `/api/verifications/${ids[index]}/check`, {
        body: { code },
        key: passline.verifyKey,
      });
      expect(checked.status).toBe(200);
    }
    const refused = await passline.request('POST', '/api/verifications', {
      body: { to: sentTo[2], usage: 'SignIn' },
      key: passline.verifyKey,
    });
    expect(refused.status).toBe(429);
  });

  const total = (label: string) => page.locator('.dashboard-total').filter({ hasText: label }).locator('dd');

  it('opens on the dashboard with the totals and a chart per panel', async () => {
    await page.goto(`${base}/console/`);
    await heading('Dashboard').waitFor();
    await eventually(() => textOf(total('Sent'))).toBe('4');
    expect(await textOf(total('Verified'))).toBe('2');
    expect(await textOf(total('Conversion'))).toBe('50%');
    expect(await textOf(total('Refused'))).toBe('1');
    await visible(page.getByRole('img', { name: 'last day: 4 sent, 0 delivered, 2 verified' }));
    await visible(page.getByRole('img', { name: 'US: 4 sent, 2 verified' }));
    await visible(page.getByRole('img', { name: /^rate_limit\.[a-z_]+: 1$/ }));
    const providers = page.locator('table.dashboard-providers tbody tr');
    await eventually(() => providers.count()).toBe(1);
    expect(await textOf(providers.first())).toMatch(/4\s+0%/);
    // Chart.js drew on each canvas.
    const drawn = await page.$$eval('.dashboard-chart canvas', (canvases) =>
      canvases.map((canvas) => (canvas as unknown as { width: number }).width > 0),
    );
    expect(drawn.length).toBeGreaterThanOrEqual(4);
    expect(drawn.every(Boolean)).toBe(true);
    await shot('dashboard');

    // The former landing page is one click away.
    await nav().getByRole('link', { name: 'Connectors' }).click();
    await heading('Connectors').waitFor();
    await nav().getByRole('link', { name: 'Dashboard' }).click();
    await heading('Dashboard').waitFor();
  });

  it('switches ranges', async () => {
    for (const range of ['Last hour', '30 days', 'Last day']) {
      await page.getByRole('button', { name: range }).click();
      await eventually(() => page.getByRole('button', { name: range }).getAttribute('aria-pressed')).toBe('true');
      await eventually(() => textOf(total('Sent'))).toBe('4');
    }
    await page.getByRole('button', { name: 'Last hour' }).click();
    await visible(page.getByRole('img', { name: 'last hour: 4 sent, 0 delivered, 2 verified' }));
  });

  it('estimates the cost from the prices the admin enters', async () => {
    await visible(page.getByText('No prices yet'));
    expect(await textOf(total('Estimated cost'))).toBe('–');
    await page.getByRole('button', { name: 'Add a price' }).click();
    const prices = page.getByRole('form', { name: 'Prices per message' });
    await prices.getByLabel('Country').fill('US');
    await prices.getByLabel('Price per message').fill('0.05');
    await prices.getByLabel('Currency').fill('eur');
    await page.getByRole('button', { name: 'Save prices' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved.' }));
    await eventually(() => textOf(total('Estimated cost'))).toBe('0.20 EUR');
    expect((await passline.request('GET', '/api/dashboard/prices')).body).toEqual([
      { connectorId, country: 'US', pricePerMessage: 0.05, currency: 'EUR' },
    ]);
    await visible(page.getByRole('img', { name: 'Estimated cost, last hour: 0.20 EUR' }));
    await shot('dashboard-priced');
  });

  it('fits a 390 px wide phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.reload();
      await heading('Dashboard').waitFor();
      await eventually(() => textOf(total('Sent'))).toBe('4');
      // Nothing wider than the screen: no sideways scrolling of the page.
      const overflow = await page
        .locator('html')
        .evaluate((html) => html.scrollWidth - (html.ownerDocument.defaultView?.innerWidth ?? 0));
      expect(overflow).toBeLessThanOrEqual(0);
      const widths = await page.$$eval('.dashboard-chart canvas', (canvases) =>
        canvases.map((canvas) => canvas.getBoundingClientRect().width),
      );
      expect(Math.max(...widths)).toBeLessThanOrEqual(390);
      expect(Math.min(...widths)).toBeGreaterThan(200);
      await shot('dashboard-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
