import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, passlineBin } from './cli-env.ts';

// Connectors written in plain JavaScript, loaded by the compiled server as `npm start` runs it, from
// a project folder of their own: one by path, one by package name from that folder's node_modules.
// Both import @passline/connector-kit from node_modules, so they get the kit's compiled package, a
// different copy from the one inside the server bundle; their ConnectorErrors must still map.

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
const { dataDir, env } = cliEnvironment('passline-plain-js-');
const project = mkdtempSync(join(tmpdir(), 'passline-js-project-'));

/** The `js` block under "In plain JavaScript" in docs/connectors.md, exactly as a reader copies it. */
function documentedConnector(): string {
  const docs = readFileSync(join(repositoryRoot, 'docs', 'connectors.md'), 'utf8');
  const match = /```js\n([\s\S]*?)```/.exec(docs.slice(docs.indexOf('### In plain JavaScript')));
  if (!match?.[1]) throw new Error('no js block under "In plain JavaScript" in docs/connectors.md');
  return match[1];
}

/** An SMS gateway both connectors post to: it keeps what it received and answers per number. */
interface Received {
  path: string;
  authorization: string | undefined;
  body: { to: string; text: string };
}
const received: Received[] = [];
const answers: Record<string, { status: number; headers?: Record<string, string> }> = {
  '+12015550142': { status: 422 },
  '+12015550143': { status: 429, headers: { 'retry-after': '120' } },
};
const gateway: Server = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => {
    raw += chunk;
  });
  request.on('end', () => {
    const body = JSON.parse(raw) as Received['body'];
    received.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
    const answer = answers[body.to] ?? { status: 200 };
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.status === 200 ? { id: `msg-${received.length}` } : { error: 'no' }));
  });
});

let server: ChildProcess | undefined;
let output = '';
let baseUrl = '';
let adminKey = '';

beforeAll(async () => {
  // The project: the kit installed in its node_modules (linked to this checkout's package, as npm
  // links a local package), a connector file of its own, and a connector package installed there.
  mkdirSync(join(project, 'node_modules', '@passline'), { recursive: true });
  symlinkSync(
    join(repositoryRoot, 'packages', 'connector-kit'),
    join(project, 'node_modules', '@passline', 'connector-kit'),
    'dir',
  );
  mkdirSync(join(project, 'connectors'));
  writeFileSync(join(project, 'connectors', 'acme-sms.mjs'), documentedConnector());
  cpSync(
    join(repositoryRoot, 'examples', 'plain-js-connector'),
    join(project, 'node_modules', 'passline-connector-relay-sms'),
    { recursive: true },
  );

  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const run = promisify(execFile);
  const created = await run(process.execPath, [passlineBin, 'api-keys', 'create', '--name', 'js', '--scope', 'admin'], {
    env,
  });
  adminKey = created.stdout.trim().split('\n').at(-1) as string;

  server = spawn(process.execPath, [passlineBin, 'start'], {
    cwd: project,
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PASSLINE_CONNECTORS: './connectors/acme-sms.mjs,passline-connector-relay-sms',
    },
  });
  server.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  server.stderr?.on('data', (chunk) => {
    output += chunk;
  });
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
  await new Promise((resolve) => gateway.close(resolve));
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
  usageType,
  content: `Your ${usageType} code is {{code}}`,
}));

/** Sends a code through the active connector with the Verification API, reads it at the gateway, checks it. */
async function sendAndApprove(to: string, path: string) {
  const sent = await api('POST', '/api/verifications', { to, usage: 'SignIn' });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  const delivery = received.at(-1);
  expect(delivery).toMatchObject({ path, body: { to } });
  const code = /Your SignIn code is (\d+)/.exec(delivery?.body.text ?? '')?.[1];
  expect(code).toBeDefined();
  const checked = await api('POST', `/api/verifications/${sent.body.id}/check`, { code });
  expect(checked.body).toEqual({ id: sent.body.id, status: 'approved' });
  return delivery;
}

describe('plain JavaScript connectors through the compiled server', () => {
  it('loads both: the documented one by path, the example package by name from the working directory', async () => {
    const factories = await api('GET', '/api/connector-factories');
    const ids = (factories.body as unknown as Array<{ id: string }>).map((factory) => factory.id);
    expect(ids).toEqual(expect.arrayContaining(['acme-sms', 'relay-sms']));
  });

  it('sends a code through the documented connector, and its ConnectorError maps to a delivery error', async () => {
    const created = await api('POST', '/api/connectors', {
      factoryId: 'acme-sms',
      config: {
        url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/acme`,
        apiKey: 'acme-key',
        templates,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const delivery = await sendAndApprove('+12015550141', '/acme');
    expect(delivery?.authorization).toBe('Bearer acme-key');

    const refused = await api('POST', '/api/verifications', { to: '+12015550142', usage: 'SignIn' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('delivery.invalid_recipient');
  });

  it('sends a code through the packaged connector, and its throttling maps to 429 with Retry-After', async () => {
    const created = await api('POST', '/api/connectors', {
      factoryId: 'relay-sms',
      config: {
        url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/relay`,
        token: 'relay-token',
        templates,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const delivery = await sendAndApprove('+12015550144', '/relay');
    expect(delivery?.authorization).toBe('Bearer relay-token');

    const throttled = await api('POST', '/api/verifications', { to: '+12015550143', usage: 'SignIn' });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('delivery.rate_limited');
    expect(throttled.headers.get('retry-after')).toBe('120');
  });
});
