import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, passlineBin } from './cli-env.ts';

// What an operator does: Logto's packages installed in the project Passline is started from, named
// in PASSLINE_CONNECTORS, run by the compiled server (`npm start`), which before the adapter refused
// them ("a connector must export an object"). GatewayAPI takes its endpoint from the config, so it
// sends to a local stub speaking GatewayAPI's REST API; SmsAero (a fixed host) is only listed here.

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
const { dataDir, env } = cliEnvironment('passline-logto-compiled-');
const project = mkdtempSync(join(tmpdir(), 'passline-logto-compiled-project-'));

const received: Array<{ authorization: string | undefined; body: Record<string, any> }> = [];
const gatewayApi: Server = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => (raw += chunk));
  request.on('end', () => {
    received.push({ authorization: request.headers.authorization, body: JSON.parse(raw) });
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ids: [7700 + received.length], usage: { countries: { DK: 1 }, currency: 'EUR' } }));
  });
});

let server: ChildProcess | undefined;
let output = '';
let baseUrl = '';
let adminKey = '';

beforeAll(async () => {
  mkdirSync(join(project, 'node_modules', '@logto'), { recursive: true });
  for (const name of ['connector-smsaero', 'connector-gatewayapi-sms']) {
    symlinkSync(join(repositoryRoot, 'node_modules', '@logto', name), join(project, 'node_modules', '@logto', name));
  }
  await new Promise<void>((resolve) => gatewayApi.listen(0, '127.0.0.1', resolve));
  const created = await promisify(execFile)(
    process.execPath,
    [passlineBin, 'api-keys', 'create', '--name', 'logto', '--scope', 'admin'],
    { env },
  );
  adminKey = created.stdout.trim().split('\n').at(-1) as string;

  server = spawn(process.execPath, [passlineBin, 'start'], {
    cwd: project,
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PASSLINE_CONNECTORS: '@logto/connector-smsaero,@logto/connector-gatewayapi-sms',
    },
  });
  server.stdout?.on('data', (chunk) => (output += chunk));
  server.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => server?.on('exit', resolve));
  for (let attempt = 0; attempt < 300 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); attempt++) {
    if (await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(resolve, 100, false))])) {
      break;
    }
  }
  const port = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  if (!port) throw new Error(`the server did not start:\n${output}`);
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.on('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => gatewayApi.close(resolve));
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('Logto connector packages through the compiled server', () => {
  it('loads both packages by name from the working directory, with their names and logos', async () => {
    const factories = await api('GET', '/api/connector-factories');
    const logto = (factories.body as Array<{ id: string; name: string; logo: string }>).filter((factory) =>
      factory.id.startsWith('logto-'),
    );
    expect(logto.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: 'logto-smsaero-short-message-service', name: 'SMS Aero service' },
      { id: 'logto-gatewayapi-sms', name: 'GatewayAPI SMS Service' },
    ]);
    for (const factory of logto) expect(factory.logo).toMatch(/^data:image\/svg\+xml;base64,/);
    const readme = await api('GET', '/api/connector-factories/logto-gatewayapi-sms');
    expect(readme.body.readme).toMatch(/^# GatewayAPI SMS connector/);
  });

  it('sends a code through GatewayAPI and checks it', async () => {
    const created = await api('POST', '/api/connectors', {
      factoryId: 'logto-gatewayapi-sms',
      config: {
        endpoint: `http://127.0.0.1:${(gatewayApi.address() as AddressInfo).port}/rest/mtsms`,
        apiToken: 'compiled-token',
        sender: 'Passline',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sent = await api('POST', '/api/verifications', { to: '+4520123499', usage: 'SignIn' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const delivery = received.at(-1);
    expect(delivery).toMatchObject({
      authorization: `Basic ${Buffer.from('compiled-token:').toString('base64')}`,
      body: { sender: 'Passline', recipients: [{ msisdn: '4520123499' }] },
    });
    // Passline's default sign-in text, as the config left the templates out.
    const code = /sign-in verification code is (\d{6})/.exec(String(delivery?.body.message))?.[1];
    const checked = await api('POST', `/api/verifications/${sent.body.id}/check`, { code });
    expect(checked.body).toEqual({ id: sent.body.id, status: 'approved' });
  });
});
