import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/** The Audit log page: a change made with a console click shows up there, with who, where and what. */
describeInChromium('admin console: audit log', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav } = session;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let createdKey = '';

  beforeAll(async () => {
    let setupToken: string;
    ({ passline, page, base, setupToken } = session.current());
    // The browser context keeps the session cookie this sets.
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    // A change through the Management API with a key, for a before → after line.
    const changed = await passline.request('PATCH', '/api/settings/verification', {
      body: { codeLength: 8, resendCooldownSeconds: 45 },
    });
    expect(changed.status).toBe(200);
    await page.goto(`${base}/console/api-keys`);
    await heading('API keys').waitFor();
  });

  const rows = () => page.locator('section[aria-label="Audit log entries"] tbody tr');

  it('a key created in the console appears in the audit log, by the admin, without the key', async () => {
    await page.getByLabel('Name', { exact: true }).fill('audit-console-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-key').locator('code').first();
    await visible(shown);
    createdKey = await textOf(shown);
    expect(createdKey.length).toBeGreaterThan(20);

    await nav().getByRole('link', { name: 'Audit log' }).click();
    await heading('Audit log').waitFor();
    // Newest first: the key, the settings change, the first admin's creation.
    await eventually(() => rows().count()).toBe(3);
    const newest = await textOf(rows().first());
    expect(newest).toContain('api_key.create');
    expect(newest).toContain('ada');
    expect(newest).toContain('from 127.0.0.1');
    expect(newest).toContain('audit-console-key');
    const settings = await textOf(rows().nth(1));
    expect(settings).toContain('settings.update');
    expect(settings).toContain('API key test admin');
    expect(settings).toMatch(/codeLength:\s*6\s*→\s*8/);
    expect(settings).toMatch(/resendCooldownSeconds:\s*\d+\s*→\s*45/);
    expect(await textOf(rows().last())).toContain('First-run setup');
    expect(await textOf(page.locator('main'))).not.toContain(createdKey);
    await shot('audit-log');

    // The API has the same entry, and the key is nowhere in the log.
    const log = await passline.request('GET', '/api/audit-log?action=api_key.create');
    expect(log.body.items[0]).toMatchObject({
      actor: { type: 'admin', name: 'ada' },
      after: { name: 'audit-console-key' },
    });
    expect(JSON.stringify((await passline.request('GET', '/api/audit-log')).body)).not.toContain(createdKey);
  });

  it('filters by action and by actor', async () => {
    const action = page.getByLabel('Action');
    await action.selectOption('settings.update');
    await eventually(() => rows().count()).toBe(1);
    expect(await textOf(rows().first())).toContain('settings.update');
    await action.selectOption('api_key');
    await eventually(() => rows().count()).toBe(1);
    expect(await textOf(rows().first())).toContain('api_key.create');
    await action.selectOption('');
    await eventually(() => rows().count()).toBe(3);

    const actor = page.getByRole('searchbox', { name: 'Actor' });
    await actor.fill('ada');
    await eventually(() => rows().count()).toBe(1);
    expect(await textOf(rows().first())).toContain('api_key.create');
    await actor.fill('nobody-like-this');
    await visible(page.getByText('No entry matches.'));
    await actor.fill('');
    await eventually(() => rows().count()).toBe(3);
  });

  it('fits a 390 px wide screen, before → after still readable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/audit-log`);
    await heading('Audit log').waitFor();
    await eventually(() => rows().count()).toBe(3);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    // Each entry's change lines sit inside the screen, not in a table to scroll sideways.
    const change = rows().nth(1).getByText('codeLength', { exact: true });
    await visible(change);
    const box = await change.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await shot('phone-audit-log', false);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
