import {
  type ConnectorContext,
  type ConnectorError,
  type ConnectorFactory,
  parseConnectorConfig,
  requiredUsageTypes,
  type SendResult,
} from '@passline/connector-kit';
import { type ConformanceHarness, expectConnectorError } from '@passline/connector-kit/conformance';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ProviderSimulator, startProviderSimulator } from './server.ts';
import type { DeliveredMessage, FailureMode, ProviderName } from './types.ts';

/**
 * For a vitest `describe` block: starts one simulator for the block, resets it before each test and
 * closes it afterwards. The handle forwards to the running simulator, so tests read as if they held
 * it directly (`simulator.url`, `simulator.messages()` ...).
 */
export function useProviderSimulator(): ProviderSimulator {
  let running: ProviderSimulator | undefined;
  beforeAll(async () => {
    running = await startProviderSimulator({ port: 0 });
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => running?.reset());
  const current = () => {
    if (!running) throw new Error('the provider simulator is used outside a test (it starts in beforeAll)');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get credentials() {
      return current().credentials;
    },
    messages: (filter) => current().messages(filter),
    failNext: (provider, mode, times) => current().failNext(provider, mode, times),
    receiptsNext: (provider, mode, options) => current().receiptsNext(provider, mode, options),
    setReportUrl: (provider, url) => current().setReportUrl(provider, url),
    receipts: (filter) => current().receipts(filter),
    receiptsSettled: () => current().receiptsSettled(),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}

type RawConfig = Record<string, unknown>;

/** A context for connector tests: the real fetch, and a logger and outbox that keep nothing. */
export const silentContext: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

/** Templates for the four required usages, one with a second variable and one with `{{ code }}` spaced. */
export const sampleTemplates = [
  { usageType: 'Register', content: 'Welcome! Your sign-up code is {{code}}, valid {{expiresInMinutes}} min.' },
  { usageType: 'SignIn', content: 'Sign-in code: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code: {{ code }}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];

/** A payload every sample template can render, and the text each usage's template renders it to. */
export const samplePayload = { code: '482913', expiresInMinutes: '10' };
export const sampleTexts: Record<string, string> = {
  Register: 'Welcome! Your sign-up code is 482913, valid 10 min.',
  SignIn: 'Sign-in code: 482913',
  ForgotPassword: 'Reset code: 482913',
  Generic: 'Your code is 482913',
};

export interface SimulatorSetup {
  /** Builds the raw config that points the connector at a simulator, with overrides on top. */
  rawConfig: (simulator: ProviderSimulator, overrides: RawConfig) => RawConfig;
  context: ConnectorContext;
}

/**
 * The two harnesses `describeConnectorConformance` asks for: each starts its own simulator (the
 * suite runs them side by side), and the failing one has the provider refuse its next ten messages.
 * The suite sends only `{code}`, so each sample template's ", valid {{expiresInMinutes}} ..." tail
 * is cut off for it.
 */
export function simulatorHarnesses(
  provider: ProviderName,
  setup: SimulatorSetup & { templates: Array<{ content: string }> },
): { harness: () => Promise<ConformanceHarness>; failingHarness: () => Promise<ConformanceHarness> } {
  const templates = setup.templates.map((template) => ({
    ...template,
    content: template.content.replace(/, valid.*$/, '.'),
  }));
  const start = async (configure?: (simulator: ProviderSimulator) => void): Promise<ConformanceHarness> => {
    const simulator = await startProviderSimulator({ port: 0 });
    configure?.(simulator);
    return {
      config: setup.rawConfig(simulator, { templates }),
      context: setup.context,
      delivered: async (to) => simulator.messages({ provider, to }).map((message) => message.text),
      close: () => simulator.close(),
    };
  };
  return {
    harness: () => start(),
    failingHarness: () => start((simulator) => simulator.failNext(provider, 'rejected', 10)),
  };
}

export interface SenderSetup extends SimulatorSetup {
  /** Usually the handle from `useProviderSimulator`, read at each send. */
  simulator: ProviderSimulator;
  to: string;
}

export interface ConnectorSender {
  /** Sends `usage` to the test's number through a config parsed as the server would parse it. */
  (
    usage: string,
    payload?: Record<string, string>,
    overrides?: RawConfig,
    fetchVia?: typeof fetch,
  ): Promise<SendResult>;
  /** Has the provider fail the next request in `mode`, sends SignIn and returns the ConnectorError. */
  failing(mode: FailureMode, overrides?: RawConfig): Promise<ConnectorError>;
  /**
   * Sends each required usage with the sample payload, one after another, and returns each result
   * with the message the simulator held last for the number right after that send.
   */
  eachUsage(): Promise<Array<{ usage: string; result: SendResult; message: DeliveredMessage | undefined }>>;
}

export function connectorSender<Config>(
  connector: ConnectorFactory<Config>,
  provider: ProviderName,
  setup: SenderSetup,
): ConnectorSender {
  const { simulator, context, to } = setup;
  const send = (
    usage: string,
    payload: Record<string, string> = { code: '123456' },
    overrides: RawConfig = {},
    fetchVia?: typeof fetch,
  ) =>
    connector.sendMessage(
      { to, usage, payload },
      parseConnectorConfig(connector, setup.rawConfig(simulator, overrides)),
      { ...context, fetch: fetchVia ?? context.fetch },
    );
  return Object.assign(send, {
    failing: (mode: FailureMode, overrides?: RawConfig) => {
      simulator.failNext(provider, mode);
      return expectConnectorError(send('SignIn', undefined, overrides));
    },
    eachUsage: async () => {
      const sent: Awaited<ReturnType<ConnectorSender['eachUsage']>> = [];
      for (const usage of requiredUsageTypes) {
        const result = await send(usage, samplePayload);
        sent.push({ usage, result, message: simulator.messages({ provider, to }).at(-1) });
      }
      return sent;
    },
  });
}

/**
 * The invalid configs every templated connector shares, built on a valid one: a template without
 * `{{code}}`, optionally one longer than the provider takes and one with a variable Passline never fills.
 */
export function invalidTemplateConfigs(
  valid: RawConfig,
  limits: { maxLength?: number; unknownVariable?: boolean } = {},
): Array<{ name: string; config: RawConfig }> {
  const withGeneric = (content: string) => ({
    ...valid,
    templates: [...sampleTemplates.slice(0, 3), { usageType: 'Generic', content }],
  });
  const configs = [{ name: 'template without {{code}}', config: withGeneric('Hello') }];
  if (limits.unknownVariable) {
    configs.push({
      name: 'template with a variable Passline never fills',
      config: withGeneric('Hi {{name}}, {{code}}'),
    });
  }
  if (limits.maxLength !== undefined) {
    const tooLong = `{{code}}${'x'.repeat(limits.maxLength)}`;
    configs.push({ name: `template longer than ${limits.maxLength} characters`, config: withGeneric(tooLong) });
  }
  return configs;
}

/**
 * A fetch that records the URL a connector asks for (a provider's real host) and carries the
 * request to the simulator over HTTP instead, keeping path and query.
 */
export function fetchViaSimulator(simulator: ProviderSimulator): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const redirect = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    asked.push(url.href);
    return fetch(new URL(`${url.pathname}${url.search}`, simulator.url), init);
  }) as typeof fetch;
  return { fetch: redirect, asked };
}
