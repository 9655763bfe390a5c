import type { ProviderName, ProviderSimulator } from '@passline/provider-simulator';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeInChromium } from '../../../test/browser.ts';
import { eventually, password, textOf, useConsoleSession, visible } from './console-session.ts';

/**
 * How one of the newer built-in SMS connectors is filled in through the console: each field by the
 * label its config schema gives it (`.meta({ title })`), with the simulator's credentials where
 * the connector's test-helpers.ts puts them, and its endpoint or base URL at the simulator.
 */
interface ConnectorCase {
  factoryId: string;
  name: string;
  /** A heading of its README, to see the README is rendered beside the form. */
  readmeHeading: string;
  provider: ProviderName;
  /** Distinct area codes, so the protection's per-prefix limit never steps in. */
  to: string;
  fields: (simulator: ProviderSimulator) => Array<[label: RegExp, value: string]>;
  /** What the simulator records for the test SMS. */
  expectedText: RegExp;
  /** False for http-sms, whose templates are optional and left empty. */
  editsTemplates: boolean;
}

/** Whether a logo shows: an inline svg, or an image that loaded (a broken src has no natural width). */
const rendered = (element: unknown): boolean => {
  const image = element as { tagName: string; complete?: boolean; naturalWidth?: number };
  return image.tagName.toLowerCase() === 'svg' || (image.complete === true && (image.naturalWidth ?? 0) > 0);
};

const generic = (name: string) => `Passline ${name} panel test: your code is {{code}}.`;
const genericText = (name: string) => new RegExp(`^Passline ${name} panel test: your code is \\d{6}\\.$`);

const cases: ConnectorCase[] = [
  {
    factoryId: 'vonage-sms',
    name: 'Vonage SMS',
    readmeHeading: 'What you need from Vonage',
    provider: 'vonage',
    to: '+12025550191',
    fields: (simulator) => [
      [/^API key/, simulator.credentials.vonage.apiKey],
      [/^API secret/, simulator.credentials.vonage.apiSecret],
      [/^Sender \(brand name or number\)/, 'Passline'],
      [/^Endpoint/, simulator.url],
    ],
    expectedText: genericText('vonage'),
    editsTemplates: true,
  },
  {
    factoryId: 'plivo-sms',
    name: 'Plivo SMS',
    readmeHeading: 'What you need from Plivo',
    provider: 'plivo',
    to: '+13125550192',
    fields: (simulator) => [
      [/^Auth ID/, simulator.credentials.plivo.authId],
      [/^Auth Token/, simulator.credentials.plivo.authToken],
      [/^Sender number or ID/, '+14155550100'],
      [/^Endpoint/, simulator.url],
    ],
    expectedText: genericText('plivo'),
    editsTemplates: true,
  },
  {
    factoryId: 'sinch-sms',
    name: 'Sinch SMS',
    readmeHeading: 'What you need from Sinch',
    provider: 'sinch',
    to: '+14155550193',
    fields: (simulator) => [
      [/^Service plan ID/, simulator.credentials.sinch.servicePlanId],
      [/^API token/, simulator.credentials.sinch.apiToken],
      [/^From \(number or sender ID\)/, '+12025550134'],
      [/^Endpoint/, simulator.url],
    ],
    expectedText: genericText('sinch'),
    editsTemplates: true,
  },
  {
    factoryId: 'infobip-sms',
    name: 'Infobip SMS',
    readmeHeading: 'What you need from Infobip',
    provider: 'infobip',
    to: '+16175550194',
    fields: (simulator) => [
      [/^API key/, simulator.credentials.infobip.apiKey],
      [/^Base URL/, simulator.url],
      [/^Sender/, 'Passline'],
    ],
    expectedText: genericText('infobip'),
    editsTemplates: true,
  },
  {
    factoryId: 'aws-sns-sms',
    name: 'Amazon SNS SMS',
    readmeHeading: 'What you need from AWS',
    provider: 'sns',
    to: '+17135550195',
    fields: (simulator) => [
      [/^Access key ID/, simulator.credentials.sns.accessKeyId],
      [/^Secret access key/, simulator.credentials.sns.secretAccessKey],
      [/^Region/, simulator.credentials.sns.region],
      [/^Endpoint/, simulator.url],
    ],
    expectedText: genericText('sns'),
    editsTemplates: true,
  },
  {
    factoryId: 'http-sms',
    name: 'HTTP SMS',
    readmeHeading: 'Why templates are optional',
    provider: 'http',
    to: '+12065550196',
    fields: (simulator) => [
      [/^Endpoint/, `${simulator.url}/http-sms/messages`],
      [/^Authorization header/, simulator.credentials.http.authorization],
      [/^Signing secret/, simulator.credentials.http.signingSecret],
    ],
    // Without templates the receiver gets only the code (tools/provider-simulator/src/http-sms.ts).
    expectedText: /^code: \d{6}$/,
    editsTemplates: false,
  },
];

