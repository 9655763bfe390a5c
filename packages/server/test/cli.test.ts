import { execFile, spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createPassline } from '../src/main.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';

const run = promisify(execFile);
const bin = passlineBin;
const { dataDir, env } = cliEnvironment('passline-cli-');
const passline = (...args: string[]) => run(process.execPath, [bin, ...args], { env });

describe('the passline CLI (embedded SQLite)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, and a second migrate changes nothing', async () => {
    expect((await passline('migrate')).stdout).toContain('database is up to date');
    expect((await passline('migrate')).stdout).toContain('database is up to date');
    // The generated encryption key is readable by its owner only.
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('creates a key, prints it once as the last line, lists without it, and revokes it', async () => {
    const created = await passline('api-keys', 'create', '--name', 'backend', '--scope', 'verify');
    const lines = created.stdout.trim().split('\n');
    const key = lines.at(-1) as string;
    expect(key).toMatch(/^pl_[A-Za-z0-9_-]{43}$/);
    const id = created.stdout.match(/API key (key_[A-Za-z0-9_-]+)/)?.[1] as string;
    expect(id).toBeDefined();

    const listed = await passline('api-keys', 'list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('verify');
    expect(listed.stdout).not.toContain(key);

    expect((await passline('api-keys', 'revoke', id)).stdout).toContain(`Revoked ${id}`);
    expect((await passline('api-keys', 'list')).stdout).toMatch(new RegExp(`${id}.*revoked`));

    // Both changes are in the audit log, made by the CLI, and the key itself is nowhere in it.
    const server = await createPassline(loadConfig(env), { logger: pino({ level: 'silent' }) });
    try {
      const { items } = await server.auditLog.list({ limit: 10 });
      const forKey = items.filter((entry) => entry.target.id === id);
      expect(forKey.map((entry) => [entry.action, entry.actor.type])).toEqual([
        ['api_key.revoke', 'cli'],
        ['api_key.create', 'cli'],
      ]);
      expect(JSON.stringify(items)).not.toContain(key);
    } finally {
      await server.close();
    }
  });

  it('starts the server, serves requests, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'start'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let attempt = 0; attempt < 100 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const port = output.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
    expect(port, output).toBeDefined();
    expect(await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).toEqual({
      status: 'ok',
      database: 'sqlite',
      checks: { database: 'ok' },
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM received');
  });

  it('runs compiled: built-in READMEs found, a TypeScript connector loaded, its errors recognised', async () => {
    const created = await passline('api-keys', 'create', '--name', 'compiled', '--scope', 'admin');
    const key = created.stdout.trim().split('\n').at(-1) as string;
    const child = spawn(process.execPath, [bin, 'start'], {
      env: {
        ...env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        PASSLINE_CONNECTORS: './examples/webhook-sms-connector/index.ts',
      },
      cwd: new URL('../../..', import.meta.url).pathname,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let attempt = 0; attempt < 100 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const port = output.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
      expect(port, output).toBeDefined();
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: response.status, body: (await response.json()) as Record<string, any> };
      };
      // Modules inside the bundle still find the files beside their sources.
      const twilio = await api('GET', '/api/connector-factories/twilio-sms');
      expect(twilio.body.readme).toContain('Account SID');
      const webhook = await api('GET', '/api/connector-factories/webhook-sms');
      expect(webhook.status).toBe(200);
      // The example throws ConnectorError from its own copy of the kit; the bundle must recognise it
      // (a foreign error would come back as "the connector failed unexpectedly").
      const unreachable = await api('POST', '/api/connector-factories/webhook-sms/test', {
        to: '+12015550172',
        config: {
          url: 'http://127.0.0.1:1/send',
          signingSecret: 'gateway-signing-secret-0123456789',
          templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
            usageType,
            content: 'Your code is {{code}}',
          })),
        },
      });
      expect(unreachable.body.error).toMatchObject({
        code: 'delivery.provider_unavailable',
        details: { kind: 'provider_unavailable' },
      });
      expect(unreachable.body.error.message).not.toContain('failed unexpectedly');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses a bad scope and a bad environment with a readable message', async () => {
    await expect(passline('api-keys', 'create', '--name', 'x', '--scope', 'root')).rejects.toMatchObject({
      stderr: expect.stringContaining('Allowed choices are admin, verify'),
    });
    await expect(
      run(process.execPath, [bin, 'migrate'], { env: { ...env, PORT: 'eighty', PASSLINE_DATABASE_URL: 'mysql://x' } }),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/Invalid configuration:[\s\S]*PORT[\s\S]*PASSLINE_DATABASE_URL/),
    });
  });
});
