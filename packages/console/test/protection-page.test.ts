import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import { type TestPassline, useDevSms } from '../../server/test/app.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** The Protection page in Chromium against the real server (SQLite), refusing real sends. */
describeInChromium('console Protection page', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  let passline: TestPassline;
  let page: Page;
  let base: string;

  const shot = (name: string) => session.shot(`protection-${name}`);
  const tab = (name: string) => page.getByRole('tab', { name });
  const policy = () => page.getByRole('form', { name: 'Protection policy' });
  /** The text under a field: its help and, when it has one, its error. */
  const fieldOf = (label: string) => page.locator('.field', { has: page.getByLabel(label) });
  const settings = async () => (await passline.request('GET', '/api/settings/protection')).body;
  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { key: passline.adminKey, body: { to, usage: 'SignIn' } });

  /** Reloads the page's data (summary, blocks, events) with its own Refresh button. */
  async function refresh() {
    const summary = page.waitForResponse((response) => response.url().endsWith('/api/protection/summary'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await summary;
  }

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    // The browser context keeps the session cookie this sets.
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    // Codes go out through the development connector, so sends succeed unless protection refuses them.
    await useDevSms(passline);
  });

  it('opens from the navigation with the 24-hour chart, its text alternative, and the budgets', async () => {
    await page.goto(`${base}/console/`);
    await session.heading('Dashboard').waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Protection' }).click();
    await session.heading('Protection').waitFor();

    await visible(page.getByRole('img', { name: /^Last 24 hours: \d+ codes sent, \d+ refused/ }));
    await page.getByText('Show the numbers as a table').click();
    await eventually(() => page.locator('.protection-chart-table tbody tr').count()).toBe(24);
    await visible(page.getByRole('meter', { name: 'Codes per hour, in total' }));
    await visible(page.getByText('Nothing is blocked.'));
    await shot('overview-empty');
  });

  it('saves record-only mode and a budget, sending only them; a reload shows both', async () => {
    await tab('Policy').click();
    await policy().getByLabel('Record only').check();
    await visible(policy().getByText('Record only: nothing is refused.'));
    await policy().getByLabel('Codes per range per hour').fill('7');
    await visible(policy().getByText('2 unsaved changes'));

    const patch = page.waitForRequest(
      (request) => request.method() === 'PATCH' && request.url().endsWith('/api/settings/protection'),
    );
    await policy().getByRole('button', { name: 'Save', exact: true }).click();
    expect((await patch).postDataJSON()).toEqual({ mode: 'record_only', prefixHourlyLimit: 7 });
    await eventually(() => textOf(policy().getByRole('status'))).toContain('Saved.');
    expect(await settings()).toMatchObject({ mode: 'record_only', prefixHourlyLimit: 7 });

    await page.reload();
    await visible(page.getByTestId('record-only-banner'));
    await tab('Policy').click();
    expect(await policy().getByLabel('Record only').isChecked()).toBe(true);
    expect(await policy().getByLabel('Codes per range per hour').inputValue()).toBe('7');
  });

  it('shows a problem by its field: the form’s own check while typing, and the server’s on save', async () => {
    await policy().getByLabel('Range size').fill('12');
    await eventually(() => textOf(fieldOf('Range size').locator('.field-error'))).toBe('Must be between 1 and 8.');
    expect(await policy().getByLabel('Range size').getAttribute('aria-invalid')).toBe('true');
    await policy().getByLabel('Range size').fill('3');
    await fieldOf('Range size').locator('.field-error').waitFor({ state: 'detached' });

    // This server has no signing secret in its environment, so it refuses an alert webhook.
    await policy().getByLabel('Alert webhook URL').fill('https://alerts.example.com/passline');
    await policy().getByRole('button', { name: 'Save', exact: true }).click();
    const error = fieldOf('Alert webhook URL').locator('.field-error');
    await eventually(() => textOf(error)).toContain('PASSLINE_ALERT_WEBHOOK_SECRET');
    await visible(policy().getByRole('alert').filter({ hasText: 'Not saved.' }));
    expect(await policy().getByLabel('Alert webhook URL').getAttribute('aria-invalid')).toBe('true');
    await shot('policy-server-error');

    // Unsaved edits hold a console link until the admin says to leave.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Messages' }).click();
    const guard = page.getByRole('dialog', { name: 'Leave without saving?' });
    await visible(guard);
    await guard.getByRole('button', { name: 'Cancel' }).click();
    await policy().getByRole('button', { name: 'Discard changes' }).click();
    expect(await policy().getByLabel('Alert webhook URL').inputValue()).toBe('');
    expect((await settings()).alertWebhookUrl).toBeNull();
  });

  it('lists a refused send in the events, filtered by reason and country', async () => {
    // Enforce again and block the United Kingdom through the countries chooser.
    await policy().getByLabel('Enforce').check();
    const blocked = policy().getByRole('group', { name: 'Blocked countries' });
    await blocked.getByLabel('Find a country').fill('united k');
    await blocked.getByRole('button', { name: 'Add United Kingdom (GB)' }).click();
    await visible(blocked.getByRole('button', { name: 'Remove United Kingdom (GB)' }));
    await policy().getByRole('button', { name: 'Save', exact: true }).click();
    await eventually(() => textOf(policy().getByRole('status'))).toContain('Saved.');
    expect(await settings()).toMatchObject({ mode: 'enforce', blockedCountries: ['GB'] });

    const refused = await send('+447400123456');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('fraud.country_blocked');

    await refresh();
    await tab('Events').click();
    await page.getByLabel('Reason').selectOption('fraud.country_blocked');
    await page.getByLabel('Country', { exact: true }).selectOption('GB');
    const row = page.getByRole('region', { name: 'Refused sends' }).locator('tbody tr');
    await eventually(() => row.count()).toBe(1);
    const text = await textOf(row);
    expect(text).toContain('Country not allowed');
    expect(text).toContain('United Kingdom (GB)');
    expect(text).toContain('refused');
    await shot('events');

    await page.getByLabel('Reason').selectOption('rate_limit.global');
    await visible(page.getByText('No refused sends match.'));
    await tab('Overview').click();
    await visible(page.getByRole('img', { name: /country not allowed 1/ }));
  });

  it('pages through the events: 25 at first, older ones on request', async () => {
    const now = Date.now();
    await passline.storage.db
      .insertInto('protection_events')
      .values(
        Array.from({ length: 30 }, (_, index) => ({
          id: `pev_paging_${String(index).padStart(2, '0')}`,
          created_at: now - index * 1000,
          reason: 'fraud.number_type_blocked',
          enforced: 1,
          country: 'US',
          range_masked: '+19005550***',
          client_ip: null,
          source: 'api',
        })),
      )
      .execute();
    await refresh();
    await tab('Events').click();
    await page.getByLabel('Reason').selectOption('fraud.number_type_blocked');
    await page.getByLabel('Country', { exact: true }).selectOption('US');
    const rows = page.getByRole('region', { name: 'Refused sends' }).locator('tbody tr');
    await eventually(() => rows.count()).toBe(25);
    await page.getByRole('button', { name: 'Load older events' }).click();
    await eventually(() => rows.count()).toBe(30);
    expect(await page.getByRole('button', { name: 'Load older events' }).count()).toBe(0);
  });

  it('clears a block the conversion guard set, after a confirmation', async () => {
    const unblock = await passline.request('PATCH', '/api/settings/protection', {
      body: { blockedCountries: [], guardMinSends: 2 },
    });
    expect(unblock.status).toBe(200);
    const cooldown = await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0 },
    });
    expect(cooldown.status).toBe(200);
    // Three codes to one range, none entered: the guard judges the range after two.
    const answers = [];
    for (const to of ['+12015550101', '+12015550102', '+12015550103']) answers.push((await send(to)).status);
    // The guard writes its tallies once a second; write them now rather than wait.
    await passline.protection.flushTallies();
    const blocks = (await passline.request('GET', '/api/protection/blocks')).body as Array<{ key: string }>;
    expect(blocks.length, `sends answered ${answers.join(', ')}`).toBeGreaterThan(0);

    await tab('Overview').click();
    await refresh();
    const table = page.getByRole('region', { name: 'Blocked by the conversion guard' });
    await eventually(() => table.locator('tbody tr').count()).toBe(blocks.length);
    await table
      .getByRole('button', { name: /^Clear / })
      .first()
      .click();
    const confirm = page.getByRole('dialog', { name: /^Clear the block on / });
    await visible(confirm);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await passline.request('GET', '/api/protection/blocks')).body).toHaveLength(blocks.length);

    await table
      .getByRole('button', { name: /^Clear / })
      .first()
      .click();
    await confirm.getByRole('button', { name: 'Clear block' }).click();
    await visible(table.getByRole('status').filter({ hasText: 'Cleared the block on' }));
    await eventually(async () => (await passline.request('GET', '/api/protection/blocks')).body.length).toBe(
      blocks.length - 1,
    );
    await shot('block-cleared');
  });

  it('fits a phone-sized screen on every tab', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Overview', 'Policy', 'Events']) {
      await tab(name).click();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), name).toBe(0);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