/** The six newer SMS connectors, each set up and tested through its setup page's test panel. */
describeInChromium('admin console: test panels of the newer SMS connectors', () => {
  vi.setConfig({ testTimeout: 60_000 });
  const session = useConsoleSession();
  const { shot, heading, smsConnectors, setTemplates, savedConnectorPage, templatesText } = session;
  let simulator: ProviderSimulator;
  let page: Page;

  beforeAll(async () => {
    const current = session.current();
    ({ simulator, page } = current);
    // First-run setup, as the first admin: it lands on the dashboard, then on to the connectors.
    await page.goto(`${current.base}/console/`);
    await heading('Create the first admin').waitFor();
    await page.getByLabel('Setup token').fill(current.setupToken);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the password').fill(password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await heading('Dashboard').waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Connectors' }).click();
    await heading('Connectors').waitFor();
  }, 60_000);

  /**
   * "Set up" while no SMS connector is active; afterwards the console offers "Change connector"
   * on the active connector's page instead, with the same list of connector types.
   */
  async function pickConnector(connector: ConnectorCase, first: boolean) {
    let dialogName: string;
    if (first) {
      await page.getByRole('button', { name: 'Set up' }).click();
      dialogName = 'Set up an SMS connector';
    } else {
      await page.getByRole('button', { name: 'More' }).click();
      await page.getByRole('menuitem', { name: 'Change connector' }).click();
      dialogName = 'Change connector';
    }
    const dialog = page.getByRole('dialog', { name: dialogName });
    // Every one of the six is listed, each with its logo inside its button, and the logo loads.
    for (const { name } of cases) {
      const logo = dialog.getByRole('button', { name: new RegExp(`^${name}`) }).locator('img, svg');
      await visible(logo);
      await eventually(() => logo.evaluate(rendered)).toBe(true);
    }
    if (first) await shot('connector-panels-set-up-dialog', false);
    await dialog.getByRole('button', { name: new RegExp(`^${connector.name}`) }).click();
    await heading(first ? `Set up ${connector.name}` : `Change connector: ${connector.name}`).waitFor();
  }

  /** The Generic template gets a text of its own; the other usages keep the connector's defaults. */
  async function editGenericTemplate(connector: ConnectorCase) {
    const templates = JSON.parse(await templatesText()) as Array<{ usageType: string; content: string }>;
    expect(templates.map((template) => template.usageType)).toEqual(
      expect.arrayContaining(['Register', 'SignIn', 'ForgotPassword', 'Generic']),
    );
    const edited = templates.map((template) =>
      template.usageType === 'Generic' ? { ...template, content: generic(connector.provider) } : template,
    );
    await setTemplates(JSON.stringify(edited, null, 2));
    await visible(page.getByText('Templates look good'));
  }

  cases.forEach((connector, index) => {
    it(`sets up ${connector.name} and sends a test SMS to the simulator from its test panel`, async () => {
      await pickConnector(connector, index === 0);
      await visible(
        page
          .getByRole('region', { name: `${connector.name} README` })
          .getByRole('heading', { name: connector.readmeHeading }),
      );
      await visible(page.getByRole('heading', { name: 'Parameter configuration' }));

      for (const [label, value] of connector.fields(simulator)) {
        const input = page.getByLabel(label);
        if ((await input.evaluate((element) => element.tagName)) === 'SELECT') await input.selectOption(value);
        else await input.fill(value);
      }
      if (connector.editsTemplates) await editGenericTemplate(connector);
      else {
        // Left empty: the receiver renders its own text from the code.
        expect(JSON.parse(await templatesText())).toEqual([]);
        expect(
          await page.getByTestId('template-problems').count(),
          'http-sms templates are optional: left empty, the editor must not list problems',
        ).toBe(0);
      }
      await eventually(() => page.getByRole('button', { name: 'Save and done' }).isDisabled()).toBe(false);

      await page.getByLabel('Phone number').fill(connector.to);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      // The outcome shows the number masked, as everywhere in the console.
      const masked = `\\+${connector.to.slice(1, 5)}\\*+${connector.to.slice(-2)}`;
      await eventually(() => textOf(page.getByTestId('test-outcome'))).toMatch(
        new RegExp(`Test SMS sent to ${masked} `),
      );
      const received = simulator.messages({ provider: connector.provider, to: connector.to });
      expect(received).toHaveLength(1);
      expect(received[0]?.text).toMatch(connector.expectedText);
      // Nothing went anywhere else: the number is this connector's alone.
      expect(simulator.messages({ to: connector.to })).toHaveLength(1);
      await shot(`connector-panel-${connector.factoryId}`);

      await page.getByRole('button', { name: 'Save and done' }).click();
      await savedConnectorPage();
      await heading(connector.name).waitFor();
      await visible(page.locator('.details-meta').getByText('Active', { exact: true }));
    });
  });

  it('keeps every connector, with only the last one saved active', async () => {
    const connectors = await smsConnectors();
    expect(connectors.map((connector) => connector.factoryId).sort()).toEqual(
      cases.map((connector) => connector.factoryId).sort(),
    );
    expect(connectors.filter((connector) => connector.active).map((connector) => connector.factoryId)).toEqual([
      'http-sms',
    ]);
  });
});
