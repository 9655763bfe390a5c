import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectorErrorCodes,
  ConnectorError as LogtoConnectorError,
  sendMessagePayloadGuard,
  validateConfig,
} from '@logto/connector-kit';
import {
  type ConnectorContext,
  type ConnectorFactory,
  isConnectorError,
  parseConnectorConfig,
  secretFields,
} from '@passline/connector-kit';
import { got } from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectorRegistry } from '../src/services/connectors/connector-registry.ts';
import { fromLogtoError } from '../src/services/connectors/logto-adapter/errors.ts';

// Logto's published SMS connectors (the real npm packages, root devDependencies), loaded the way
// PASSLINE_CONNECTORS loads them: by package name from the node_modules of the working directory.

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
const logtoPackages = join(repositoryRoot, 'node_modules', '@logto');
const project = mkdtempSync(join(tmpdir(), 'passline-logto-project-'));
const smsAeroId = 'logto-smsaero-short-message-service';
const gatewayApiId = 'logto-gatewayapi-sms';

/** Installs a Logto package in the project as npm links a package: a folder in its node_modules. */
function installInProject(name: string): void {
  mkdirSync(join(project, 'node_modules', '@logto'), { recursive: true });
  symlinkSync(join(logtoPackages, name), join(project, 'node_modules', '@logto', name), 'dir');
}

/** A module of the project's own, as PASSLINE_CONNECTORS names one by path. */
function projectModule(name: string, source: string): string {
  mkdirSync(join(project, 'connectors'), { recursive: true });
  writeFileSync(join(project, 'connectors', name), source);
  return `./connectors/${name}`;
}

const templates = [
  { usageType: 'Register', content: 'Register: {{code}}' },
  { usageType: 'SignIn', content: 'Sign in: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset: {{code}}' },
  { usageType: 'Generic', content: 'Code: {{code}}' },
];

let smsAero: ConnectorFactory;
let gatewayApi: ConnectorFactory;

