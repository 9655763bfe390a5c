import type { ProviderSimulator } from '@passline/provider-simulator';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import type { TestPassline } from '../../server/test/app.ts';
import { eventually, password, phone, textOf, useConsoleSession, visible } from './console-session.ts';

/** First-run setup and the SMS connector pages, one admin's session from test to test. */
describeInChromium('admin console: first-run setup and SMS connectors', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, smsConnectors, setTemplates, expectLeavingIsGuarded, savedConnectorPage, templatesText } =
    session;
  let simulator: ProviderSimulator;
  let passline: TestPassline;
  let page: Page;
  let base: string;
  let setupToken: string;
  beforeAll(() => {
    ({ simulator, passline, page, base, setupToken } = session.current());
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
    // The console opens on the dashboard.
    await heading('Dashboard').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is wrong.' }).waitFor();
    await shot('sign-in-refused');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Dashboard').waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Connectors' }).click();
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
    // Aliyun reports delivery to a URL set in its console: the page shows it, read-only, to copy.
    const receiptUrl = page.getByLabel('Delivery receipt URL', { exact: true });
    const aliyunId = page.url().split('/').at(-1) ?? '';
    await eventually(() => receiptUrl.inputValue()).toMatch(
      new RegExp(`/api/webhooks/aliyun-sms/status\\?connector=${aliyunId}&token=[\\w-]{43}$`),
    );
    expect(await receiptUrl.getAttribute('readonly')).not.toBeNull();
    await visible(page.getByRole('button', { name: 'Copy the delivery receipt URL' }));
    await shot('connector-receipt-url');

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
    // Twilio gets the receipt URL with every message: nothing to paste anywhere.
    expect(await page.getByLabel('Delivery receipt URL', { exact: true }).count()).toBe(0);
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

  it('deletes with a confirmation that warns about the active connector', async () => {
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
});
