import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { secretMask } from '@passline/connector-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildConfig, fieldsOf, initialState } from '../../console/src/config-form.ts';
import { checkTemplates, vocabularyOf } from '../../console/src/template-lint.ts';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Messages sent through Logto's published SmsAero and GatewayAPI connectors (the real npm packages)
// to local stubs that speak each provider's request and answer. GatewayAPI takes its endpoint from
// the config; SmsAero posts to its fixed host, https://gate.smsaero.ru, so this file (and only it)
// routes that host to a local HTTPS stub: a self-signed certificate for gate.smsaero.ru, made here,
// and an https agent that connects to the stub and trusts that certificate. Any other https host
// is refused, so nothing reaches the internet.

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
const smsAeroId = 'logto-smsaero-short-message-service';
const gatewayApiId = 'logto-gatewayapi-sms';
const smsAeroHost = 'gate.smsaero.ru';

interface Received {
  path: string;
  authorization: string | undefined;
  body: Record<string, any>;
}

function readJson(request: IncomingMessage): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => resolve(raw ? JSON.parse(raw) : {}));
  });
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** SmsAero v2: POST /v2/sms/send, basic auth email:apiKey, `{ number, sign, text }`. */
const smsAero = { received: [] as Received[], credentials: 'ops@example.com:aero-key', port: 0 };
async function handleSmsAero(request: IncomingMessage, response: ServerResponse) {
  const body = await readJson(request);
  smsAero.received.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
  if (request.headers.authorization !== `Basic ${Buffer.from(smsAero.credentials).toString('base64')}`) {
    return json(response, 401, { success: false, data: null, message: 'Your request is not authorized' });
  }
  const now = Math.floor(Date.now() / 1000);
  json(response, 200, {
    success: true,
    data: {
      id: 5000 + smsAero.received.length,
      from: body.sign,
      number: body.number,
      text: body.text,
      status: 8,
      extendStatus: 'moderation',
      channel: 'FREE SIGN',
      cost: 5.49,
      dateCreate: now,
      dateSend: now,
    },
    message: null,
  });
}

/** GatewayAPI: POST /rest/mtsms, the API token as basic auth user, `{ sender, message, recipients }`. */
const gatewayApi = { received: [] as Received[], token: 'gw-token', url: '' };
async function handleGatewayApi(request: IncomingMessage, response: ServerResponse) {
  if (request.url === '/slow') return; // never answers
  const body = await readJson(request);
  gatewayApi.received.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
  if (request.headers.authorization !== `Basic ${Buffer.from(`${gatewayApi.token}:`).toString('base64')}`) {
    return json(response, 401, {
      code: '0x0213',
      incident_uuid: 'd8127429-fb38-4d7c-a05f-7e2d4a9bd6a5',
      message: 'Unauthorized, check your API token',
      variables: [],
    });
  }
  json(response, 200, {
    ids: [421332670 + gatewayApi.received.length],
    usage: { countries: { DK: 1 }, currency: 'EUR', total_cost: 0.0335 },
  });
}

const certificateDir = mkdtempSync(join(tmpdir(), 'passline-logto-tls-'));
let smsAeroServer: https.Server;
let gatewayApiServer: Server;
const originalAgent = https.globalAgent;