beforeAll(async () => {
  installInProject('connector-smsaero');
  installInProject('connector-gatewayapi-sms');
  const registry = await loadConnectorRegistry(
    [
      '@logto/connector-smsaero',
      '@logto/connector-gatewayapi-sms',
      join(repositoryRoot, 'examples', 'webhook-sms-connector', 'index.ts'),
    ],
    project,
  );
  smsAero = registry.get(smsAeroId) as ConnectorFactory;
  gatewayApi = registry.get(gatewayApiId) as ConnectorFactory;
  expect(registry.get('dev-sms')).toBeDefined();
  expect(registry.get('webhook-sms')?.metadata.name).toBeTruthy();
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('Logto connectors: loading and metadata', () => {
  it('maps metadata: English name and description, the logo file as a data URI, the README text', () => {
    const folder = join(project, 'node_modules', '@logto', 'connector-smsaero');
    expect(smsAero.metadata).toMatchObject({
      id: smsAeroId,
      type: 'sms',
      name: 'SMS Aero service',
      readme: readFileSync(join(folder, 'README.md'), 'utf8'),
    });
    expect(smsAero.metadata.description).toMatch(/^SMS Aero offers users to use SMS-mailing/);
    const logo = smsAero.metadata.logo;
    expect(logo.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(logo.split(',')[1] as string, 'base64').equals(readFileSync(join(folder, 'logo.svg')))).toBe(
      true,
    );
    expect(gatewayApi.metadata).toMatchObject({ id: gatewayApiId, name: 'GatewayAPI SMS Service' });
    expect(gatewayApi.metadata.configTemplate).toMatchObject({
      endpoint: 'https://gatewayapi.com/rest/mtsms',
      sender: 'ExampleSMS',
    });
  });

  it('marks credentials secret, so Passline encrypts them and never returns them', () => {
    expect(secretFields(smsAero.configSchema)).toEqual(['apiKey']);
    expect(secretFields(gatewayApi.configSchema)).toEqual(['apiToken']);
  });

  it('adapts a module exporting { factoryId, createConnector } as Logto passes them around', async () => {
    const specifier = projectModule(
      'wrapped.mjs',
      `const guard = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  factoryId: 'wrapped-sms',
  createConnector: async () => ({
    metadata: { id: 'wrapped-sms', target: 'wrapped', platform: null, name: { 'de-DE': 'Verpackt' },
      description: { 'de-DE': 'Ein Test' }, logo: './missing.svg', logoDark: null, readme: './missing.md' },
    type: 'Sms',
    configGuard: guard,
    sendMessage: async () => ({ body: '{"id":"w-1"}' }),
  }),
};
`,
    );
    const registry = await loadConnectorRegistry([specifier], project);
    const factory = registry.get('logto-wrapped-sms') as ConnectorFactory;
    // No English: the first language; no logo or README file: a placeholder, never a failed boot.
    expect(factory.metadata).toMatchObject({ name: 'Verpackt', description: 'Ein Test' });
    expect(factory.metadata.logo).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(factory.metadata.readme).toContain('Verpackt');
  });

  it('refuses Logto email and social connectors, and a createConnector that fails, naming the module', async () => {
    const email = projectModule(
      'email.mjs',
      `export default async () => ({ metadata: { id: 'mail', name: { en: 'Mail' }, description: { en: 'Mail' },
  logo: './logo.svg', readme: './README.md' }, type: 'Email', configGuard: { safeParse: () => ({ success: true }) },
  sendMessage: async () => undefined });\n`,
    );
    await expect(loadConnectorRegistry([email], project)).rejects.toThrow(
      `PASSLINE_CONNECTORS: "${email}": "mail" is a Logto Email connector; Passline runs Logto SMS connectors only`,
    );
    const broken = projectModule('broken.mjs', `export default async () => { throw new Error('no config'); };\n`);
    await expect(loadConnectorRegistry([broken], project)).rejects.toThrow(
      `PASSLINE_CONNECTORS: "${broken}": the Logto connector could not be created: no config`,
    );
  });
});

describe('Logto connectors: what sendMessage receives', () => {
  // A Logto-style connector with a real zod 3 guard (the copy Logto's packages install) that limits
  // usageType to Logto's own usages, and records what Passline hands it.
  let factory: ConnectorFactory;
  const calls = () => (globalThis as unknown as { logtoCalls: Array<Record<string, any>> }).logtoCalls;
  const context: ConnectorContext = {
    fetch,
    logger: { info: () => undefined, warn: () => undefined },
    outbox: { record: async () => undefined },
  };

  beforeAll(async () => {
    symlinkSync(
      join(logtoPackages, 'connector-smsaero', 'node_modules', 'zod'),
      join(project, 'node_modules', 'zod'),
      'dir',
    );
    const specifier = projectModule(
      'recording.mjs',
      `import { z } from 'zod';
globalThis.logtoCalls = [];
const configGuard = z.object({
  token: z.string(),
  templates: z.array(z.object({ usageType: z.enum(['Register', 'SignIn', 'ForgotPassword', 'Generic', 'MfaVerification']), content: z.string() })),
});
export default async ({ getConfig }) => ({
  metadata: { id: 'recording-sms', target: 'recording', platform: null, name: { en: 'Recording' },
    description: { en: 'Records' }, logo: './logo.svg', logoDark: null, readme: './README.md' },
  type: 'Sms',
  configGuard,
  sendMessage: async (data, config) => {
    const fromGetConfig = await getConfig('recording-sms');
    globalThis.logtoCalls.push({ data, config, fromGetConfig });
    if (data.payload.code === 'slow') await new Promise((resolve) => setTimeout(resolve, 5000));
    return { statusCode: 201, body: JSON.stringify({ sid: 'SM' + globalThis.logtoCalls.length }) };
  },
});
`,
    );
    factory = (await loadConnectorRegistry([specifier], project)).get('logto-recording-sms') as ConnectorFactory;
  });

  it('passes the number without "+", the usage as type, the payload, and the template Passline picked', async () => {
    const config = parseConnectorConfig(factory, {
      token: 't',
      timeoutMs: 5000,
      templates: [...templates, { usageType: 'SignIn', locale: 'ru', content: 'Код: {{code}}' }],
    });
    const sent = await factory.sendMessage(
      { to: '+79161234567', usage: 'SignIn', locale: 'ru-RU', payload: { code: '123456', expiresInMinutes: '10' } },
      config,
      context,
    );
    expect(sent).toEqual({ messageId: 'SM1' });
    const call = calls().at(-1) as Record<string, any>;
    expect(call.data).toEqual({
      to: '79161234567',
      type: 'SignIn',
      payload: { code: '123456', expiresInMinutes: '10', locale: 'ru-RU' },
    });
    // The chosen template first, then every template without a language; no Passline-only fields.
    expect(call.config).toEqual({
      token: 't',
      templates: [{ usageType: 'SignIn', content: 'Код: {{code}}' }, ...templates],
    });
    // A connector that asks getConfig during a send gets the same config.
    expect(call.fromGetConfig).toEqual(call.config);

    // A usage without its own template falls back to Generic, under the message's usage.
    await factory.sendMessage(
      { to: '+79161234567', usage: 'MfaVerification', payload: { code: '654321', expiresInMinutes: '10' } },
      config,
      context,
    );
    expect(calls().at(-1)?.config.templates[0]).toEqual({ usageType: 'MfaVerification', content: 'Code: {{code}}' });
  });

  it('leaves out default templates and refuses usages the guard does not accept', async () => {
    const defaults = (factory.metadata.configTemplate?.templates ?? []) as Array<{ usageType: string }>;
    expect(defaults.map((template) => template.usageType)).toEqual(['Register', 'SignIn', 'ForgotPassword', 'Generic']);
    const config = parseConnectorConfig(factory, { token: 't' });
    const count = calls().length;
    await expect(
      factory.sendMessage({ to: '+79161234567', usage: 'PhoneChanged', payload: {} }, config, context),
    ).rejects.toMatchObject({ kind: 'template_not_found' });
    expect(calls().length).toBe(count);
  });

  it("stops waiting when the send's deadline aborts, as a timeout", async () => {
    const config = parseConnectorConfig(factory, { token: 't', templates });
    const deadline = AbortSignal.timeout(50);
    await expect(
      factory.sendMessage(
        { to: '+79161234567', usage: 'SignIn', payload: { code: 'slow', expiresInMinutes: '10' } },
        config,
        { ...context, signal: deadline },
      ),
    ).rejects.toMatchObject({ kind: 'timeout', message: "Recording did not answer before the send's deadline." });
  });
});

describe('Logto connectors: config validation', () => {
  const valid = { email: 'ops@example.com', apiKey: 'aero-key', senderName: 'SMS Aero', templates };

  function issuesOf(factory: ConnectorFactory, config: unknown) {
    try {
      parseConnectorConfig(factory, config);
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'invalid_config') return error.issues;
      throw error;
    }
    throw new Error('the config was accepted');
  }

  it("turns the connector's own zod 3 guard issues into Passline config issues", () => {
    expect(issuesOf(smsAero, { ...valid, email: 'not-an-email' })).toEqual([
      { path: 'email', message: 'Invalid email' },
    ]);
  });

  it('reports missing fields and template problems at their paths', () => {
    const { apiKey: _apiKey, ...withoutKey } = valid;
    expect(issuesOf(smsAero, withoutKey)).toEqual([{ path: 'apiKey', message: expect.any(String) }]);
    const broken = templates.map((template) =>
      template.usageType === 'SignIn' ? { ...template, content: 'no code here' } : template,
    );
    expect(issuesOf(smsAero, { ...valid, templates: broken })).toEqual([
      { path: 'templates.1', message: 'the "SignIn" template must contain {{code}}' },
    ]);
    expect(issuesOf(gatewayApi, { apiToken: 't', sender: 'S', templates: templates.slice(1) })).toEqual([
      { path: 'templates', message: 'a template for usage "Register" is required' },
    ]);
  });

  it("accepts Passline's template languages, and fills defaults the connector declares", () => {
    const parsed = parseConnectorConfig(gatewayApi, {
      apiToken: 't',
      sender: 'S',
      templates: [...templates, { usageType: 'SignIn', locale: 'da-dk', content: 'Log ind: {{code}}' }],
    }) as Record<string, unknown>;
    expect(parsed.endpoint).toBe('https://gatewayapi.com/rest/mtsms');
    expect((parsed.templates as Array<{ locale?: string }>).at(-1)?.locale).toBe('da-DK');
    // Left out, the templates are Passline's default texts.
    const defaults = parseConnectorConfig(smsAero, { email: 'a@b.co', apiKey: 'k', senderName: 'S' });
    expect((defaults as { templates: Array<{ usageType: string }> }).templates.map((t) => t.usageType)).toEqual([
      'Register',
      'SignIn',
      'ForgotPassword',
      'Generic',
      'PhoneChanged',
    ]);
  });
});

describe("Logto connectors: Logto's ConnectorError codes and got's failures as Passline error kinds", () => {
  it.each([
    [ConnectorErrorCodes.General, 'provider_rejected', { message: '{"message":"refused"}' }],
    [ConnectorErrorCodes.AuthorizationFailed, 'provider_rejected', 'bad credentials'],
    [ConnectorErrorCodes.UsageLimitExceeded, 'provider_rejected', 'quota spent'],
    [ConnectorErrorCodes.InvalidRequestParameters, 'provider_rejected', 'bad number'],
    [ConnectorErrorCodes.RateLimitExceeded, 'rate_limited', 'slow down'],
    [ConnectorErrorCodes.TemplateNotFound, 'template_not_found', 'Cannot find template for type: SignIn'],
    [ConnectorErrorCodes.TemplateNotSupported, 'template_not_found', undefined],
    [ConnectorErrorCodes.InvalidResponse, 'provider_unavailable', 'Invalid response raw body type: object'],
    [ConnectorErrorCodes.InvalidConfigGuard, 'invalid_config', undefined],
    [ConnectorErrorCodes.NotImplemented, 'invalid_config', undefined],
  ] as const)('%s becomes %s', (code, kind, data) => {
    const mapped = fromLogtoError(new LogtoConnectorError(code, data), 'Acme');
    expect(mapped.kind).toBe(kind);
    expect(mapped.providerCode).toBe(code);
    // The provider's words: a string as given, the message inside a JSON answer body.
    if (typeof data === 'string') expect(mapped.providerMessage).toBe(data);
    if (code === ConnectorErrorCodes.General) expect(mapped.providerMessage).toBe('refused');
  });

  it("keeps the zod issues of InvalidConfig, thrown by Logto's own validateConfig", () => {
    let thrown: unknown;
    try {
      validateConfig({ code: 5 }, sendMessagePayloadGuard);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LogtoConnectorError);
    const mapped = fromLogtoError(thrown, 'Acme');
    expect(mapped).toMatchObject({ kind: 'invalid_config', providerCode: 'invalid_config' });
    expect(mapped.issues).toEqual([{ path: 'code', message: expect.stringMatching(/string/) }]);
    expect(mapped.message).toMatch(/^The Acme configuration is invalid: code: /);
  });

  describe('real got failures', () => {
    let server: Server;
    let base = '';
    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url === '/slow') return; // never answers
        response.writeHead(request.url === '/busy' ? 429 : 503, { 'retry-after': '30' }).end('try later');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const failureOf = async (request: () => Promise<unknown>) => {
      try {
        await request();
      } catch (error) {
        return fromLogtoError(error, 'Acme');
      }
      throw new Error('the request succeeded');
    };

    it('maps refused connections, timeouts and HTTP errors a connector lets through', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      expect(await failureOf(() => got.post(`http://127.0.0.1:${closedPort}/`, { retry: { limit: 0 } }))).toMatchObject(
        {
          kind: 'provider_unavailable',
          providerCode: 'ECONNREFUSED',
        },
      );
      expect(
        await failureOf(() => got.post(`${base}/slow`, { retry: { limit: 0 }, timeout: { request: 100 } })),
      ).toMatchObject({ kind: 'timeout' });
      expect(await failureOf(() => got.post(`${base}/busy`, { retry: { limit: 0 } }))).toMatchObject({
        kind: 'rate_limited',
        httpStatus: 429,
        retryAfterSeconds: 30,
      });
      expect(await failureOf(() => got.post(`${base}/down`, { retry: { limit: 0 } }))).toMatchObject({
        kind: 'provider_unavailable',
        httpStatus: 503,
        providerMessage: 'try later',
      });
    });
  });
});
