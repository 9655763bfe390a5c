import type { ProviderSimulator } from '@passline/provider-simulator';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { shortId } from '../src/connector-names.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;

/**
 * The Routing page against the real routing API: Twilio (the provider simulator) and two dev-sms
 * connectors; chains and rules edited, reordered by drag and drop and by Move up / Move down,
 * saved and read back; the tester; health after real failovers; the Connectors and Messages pages.
 */
describeInChromium('admin console: SMS routing, connector health and delivery', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, nav, expectLeavingIsGuarded } = session;
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let simulator: ProviderSimulator;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  const ids = { twilio: '', devA: '', devB: '' };
  const label = { twilio: '', devA: '', devB: '' };
  let next = 0;
  const usNumber = () => `+1201555${String(2000 + next++).padStart(4, '0')}`;

  beforeAll(async () => {
    let setupToken: string;
    ({ simulator, passline, page, base, setupToken } = session.current());
    const setup = await page.request.post(`${base}/api/admin/setup`, {
      data: { setupToken, username: 'ada', password },
    });
    expect(setup.status()).toBe(201);
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0, phoneHourlyLimit: 100, ipHourlyLimit: 1000 },
    });
    await passline.request('PATCH', '/api/settings/protection', { body: { prefixHourlyLimit: 1000 } });
    const { twilio } = simulator.credentials;
    const bodies = {
      twilio: {
        factoryId: 'twilio-sms',
        config: {
          accountSID: twilio.accountSid,
          authToken: twilio.authToken,
          from: '+15005550006',
          endpoint: simulator.url,
          templates: usages.map((usageType) => ({ usageType, content: `${usageType}: your code is {{code}}` })),
        },
      },
      devA: { factoryId: 'dev-sms', config: {} },
      devB: { factoryId: 'dev-sms', config: {} },
    };
    // Created in this order, dev-sms B is the active connector: the simple mode's whole chain.
    for (const name of ['twilio', 'devA', 'devB'] as const) {
      const created = await passline.request('POST', '/api/connectors', { body: bodies[name] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
      label[name] = `${name === 'twilio' ? 'Twilio SMS' : 'Development SMS'} (${shortId(created.body.id)})`;
    }
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
  });

  const group = (name: string) => page.getByRole('group', { name, exact: true });
  /** A chain's connector ids, in the order the page shows them. */
  const order = (chain: Locator) =>
    chain
      .locator('li[data-connector-id]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-connector-id')));
  /** Each rule's countries and prefixes, as their chips say, in the page's order. */
  const rulesShown = () =>
    page
      .locator('.routing-rules > li')
      .evaluateAll((rules) =>
        rules.map((rule) =>
          [...rule.querySelectorAll('.protection-chip > span')].map((chip) => chip.textContent).join(', '),
        ),
      );
  const item = (chain: Locator, id: string) => chain.locator(`li[data-connector-id="${id}"]`);
  const dragWithin = (chain: Locator, from: string, to: string) =>
    item(chain, from).locator('.routing-handle').dragTo(item(chain, to));
  const focusedLabel = () => page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null");
  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });

  it('starts in the simple mode: the active connector is the default chain, the Connectors page as before', async () => {
    expect(await page.getByTestId('routing-note').count()).toBe(0);
    expect(await page.locator('main .badge').allInnerTexts()).toEqual(['Active']);
    await nav().getByRole('link', { name: 'Routing' }).click();
    await heading('Routing').waitFor();
    await eventually(() => textOf(page.getByTestId('routing-mode'))).toContain(
      `Simple mode: every SMS goes through the active connector, ${label.devB}.`,
    );
    expect(await order(group('Default chain'))).toEqual([ids.devB]);
    await visible(page.getByText('No rules: every SMS goes through the default chain.'));
  });

  it('orders the default chain by keyboard and by dragging', async () => {
    const chain = group('Default chain');
    for (const name of ['twilio', 'devA'] as const) {
      await page.getByLabel('Connector to add to default chain').selectOption(ids[name]);
      await page.getByRole('button', { name: 'Add to default chain' }).click();
    }
    expect(await order(chain)).toEqual([ids.devB, ids.twilio, ids.devA]);
    // Move up with the keyboard: Twilio goes first, and focus stays with it (on Move down, as Move up is now disabled).
    await chain.getByRole('button', { name: `Move ${label.twilio} up` }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => order(chain)).toEqual([ids.twilio, ids.devB, ids.devA]);
    expect(await chain.getByRole('button', { name: `Move ${label.twilio} up` }).isDisabled()).toBe(true);
    expect(await focusedLabel()).toBe(`Move ${label.twilio} down`);
    await page.keyboard.press('Enter');
    await eventually(() => order(chain)).toEqual([ids.devB, ids.twilio, ids.devA]);
    await chain.getByRole('button', { name: `Move ${label.twilio} up` }).click();
    // Drag dev-sms A onto dev-sms B: it takes B's place.
    await dragWithin(chain, ids.devA, ids.devB);
    await eventually(() => order(chain)).toEqual([ids.twilio, ids.devA, ids.devB]);
    // Full chains offer nothing more to add.
    await visible(chain.getByText('Every SMS connector is in this chain.'));
  });

  it('adds rules by country and prefix, reorders them and their chains, and guards unsaved edits', async () => {
    // Rule 1: China (CN); its chain starts as a copy of the default one.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await eventually(() => page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Rule 1');
    const first = group('Rule 1');
    await first.getByLabel('Find a country').fill('china');
    await first.getByRole('button', { name: 'Add China (CN)' }).click();
    expect(await order(group('Rule 1 chain'))).toEqual([ids.twilio, ids.devA, ids.devB]);
    await group('Rule 1 chain')
      .getByRole('button', { name: `Remove ${label.twilio}` })
      .click();
    await dragWithin(group('Rule 1 chain'), ids.devB, ids.devA);
    expect(await order(group('Rule 1 chain'))).toEqual([ids.devB, ids.devA]);

    // Rule 2: the Bahamas by prefix (typed with spaces), dev-sms A only; a bad prefix is refused as typed.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const prefixes = group('Rule 2').getByLabel('Add to rule 2 number prefixes');
    await prefixes.fill('1242');
    await prefixes.press('Enter');
    await visible(group('Rule 2').getByText('"1242": a prefix is + and 1 to 8 digits'));
    await prefixes.fill('+1 242');
    await prefixes.press('Enter');
    await visible(group('Rule 2').getByRole('button', { name: 'Remove +1242' }));
    for (const name of ['twilio', 'devB'] as const) {
      await group('Rule 2 chain')
        .getByRole('button', { name: `Remove ${label[name]}` })
        .click();
    }

    // Rule 3: France, Twilio only.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await group('Rule 3').getByLabel('Find a country').fill('FR');
    await group('Rule 3').getByLabel('Find a country').press('Enter');
    for (const name of ['devA', 'devB'] as const) {
      await group('Rule 3 chain')
        .getByRole('button', { name: `Remove ${label[name]}` })
        .click();
    }
    expect(await rulesShown()).toEqual(['China (CN)', '+1242', 'France (FR)']);

    // Move rule 3 up by keyboard, then drag the last rule (the Bahamas) to the top.
    await page.getByRole('button', { name: 'Move rule 3 up' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => rulesShown()).toEqual(['China (CN)', 'France (FR)', '+1242']);
    expect(await focusedLabel()).toBe('Move rule 2 up');
    // Tall enough that both rules are on screen: Playwright's drag does not scroll mid-drag.
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page
      .locator('.routing-rules > li')
      .nth(2)
      .locator('.routing-rule-head .routing-handle')
      .dragTo(page.locator('.routing-rules > li').nth(0));
    await page.setViewportSize({ width: 1280, height: 900 });
    await eventually(() => rulesShown()).toEqual(['+1242', 'China (CN)', 'France (FR)']);
    expect(await order(group('Rule 1 chain'))).toEqual([ids.devA]);
    expect(await order(group('Rule 2 chain'))).toEqual([ids.devB, ids.devA]);
    await visible(page.getByText('Unsaved changes'));
    await shot('routing-edited');

    await expectLeavingIsGuarded(/\/console\/routing$/, async () => {
      await visible(heading('Routing'));
      expect(await rulesShown()).toEqual(['+1242', 'China (CN)', 'France (FR)']);
    });
  });

  it('marks a rule that matches nothing before saving; saves, and a reload shows the saved order', async () => {
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Not saved. Fix what is marked below first.' }));
    await visible(group('Rule 4').getByText('Choose a country or a number prefix, or remove the rule.'));
    await page.getByRole('button', { name: 'Remove rule 4' }).click();
    await eventually(() => rulesShown()).toEqual(['+1242', 'China (CN)', 'France (FR)']);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved. New sends take these routes.' }));
    const expected = {
      mode: 'routing',
      default: [ids.twilio, ids.devA, ids.devB],
      rules: [
        { prefixes: ['+1242'], connectors: [ids.devA] },
        { countries: ['CN'], connectors: [ids.devB, ids.devA] },
        { countries: ['FR'], connectors: [ids.twilio] },
      ],
    };
    expect((await passline.request('GET', '/api/routing/sms')).body).toMatchObject(expected);
    await eventually(() => textOf(page.getByTestId('routing-mode'))).toBe('Routing is in use: 3 connectors send SMS.');
    expect(await page.getByText('Unsaved changes').count()).toBe(0);

    await page.reload();
    await heading('Routing').waitFor();
    await eventually(() => order(group('Default chain'))).toEqual(expected.default);
    expect(await rulesShown()).toEqual(['+1242', 'China (CN)', 'France (FR)']);
    for (const [index, rule] of expected.rules.entries()) {
      expect(await order(group(`Rule ${index + 1} chain`))).toEqual(rule.connectors);
    }
  });

  it('the tester shows the rule a number matches and the chain a send would take', async () => {
    const tester = page.getByRole('form', { name: 'Route tester' });
    const result = page.getByTestId('route-result');
    await tester.getByLabel('Phone number').fill('+86 138 0013 8000');
    await tester.getByRole('button', { name: 'Find route' }).click();
    await eventually(() => textOf(result)).toContain('(China (CN)): rule 2 matches.');
    expect(await result.locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(label.devB)}\\s+Healthy\\s+Will be tried$`)),
      expect.stringMatching(new RegExp(`^${escapeRegExp(label.devA)}\\s+Healthy\\s+Will be tried$`)),
    ]);
    expect(await textOf(result)).not.toContain('13800138000');

    await tester.getByLabel('Phone number').fill('+1 242 357 0000');
    await tester.getByRole('button', { name: 'Find route' }).click();
    await eventually(() => textOf(result)).toContain('rule 1 matches');
    await tester.getByLabel('Phone number').fill(usNumber());
    await tester.getByRole('button', { name: 'Find route' }).click();
    await eventually(() => textOf(result)).toContain('(United States (US)): no rule matches, the default chain.');
    expect(await result.locator('li').count()).toBe(3);

    await tester.getByLabel('Phone number').fill('+1 555 0100');
    await tester.getByRole('button', { name: 'Find route' }).click();
    await visible(page.getByRole('alert').filter({ hasText: /phone number/i }));
  });

  it('shows health after real failovers: a connector that keeps failing is skipped, the next one sends', async () => {
    simulator.failNext('twilio', 'server_error', 3);
    for (let count = 0; count < 3; count++) {
      const sent = await send(usNumber());
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(sent.body.attempts).toEqual([
        expect.objectContaining({ connectorId: ids.twilio, outcome: 'provider_unavailable' }),
        expect.objectContaining({ connectorId: ids.devA, outcome: 'sent' }),
      ]);
    }
    const health = page.getByRole('region', { name: 'Connector health' });
    await health.getByRole('button', { name: 'Refresh' }).click();
    const row = (name: keyof typeof label) => health.locator('tbody tr').filter({ hasText: label[name] });
    await eventually(() => textOf(row('twilio'))).toMatch(/Skipped until \d\d:\d\d\s+3\s+provider_unavailable/);
    expect(await textOf(row('devA'))).toMatch(/Healthy\s+0\s+None\s+\S/);
    expect(await textOf(row('devA'))).not.toContain('None recorded');
    expect(await textOf(row('devB'))).toMatch(/Healthy\s+0\s+None\s+None recorded/);
    // The chain shows it too, and the tester says Twilio is passed over while dev-sms A can send.
    await visible(item(group('Default chain'), ids.twilio).getByText(/^Skipped until/));
    const tester = page.getByRole('form', { name: 'Route tester' });
    await tester.getByLabel('Phone number').fill(usNumber());
    await tester.getByRole('button', { name: 'Find route' }).click();
    const result = page.getByTestId('route-result');
    await eventually(() => textOf(result)).toContain('A send now tries 2 of 3, in this order:');
    expect(await textOf(result.locator('li').first())).toMatch(
      new RegExp(
        `^${escapeRegExp(label.twilio)}\\s+Skipped until \\d\\d:\\d\\d\\s+Skipped: tried only if the others fail$`,
      ),
    );
    await shot('routing');
  });

  it("the Connectors page says routing is in use and shows each connector's health", async () => {
    await nav().getByRole('link', { name: 'Connectors' }).click();
    await heading('Connectors').waitFor();
    await eventually(() => textOf(page.getByTestId('routing-note'))).toBe(
      'Routing is in use: 3 connectors send SMS (see Routing).',
    );
    // The default chain's first connector is the active one.
    await eventually(() => textOf(page.getByTestId('sms-row'))).toMatch(/Twilio SMS[\s\S]*Active\s*Skipped until/);
    const previous = page.getByTestId('previous-dev-sms');
    expect(await previous.count()).toBe(2);
    for (const text of await previous.allInnerTexts()) expect(text).toContain('Healthy');
    await visible(page.getByRole('heading', { name: 'Other SMS connectors' }));
    await shot('connectors-routing');
    // Activating the simple way would replace the default chain: the page asks first.
    await previous.first().getByRole('button', { name: 'Activate Development SMS' }).click();
    const asked = page.getByRole('dialog', { name: 'Activate Development SMS?' });
    await eventually(() => textOf(asked)).toContain('It becomes the whole default chain');
    await asked.getByRole('button', { name: 'Cancel' }).click();
    await asked.waitFor({ state: 'hidden' });
    expect((await passline.request('GET', '/api/routing/sms')).body.default).toEqual([ids.twilio, ids.devA, ids.devB]);
    await page.getByTestId('routing-note').getByRole('link', { name: 'Routing' }).click();
    await heading('Routing').waitFor();
  });

  it('the Messages page shows each try and what became of it, and filters by delivery', async () => {
    await nav().getByRole('link', { name: 'Messages' }).click();
    await heading('Messages').waitFor();
    const rows = page.locator('section[aria-label="Delivery log"] tbody tr');
    await eventually(() => rows.count()).toBe(6);
    const retries = rows.filter({ hasText: '2nd try' });
    expect(await retries.count()).toBe(3);
    for (const text of await retries.allInnerTexts()) {
      expect(text).toContain(label.devA);
      expect(text).toContain('No receipts from this connector');
    }
    const failed = rows.filter({ hasText: label.twilio });
    expect(await failed.count()).toBe(3);
    for (const text of await failed.allInnerTexts()) {
      expect(text).toContain('failed');
      expect(text).not.toMatch(/receipt|Delivered|Undelivered/);
    }
    await visible(page.getByRole('columnheader', { name: 'Delivery' }));
    await shot('messages-delivery');

    // Nothing here asked for receipts: none awaited, none delivered.
    const asked = page.waitForRequest((request) => request.url().includes('deliveryStatus=awaiting'));
    await page.getByLabel('Delivery', { exact: true }).selectOption('awaiting');
    await asked;
    await visible(page.getByText('No messages match.'));
    await page.getByLabel('Delivery', { exact: true }).selectOption('');
    await eventually(() => rows.count()).toBe(6);
  });

  it('shows what the server refuses: a connector deleted while the page was open', async () => {
    await nav().getByRole('link', { name: 'Routing' }).click();
    await heading('Routing').waitFor();
    await eventually(() => order(group('Rule 2 chain'))).toEqual([ids.devB, ids.devA]);
    await group('Rule 2 chain')
      .getByRole('button', { name: `Move ${label.devA} up` })
      .click();
    expect(await passline.request('DELETE', `/api/connectors/${ids.devB}`)).toMatchObject({ status: 204 });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Not saved.' });
    await eventually(() => textOf(refused)).toContain(`"${ids.devB}" is not a configured SMS connector.`);
    await shot('routing-refused', false);
    // The server took the deleted connector out of every chain; the page shows that after a reload.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.reload();
    await heading('Routing').waitFor();
    await eventually(() => order(group('Default chain'))).toEqual([ids.twilio, ids.devA]);
    expect(await order(group('Rule 2 chain'))).toEqual([ids.devA]);
  });

  it('fits a 390 px wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await heading('Routing').waitFor();
    await visible(group('Rule 1'));
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    // The move buttons stay on screen.
    for (const button of await group('Default chain').getByRole('button').all()) {
      const box = await button.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    await shot('phone-routing', false);
    await group('Rule 2').scrollIntoViewIfNeeded();
    await shot('phone-routing-rule', false);
    await nav().getByRole('link', { name: 'Messages' }).click();
    await heading('Messages').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
