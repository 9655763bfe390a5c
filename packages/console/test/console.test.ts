import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium, launchChromium, screenshotDir } from '../../../test/browser.ts';
import { startTestPassline, type TestPassline } from '../../server/test/app.ts';
import { testConfig } from '../../server/test/engines.ts';
import { ensureConsoleBuild } from '../scripts/ensure-build.mjs';

const password = 'a long console password';

// vitest has no Playwright matchers: these wait the way they would.
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
// The rendered text with line breaks (CodeMirror lines are separate elements, without newlines).
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node.
const textOf = (locator: Locator) => locator.innerText();
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 100 });
const phone = '+14155552671';

/** The real console in Chromium against the real server (SQLite) and the provider simulator. */
describeInChromium('admin console', () => {
  vi.setConfig({ testTimeout: 60_000 });
  let dir: string;
  let simulator: ProviderSimulator;
  let passline: TestPassline;
  let browser: Browser;
  let page: Page;
  let base: string;
  let setupToken: string;

  // Full page, except with a dialog open: the backdrop only covers the viewport.
  const shot = (name: string, fullPage = true) =>
    page.screenshot({ path: join(screenshotDir, `console-${name}.png`), fullPage });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const smsConnectors = async () =>
    (
      (await passline.request('GET', '/api/connectors')).body as Array<{
        factoryId: string;
        active: boolean;
        id: string;
      }>
    ).filter((connector) => connector.factoryId !== 'dev-sms');

  /** Replaces the whole text of the CodeMirror templates editor, as typing would. */
  async function setTemplates(text: string) {
    const editor = page.getByTestId('templates-editor').locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }
  const nav = () => page.getByRole('navigation', { name: 'Console' });
  const leaveGuard = () => page.getByRole('dialog', { name: 'Leave without saving?' });
  /** Unsaved edits hold a console link, the back button and closing the tab; staying keeps them. */
  async function expectLeavingIsGuarded(path: RegExp, stillThere: () => Promise<void>) {
    await nav().getByRole('link', { name: 'Messages' }).click();
    await visible(leaveGuard());
    await leaveGuard().getByRole('button', { name: 'Cancel' }).click();
    await leaveGuard().waitFor({ state: 'hidden' });
    await stillThere();

    await page.goBack();
    await visible(leaveGuard());
    await leaveGuard().getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).pathname).toMatch(path);
    await stillThere();

    // Leaving the console (another address, a reload, closing the tab) gets the browser's own
    // question; staying keeps the page. (Headless Chromium asks on navigation, not on close.)
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      }),
    );
    const before = page.url();
    await expect(page.goto(`${base}/sign-in`)).rejects.toThrow(/ERR_ABORTED/);
    expect(await asked).toBe('beforeunload');
    expect(page.url()).toBe(before);
    await stillThere();
  }

  // The setup page's README has its own "<provider>" heading: wait for the saved connector's page.
  const savedConnectorPage = () => page.waitForURL(/\/console\/connectors\/con_[^/]+$/);
  async function templatesText(): Promise<string> {
    return textOf(page.getByTestId('templates-editor').locator('.cm-content'));
  }

  beforeAll(async () => {
    // The console is served from its build; build it once here if the sources changed.
    ensureConsoleBuild({ quiet: true });
    dir = mkdtempSync(join(tmpdir(), 'passline-console-'));
    simulator = await startProviderSimulator();
    passline = await startTestPassline({
      engine: 'sqlite',
      config: testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir),
    });
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    const address = passline.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    setupToken = (await passline.adminAuth.issueSetupToken()) as string;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail on the step that is stuck, well before the test's own timeout.
    page.setDefaultTimeout(10_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await passline?.close();
    await simulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs first-run setup, signs out, refuses a wrong password and signs in', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.url()).toBe(`${base}/console/`);
    await heading('Create the first admin').waitFor();
    await page.getByLabel('Setup token').fill('not-the-token');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the password').fill(password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'setup token is wrong' }).waitFor();
    await page.getByLabel('Setup token').fill(setupToken);
    await shot('setup');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await heading('Connectors').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is wrong.' }).waitFor();
    await shot('sign-in-refused');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Connectors').waitFor();
    await eventually(() => textOf(page.getByTestId('sms-row'))).toContain('No SMS connector yet');
    await shot('connectors-empty');
  });

  it('sets up Twilio: Set up, README beside the form, edited template, test SMS, Save and done', async () => {
    await page.getByRole('button', { name: 'Set up' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set up an SMS connector' });
    for (const name of ['Twilio SMS', 'Aliyun SMS', 'Tencent Cloud SMS', 'Development SMS']) {
      await visible(dialog.getByRole('button', { name: new RegExp(name) }));
    }
    await shot('set-up-dialog', false);
    await dialog.getByRole('button', { name: /Twilio SMS/ }).click();
    await heading('Set up Twilio SMS').waitFor();
    // The README, rendered as Markdown on the left.
    await visible(
      page
        .getByRole('region', { name: 'Twilio SMS README' })
        .getByRole('heading', { name: 'What you need from Twilio' }),
    );
    await visible(page.getByRole('heading', { name: 'Parameter configuration' }));

    const { accountSid, authToken } = simulator.credentials.twilio;
    await page.getByLabel('Account SID').fill(accountSid);
    const secret = page.getByLabel(/^Auth Token/);
    await secret.fill(authToken);
    await eventually(() => secret.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Show Auth Token' }).click();
    await eventually(() => secret.getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Hide Auth Token' }).click();
    await page.getByLabel('From (number or sender ID)', { exact: true }).fill('+15005550006');
    await page.getByLabel('Endpoint').fill(simulator.url);

    await expectLeavingIsGuarded(/\/console\/connectors\/setup\/twilio-sms$/, async () => {
      await visible(heading('Set up Twilio SMS'));
      expect(await page.getByLabel('Account SID').inputValue()).toBe(accountSid);
    });

    const edited = JSON.parse(await templatesText()) as Array<{ usageType: string; content: string }>;
    expect(edited.map((template) => template.usageType)).toEqual(
      expect.arrayContaining(['Register', 'SignIn', 'ForgotPassword', 'Generic']),
    );
    for (const template of edited) {
      if (template.usageType === 'Generic') template.content = 'Passline console test: your code is {{code}}.';
    }
    // A variable Passline does not fill in is flagged as it is typed, and blocks saving.
    const withUnknown = edited.map((template) =>
      template.usageType === 'SignIn' ? { ...template, content: 'Hi {{name}}, your code is {{code}}.' } : template,
    );
    await setTemplates(JSON.stringify(withUnknown, null, 2));
    const problems = page.getByTestId('template-problems');
    await eventually(() => textOf(problems)).toMatch(/Line \d+: \{\{name\}\} is not a variable Passline fills in/);
    await visible(page.locator('.cm-lint-marker-error').first());
    await eventually(() => page.getByRole('button', { name: 'Save and done' }).isDisabled()).toBe(true);
    await shot('template-unknown-variable');

    await setTemplates(JSON.stringify(edited, null, 2));
    await visible(page.getByText('Templates look good'));
    await eventually(() => page.getByRole('button', { name: 'Save and done' }).isDisabled()).toBe(false);
    await visible(page.getByText('using the values above (not yet saved)'));

    // The number is checked as it is typed.
    const number = page.getByLabel('Phone number');
    await number.fill('4155552671');
    await visible(page.getByText('Start with + and the country code'));
    await eventually(() => page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await number.fill(phone);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(() => textOf(page.getByTestId('test-outcome'))).toContain('Test SMS sent to');
    const received = simulator.messages({ provider: 'twilio', to: phone });
    expect(received).toHaveLength(1);
    expect(received[0]?.text).toMatch(/^Passline console test: your code is \d{6}\.$/);
    await shot('setup-guide-twilio');

    await page.getByRole('button', { name: 'Save and done' }).click();
    await savedConnectorPage();
    await heading('Twilio SMS').waitFor();
    await visible(page.getByText('SMS connector', { exact: true }));
    await visible(page.locator('.details-meta').getByText('Active', { exact: true }));
    const [twilio] = await smsConnectors();
    expect(twilio).toMatchObject({ factoryId: 'twilio-sms', active: true });
    await eventually(() => textOf(page.getByTestId('connector-id'))).toBe(twilio?.id as string);
    // A saved connector's test uses its saved values where the form still shows them.
    const testPanel = page.locator('.test-panel');
    await eventually(() => textOf(testPanel)).toContain('including changes you have not saved');
    expect(await textOf(testPanel)).not.toContain('not yet saved');
    await shot('connector-details');
  });

  it("shows the provider's own error when the test SMS is refused", async () => {
    simulator.failNext('twilio', 'rejected');
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = page.getByTestId('test-outcome').getByRole('alert');
    await eventually(() => textOf(alert)).toContain('The test SMS was not sent.');
    await eventually(() => textOf(alert)).toContain('Attempt to send to unsubscribed recipient');
    // Twilio's error page is a link that cannot reach back into the console, and its request id is shown.
    const docs = alert.getByRole('link', { name: 'https://www.twilio.com/docs/errors/21610' });
    await visible(docs);
    expect(await docs.getAttribute('href')).toBe('https://www.twilio.com/docs/errors/21610');
    expect(await docs.getAttribute('rel')).toContain('noopener');
    expect(await docs.getAttribute('target')).toBe('_blank');
    expect(await textOf(alert.getByTestId('provider-request-id'))).toMatch(/^RQ[0-9a-f]{32}$/);
    await shot('test-provider-error');
  });

  it('changes to Aliyun (only Aliyun active), then activates Twilio again with its configuration intact', async () => {
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Change connector' }).click();
    await page
      .getByRole('dialog', { name: 'Change connector' })
      .getByRole('button', { name: /Aliyun SMS/ })
      .click();
    await heading('Change connector: Aliyun SMS').waitFor();
    const { accessKeyId, accessKeySecret } = simulator.credentials.aliyun;
    await page.getByLabel('AccessKey ID').fill(accessKeyId);
    await page.getByLabel(/^AccessKey secret/).fill(accessKeySecret);
    await page.getByLabel('Sign name').fill('Passline');
    await page.getByLabel('Endpoint').fill(simulator.url);
    await eventually(() => page.getByLabel('Signature version').inputValue()).toBe('acs3');
    await page.getByRole('button', { name: 'Save and done' }).click();
    await savedConnectorPage();
    await heading('Aliyun SMS').waitFor();

    const afterChange = await smsConnectors();
    expect(afterChange.filter((connector) => connector.active).map((connector) => connector.factoryId)).toEqual([
      'aliyun-sms',
    ]);
    expect(afterChange).toHaveLength(2);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Connectors' }).click();
    await eventually(() => textOf(page.getByTestId('sms-row'))).toContain('Aliyun SMS');
    await visible(page.getByTestId('previous-twilio-sms'));
    await shot('connectors-previously-used');
    await page.getByRole('button', { name: 'Activate Twilio SMS' }).click();
    await eventually(() => textOf(page.getByTestId('sms-row'))).toContain('Twilio SMS');
    await visible(page.getByTestId('previous-aliyun-sms'));

    await page.getByTestId('sms-row').getByRole('link', { name: 'Twilio SMS' }).click();
    await heading('Twilio SMS').waitFor();
    await eventually(() => page.getByLabel('Account SID').inputValue()).toBe(simulator.credentials.twilio.accountSid);
    await eventually(() => page.getByLabel(/^Auth Token/).inputValue()).toBe('••••••••');
    await eventually(() => page.getByLabel('Endpoint').inputValue()).toBe(simulator.url);
    expect(await templatesText()).toContain('Passline console test: your code is {{code}}.');
    // The kept secret still works: a test through the saved connector (mask = stored value).
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(() => textOf(page.getByTestId('test-outcome'))).toContain('Test SMS sent to');
    expect(simulator.messages({ provider: 'twilio', to: phone })).toHaveLength(2);
  });

  it('shows template errors at the line, in words, and blocks saving; guards unsaved changes', async () => {
    const save = page.getByRole('button', { name: 'Save changes' });
    const original = await templatesText();
    const templates = JSON.parse(original) as Array<{ usageType: string; content: string }>;

    await setTemplates(
      JSON.stringify(
        templates.map((t) => (t.usageType === 'Generic' ? { ...t, content: 'No code here.' } : t)),
        null,
        2,
      ),
    );
    const problems = page.getByTestId('template-problems');
    await eventually(() => textOf(problems)).toContain('The "Generic" template text has no {{code}}');
    await eventually(() => textOf(problems)).toMatch(/Line \d+:/);
    await visible(page.locator('.cm-lint-marker-error').first());
    await eventually(() => save.isDisabled()).toBe(true);

    await setTemplates(
      JSON.stringify(
        templates.filter((t) => t.usageType !== 'SignIn'),
        null,
        2,
      ),
    );
    await eventually(() => textOf(problems)).toContain('No template for usage "SignIn"');
    await eventually(() => save.isDisabled()).toBe(true);

    await setTemplates('[\n  { "usageType": "Generic", "content": "{{code}}" },\n]');
    await eventually(() => textOf(problems)).toContain(
      'Line 3: Invalid JSON: A comma before "]" has nothing after it: remove the comma.',
    );
    await eventually(() => save.isDisabled()).toBe(true);
    await shot('template-error');

    // Leaving with unsaved changes asks first; staying keeps them.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Messages' }).click();
    const guard = page.getByRole('dialog', { name: 'Leave without saving?' });
    await visible(guard);
    await guard.getByRole('button', { name: 'Cancel' }).click();
    await visible(heading('Twilio SMS'));

    await page.getByRole('button', { name: 'Discard changes' }).click();
    await eventually(() => templatesText()).toBe(original);
    await eventually(() => save.isDisabled()).toBe(true);
    // Nothing invalid reached the server.
    const stored = (await passline.request('GET', '/api/connectors')).body.find(
      (c: { factoryId: string }) => c.factoryId === 'twilio-sms',
    );
    expect(JSON.stringify(stored.config.templates)).toContain('Passline console test');
  });

  let twilioId = '';
  it('deletes with a confirmation that warns about the active connector', async () => {
    twilioId = (await smsConnectors()).find((connector) => connector.factoryId === 'twilio-sms')?.id as string;
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Twilio SMS?' });
    await eventually(() => textOf(confirm)).toContain('This is the active SMS connector.');
    await shot('delete-confirmation', false);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await smsConnectors()).toHaveLength(2);

    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Twilio SMS?' }).getByRole('button', { name: 'Delete' }).click();
    await heading('Connectors').waitFor();
    await visible(page.getByTestId('sms-row').getByRole('button', { name: 'Set up' }));
    expect((await smsConnectors()).map((connector) => [connector.factoryId, connector.active])).toEqual([
      ['aliyun-sms', false],
    ]);
  });

  it('shows verification settings, messages, API keys, sign-in experience and the dev outbox', async () => {
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(twilioId).toMatch(/^con_/);

    await nav.getByRole('link', { name: 'Verification settings' }).click();
    await heading('Verification settings').waitFor();
    await page.getByLabel('Code length').fill('12');
    await visible(page.getByText('Code length must be between 4 and 10 digits.'));
    await page.getByLabel('Code length').fill('8');
    await expectLeavingIsGuarded(/\/console\/verification$/, async () => {
      await visible(heading('Verification settings'));
      expect(await page.getByLabel('Code length').inputValue()).toBe('8');
    });

    // Another admin changes a setting meanwhile: the save names only the code length, keeps their
    // value, and the page shows what the server saved.
    const other = await passline.request('PATCH', '/api/settings/verification', { body: { ipHourlyLimit: 77 } });
    expect(other.status).toBe(200);
    const patch = page.waitForRequest(
      (request) => request.method() === 'PATCH' && request.url().endsWith('/api/settings/verification'),
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect((await patch).postDataJSON()).toEqual({ codeLength: 8 });
    await eventually(() => textOf(page.getByRole('status'))).toContain('Saved.');
    expect((await passline.request('GET', '/api/settings/verification')).body).toMatchObject({
      codeLength: 8,
      ipHourlyLimit: 77,
    });
    await eventually(() => page.getByLabel('Codes per IP address per hour').inputValue()).toBe('77');
    await shot('verification-settings');

    // Leaving after a confirmation drops the edit: the back button goes where it was pressed for.
    await page.getByLabel('Attempt limit').fill('3');
    await page.goBack();
    await leaveGuard().getByRole('button', { name: 'Leave without saving' }).click();
    await heading('Connectors').waitFor();
    expect((await passline.request('GET', '/api/settings/verification')).body.maxAttempts).not.toBe(3);

    await nav.getByRole('link', { name: 'Messages' }).click();
    await heading('Messages').waitFor();
    const refused = page.getByRole('cell', { name: /Attempt to send to unsubscribed recipient/ });
    await visible(refused);
    await eventually(() => textOf(refused)).toMatch(/\(code 21610\)\s*Request id RQ[0-9a-f]{32}/);
    await page.getByLabel('Status').selectOption('failed');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    await shot('messages');

    // Twilio was deleted; its messages and its place in the filter stay, named as in the table.
    await page.getByLabel('Status').selectOption('');
    const twilioLabel = new RegExp(`^Twilio SMS \\(${twilioId.slice(0, 12)}…, deleted\\)$`);
    const connectorFilter = page.getByLabel('Connector');
    const option = connectorFilter.locator('option').filter({ hasText: twilioLabel });
    await eventually(() => option.count()).toBe(1);
    await connectorFilter.selectOption(twilioId);
    const connectorCells = page.locator('tbody tr td:nth-child(4)');
    await eventually(() => connectorCells.count()).toBe(2);
    for (const cell of await connectorCells.all()) expect(await textOf(cell)).toMatch(twilioLabel);
    await connectorFilter.selectOption('');
    await visible(page.getByRole('cell', { name: 'Twilio SMS (test of unsaved settings)' }));
    await shot('messages-connectors');

    await nav.getByRole('link', { name: 'API keys' }).click();
    await heading('API keys').waitFor();
    await page.getByLabel('Name').fill('backend');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await textOf(page.getByTestId('new-key').locator('code'))).trim();
    expect((await passline.request('GET', '/api/connectors', { key })).status).toBe(403);
    await shot('api-keys');

    await nav.getByRole('link', { name: 'Sign-in experience' }).click();
    await heading('Sign-in experience').waitFor();
    const supported = (await passline.request('GET', '/api/settings/sign-in-experience')).status === 200;
    if (supported) {
      const toggle = page.getByRole('switch', { name: 'Sign in with an SMS code' });
      const before = await toggle.isChecked();
      await toggle.click();
      await eventually(() => textOf(page.getByRole('status'))).toContain('Saved.');
      expect((await passline.request('GET', '/api/settings/sign-in-experience')).body.phoneSignIn).toBe(!before);
    } else {
      // The endpoint is being built in parallel: the page says so instead of failing silently.
      await eventually(() => textOf(page.getByRole('alert'))).toContain(
        'does not offer sign-in experience settings yet',
      );
    }
    await shot('sign-in-experience');

    // dev-sms active → the Dev outbox appears in the navigation.
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: {} },
    });
    expect(created.status).toBe(201);
    await passline.request('POST', '/api/verifications', {
      key: passline.verifyKey,
      body: { to: phone, usage: 'SignIn' },
    });
    await page.reload();
    await nav.getByRole('link', { name: 'Connectors' }).click();
    await page.getByTestId('sms-row').getByRole('link', { name: 'Development SMS' }).click();
    await heading('Development SMS').waitFor();
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.getByTestId('test-outcome');
    await eventually(() => textOf(sent)).toContain('Test SMS sent to');
    await shot('dev-sms-test-sent');
    await sent.getByRole('link', { name: 'Dev outbox' }).click();
    await heading('Dev outbox').waitFor();
    await eventually(() => page.locator('tbody tr').count()).toBe(2);
    await shot('dev-outbox');
  });

  it('fits a narrow window and works with the keyboard', async () => {
    const devSms = (await passline.request('GET', '/api/connectors')).body.find(
      (connector: { factoryId: string }) => connector.factoryId === 'dev-sms',
    );
    expect((await passline.request('DELETE', `/api/connectors/${devSms.id}`)).status).toBe(204);
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(`${base}/console/connectors`);
    await heading('Connectors').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('connectors-narrow');

    // Keyboard only: Tab to "Set up", Enter opens the dialog, Escape closes it. A new page first
    // moves focus to its heading; wait for that, or it may take the focus back from the button.
    await eventually(() => page.evaluate<string>('document.activeElement.tagName')).toBe('H1');
    await page.getByTestId('sms-row').getByRole('button', { name: 'Set up' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Set up an SMS connector' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.goto(`${base}/console/connectors/setup/twilio-sms`);
    await heading('Set up Twilio SMS').waitFor();
    const guideOverflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(guideOverflow).toBeLessThanOrEqual(0);
    await shot('setup-guide-narrow');
  });

  it('starts the page near the top on a phone-sized screen, the navigation one row that scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/console/connectors', '/console/messages', '/console/verification']) {
      await page.goto(`${base}${path}`);
      await visible(page.locator('main h1'));
      const mainTop = (await page.locator('main').boundingBox())?.y ?? Number.POSITIVE_INFINITY;
      // The top bar and one row of navigation: about 90 px.
      expect(mainTop, path).toBeLessThan(120);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), path).toBe(0);
      await shot(`phone${path.replaceAll('/', '-')}`, false);
    }
    // Every section stays reachable: the last link scrolls into view and works.
    const last = nav().getByRole('link', { name: 'API keys' });
    await last.scrollIntoViewIfNeeded();
    await last.click();
    await heading('API keys').waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('has a favicon on the console and on the hosted pages', async () => {
    for (const path of ['/console/connectors', '/sign-in']) {
      await page.goto(`${base}${path}`);
      // A string: this file is type-checked without the DOM library.
      const icon = await page.evaluate<{ href: string; status: number; type: string | null }>(`(async () => {
        const link = document.querySelector('link[rel="icon"]');
        const response = await fetch(link ? link.href : '/missing', { credentials: 'omit' });
        return { href: link ? link.href : '', status: response.status, type: response.headers.get('content-type') };
      })()`);
      expect(icon, path).toEqual({
        href: `${base}/favicon.svg`,
        status: 200,
        type: expect.stringMatching(/^image\/svg\+xml/),
      });
    }
  });
});
