import { execFile, spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
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
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM received');
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