beforeAll(async () => {
  const key = join(certificateDir, 'key.pem');
  const cert = join(certificateDir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${smsAeroHost}`],
      ...['-addext', `subjectAltName=DNS:${smsAeroHost}`],
    ],
    { stdio: 'ignore' },
  );
  const certificate = readFileSync(cert);
  smsAeroServer = https.createServer({ key: readFileSync(key), cert: certificate }, handleSmsAero);
  await new Promise<void>((resolve) => smsAeroServer.listen(0, '127.0.0.1', resolve));
  smsAero.port = (smsAeroServer.address() as AddressInfo).port;
  gatewayApiServer = createHttpServer(handleGatewayApi);
  await new Promise<void>((resolve) => gatewayApiServer.listen(0, '127.0.0.1', resolve));
  gatewayApi.url = `http://127.0.0.1:${(gatewayApiServer.address() as AddressInfo).port}`;

  // got (SmsAero's HTTP client) uses https.globalAgent: only its host is let through, to the stub,
  // with the stub's certificate checked against that host name.
  const toStub = new https.Agent();
  Object.assign(toStub, {
    createConnection(options: tls.ConnectionOptions) {
      if (options.host !== smsAeroHost) throw new Error(`test: no connections to ${options.host}`);
      return tls.connect({
        ...options,
        host: '127.0.0.1',
        port: smsAero.port,
        servername: smsAeroHost,
        ca: certificate,
      });
    },
  });
  https.globalAgent = toStub;
});

afterAll(async () => {
  https.globalAgent = originalAgent;
  smsAeroServer.closeAllConnections();
  gatewayApiServer.closeAllConnections();
  await Promise.all([
    new Promise((resolve) => smsAeroServer.close(resolve)),
    new Promise((resolve) => gatewayApiServer.close(resolve)),
  ]);
  rmSync(certificateDir, { recursive: true, force: true });
});

const templates = [
  { usageType: 'Register', content: 'Register: {{code}}' },
  { usageType: 'SignIn', content: 'Sign in: {{code}}, {{expiresInMinutes}} min' },
  { usageType: 'SignIn', locale: 'ru', content: 'Код входа: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset: {{code}}' },
  { usageType: 'Generic', content: 'Test code: {{code}}' },
];
const smsAeroConfig = () => ({ email: 'ops@example.com', apiKey: 'aero-key', senderName: 'SMS Aero', templates });
const gatewayApiConfig = () => ({
  endpoint: `${gatewayApi.url}/rest/mtsms`,
  apiToken: gatewayApi.token,
  sender: 'Passline',
  templates,
});

let serial = 1000;
const russianNumber = () => `+7916123${serial++}`;
const danishNumber = () => `+452012${serial++}`;

describeEachEngine('Logto connectors: sending through the real SmsAero and GatewayAPI packages', (database) => {
  let passline: TestPassline;

  beforeAll(async () => {
    passline = await startTestPassline(database(), {
      config: { connectorModules: ['@logto/connector-smsaero', '@logto/connector-gatewayapi-sms'] },
    });
  });
  afterAll(async () => {
    await passline.close();
  });

  /** Sends a code with the Verification API, reads it at the stub, and checks it. */
  async function sendAndApprove(to: string, received: Received[], locale?: string) {
    const count = received.length;
    const sent = await passline.request('POST', '/api/verifications', {
      key: passline.verifyKey,
      body: { to, usage: 'SignIn', ...(locale ? { locale } : {}) },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(received.length).toBe(count + 1);
    const delivery = received.at(-1) as Received;
    const text = String(delivery.body.text ?? delivery.body.message);
    const code = /(\d{4,10})/.exec(text)?.[1];
    const checked = await passline.request('POST', `/api/verifications/${sent.body.id}/check`, {
      key: passline.verifyKey,
      body: { code },
    });
    expect(checked.body).toEqual({ id: sent.body.id, status: 'approved' });
    return { delivery, text };
  }

  async function latestLogEntry() {
    const page = await passline.request('GET', '/api/messages?limit=1');
    return page.body.items[0];
  }

  it('lists both connectors with name and logo, and serves the README, form schema and templates field', async () => {
    const list = await passline.request('GET', '/api/connector-factories');
    const byId = new Map((list.body as Array<{ id: string; logo: string }>).map((factory) => [factory.id, factory]));
    expect(byId.get(smsAeroId)).toMatchObject({ type: 'sms', name: 'SMS Aero service' });
    expect(byId.get(gatewayApiId)).toMatchObject({ type: 'sms', name: 'GatewayAPI SMS Service' });
    expect(byId.get(smsAeroId)?.logo).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(byId.get('dev-sms')).toBeDefined();

    const details = await passline.request('GET', `/api/connector-factories/${smsAeroId}`);
    expect(details.status).toBe(200);
    expect(details.body.readme).toBe(
      readFileSync(join(repositoryRoot, 'node_modules', '@logto', 'connector-smsaero', 'README.md'), 'utf8'),
    );
    expect(details.body.secretFields).toEqual(['apiKey']);
    // What the console's form and template editor read: `templates` as an array of { usageType, locale?, content }.
    const properties = details.body.configSchema.properties;
    expect(Object.keys(properties)).toEqual(['email', 'apiKey', 'senderName', 'templates', 'timeoutMs']);
    expect(properties.templates.type).toBe('array');
    expect(Object.keys(properties.templates.items.properties)).toEqual(['usageType', 'locale', 'content']);
    expect(details.body.configSchema.required).toEqual(['email', 'apiKey', 'senderName']);
  });

  it("refuses a config the connector's guard refuses, with the issue at its field", async () => {
    const refused = await passline.request('POST', '/api/connectors', {
      body: { factoryId: smsAeroId, config: { ...smsAeroConfig(), email: 'ops-at-example' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'connector.invalid_config',
      details: { issues: [{ path: 'email', message: 'Invalid email' }] },
    });
  });

  it('sends and approves a code through SmsAero: basic auth, digits-only number, the language template', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: smsAeroId, config: smsAeroConfig() },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.config.apiKey).toBe(secretMask);

    const to = russianNumber();
    const { delivery, text } = await sendAndApprove(to, smsAero.received);
    expect(delivery).toMatchObject({
      path: '/v2/sms/send',
      authorization: `Basic ${Buffer.from('ops@example.com:aero-key').toString('base64')}`,
      body: { number: to.slice(1), sign: 'SMS Aero' },
    });
    expect(text).toMatch(/^Sign in: \d{6}, \d+ min$/);
    expect(await latestLogEntry()).toMatchObject({
      factoryId: smsAeroId,
      status: 'sent',
      providerMessageId: String(5000 + smsAero.received.length),
    });

    const russian = await sendAndApprove(russianNumber(), smsAero.received, 'ru-RU');
    expect(russian.text).toMatch(/^Код входа: \d{6}$/);
  });

  it("sends the console's test SMS (Generic) through an unsaved config and a saved one's masked secret", async () => {
    const unsaved = await passline.request('POST', `/api/connector-factories/${smsAeroId}/test`, {
      body: { to: russianNumber(), config: smsAeroConfig() },
    });
    expect(unsaved.status, JSON.stringify(unsaved.body)).toBe(200);
    expect(unsaved.body.messageId).toBe(String(5000 + smsAero.received.length));
    expect(smsAero.received.at(-1)?.body.text).toMatch(/^Test code: \d{6}$/);

    const saved = (await passline.request('GET', '/api/connectors')).body.find(
      (connector: { factoryId: string }) => connector.factoryId === smsAeroId,
    );
    const edited = await passline.request('POST', `/api/connector-factories/${smsAeroId}/test`, {
      body: {
        to: russianNumber(),
        connectorId: saved.id,
        config: { ...smsAeroConfig(), apiKey: secretMask, senderName: 'Edited' },
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(smsAero.received.at(-1)).toMatchObject({
      authorization: `Basic ${Buffer.from('ops@example.com:aero-key').toString('base64')}`,
      body: { sign: 'Edited' },
    });
  });

  it("works with the console's form, template editor and test panel as they read the factory", async () => {
    const factory = (await passline.request('GET', `/api/connector-factories/${gatewayApiId}`)).body;
    const fields = fieldsOf(factory);
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ['endpoint', 'text'],
      ['apiToken', 'secret'],
      ['sender', 'text'],
      ['templates', 'templates'],
      ['timeoutMs', 'number'],
    ]);
    // A new connector starts with Passline's default texts, which the editor accepts as they are.
    const state = initialState(factory, fields);
    const itemSchema = factory.configSchema.properties.templates.items;
    expect(checkTemplates(state.templates, itemSchema, vocabularyOf(factory)).ok).toBe(true);
    const noCode = JSON.stringify(templates.map((item) => ({ ...item, content: 'hello' })));
    const flagged = checkTemplates(noCode, itemSchema, vocabularyOf(factory));
    expect(flagged.ok).toBe(false);

    const values = {
      ...state.values,
      endpoint: `${gatewayApi.url}/rest/mtsms`,
      apiToken: gatewayApi.token,
      sender: 'Form',
    };
    const built = buildConfig(fields, { ...state, values }, JSON.parse(state.templates));
    expect(built.fieldErrors).toEqual({});
    const tested = await passline.request('POST', `/api/connector-factories/${gatewayApiId}/test`, {
      body: { to: danishNumber(), config: built.config },
    });
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(gatewayApi.received.at(-1)?.body).toMatchObject({
      sender: 'Form',
      message: expect.stringMatching(/^Your verification code is \d{6}\. It is valid for 10 minutes\.$/),
    });
  });

  it("reports SmsAero's refusal to the admin in the provider's words", async () => {
    const refused = await passline.request('POST', `/api/connector-factories/${smsAeroId}/test`, {
      body: { to: russianNumber(), config: { ...smsAeroConfig(), apiKey: 'wrong-key' } },
    });
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({
      code: 'delivery.rejected',
      details: {
        kind: 'provider_rejected',
        providerCode: 'general',
        providerMessage: 'Your request is not authorized',
      },
    });
  });

  it('sends and approves a code through GatewayAPI at the configured endpoint, and logs its message id', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: gatewayApiId, config: gatewayApiConfig() },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.config.apiToken).toBe(secretMask);

    const to = danishNumber();
    const { delivery, text } = await sendAndApprove(to, gatewayApi.received);
    expect(delivery).toMatchObject({
      path: '/rest/mtsms',
      authorization: `Basic ${Buffer.from('gw-token:').toString('base64')}`,
      body: { sender: 'Passline', recipients: [{ msisdn: to.slice(1) }] },
    });
    expect(text).toMatch(/^Sign in: \d{6}, \d+ min$/);
    expect(await latestLogEntry()).toMatchObject({
      factoryId: gatewayApiId,
      status: 'sent',
      providerMessageId: String(421332670 + gatewayApi.received.length),
    });
  });

  it('maps GatewayAPI failures: refusal, unreachable endpoint, no answer within the timeout', async () => {
    const test = (config: Record<string, unknown>) =>
      passline.request('POST', `/api/connector-factories/${gatewayApiId}/test`, {
        body: { to: danishNumber(), config: { ...gatewayApiConfig(), ...config } },
      });

    const refused = await test({ apiToken: 'revoked' });
    expect(refused.body.error).toMatchObject({
      code: 'delivery.rejected',
      details: { kind: 'provider_rejected', providerMessage: 'Unauthorized, check your API token' },
    });

    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await test({ endpoint: `http://127.0.0.1:${closedPort}/rest/mtsms` });
    expect(unreachable.body.error).toMatchObject({
      code: 'delivery.provider_unavailable',
      details: { kind: 'provider_unavailable', providerCode: 'ECONNREFUSED' },
    });

    const slow = await test({ endpoint: `${gatewayApi.url}/slow`, timeoutMs: 1000 });
    expect(slow.status).toBe(504);
    expect(slow.body.error).toMatchObject({ code: 'delivery.timeout', details: { kind: 'timeout' } });
  });
});
