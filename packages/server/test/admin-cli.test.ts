import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createPassline } from '../src/main.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';

const bin = passlineBin;
const { dataDir, env } = cliEnvironment('passline-admin-cli-');

/** Runs the CLI with `stdin` piped in, as `printf '%s\n' "$PASSWORD" | npx passline ...` would. */
function passline(stdin: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('passline admins create (embedded SQLite)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an admin from a password on stdin, who can then sign in', async () => {
    const created = await passline('a password from stdin\n', 'admins', 'create', '--username', 'Root');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created console admin "root"');
    expect(created.stdout).not.toContain('a password from stdin');

    const instance = await createPassline(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      const outcome = await instance.adminAuth.signIn({
        username: 'root',
        password: 'a password from stdin',
        ip: '::1',
      });
      expect(outcome.kind === 'session' ? outcome.created.session.username : outcome.kind).toBe('root');
      // An admin exists now: no setup token is handed out any more.
      expect(await instance.adminAuth.issueSetupToken()).toBeUndefined();
    } finally {
      await instance.close();
    }
  });

  it('refuses a taken username and a short password, in words', async () => {
    const taken = await passline('another long password\n', 'admins', 'create', '--username', 'root');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('An admin named "root" already exists.');
    const short = await passline('short\n', 'admins', 'create', '--username', 'grace');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('the password needs at least 10 characters');
  });
});
