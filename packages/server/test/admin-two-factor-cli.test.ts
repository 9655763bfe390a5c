import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createPassline } from '../src/main.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';

const { dataDir, env } = cliEnvironment('passline-two-factor-cli-');
const password = 'a password from stdin';

function passline(stdin: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [passlineBin, ...args], { env });
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

/** The server on the CLI's data folder (same SQLite file, same generated key), briefly. */
async function withInstance<T>(run: (instance: Awaited<ReturnType<typeof createPassline>>) => Promise<T>) {
  const instance = await createPassline(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  try {
    return await run(instance);
  } finally {
    await instance.close();
  }
}

describe('passline admins reset-two-factor and keys rotate (embedded SQLite)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keys rotate reports the TOTP secrets; the reset turns two-factor off for a lost device', async () => {
    expect((await passline(`${password}\n`, 'admins', 'create', '--username', 'root')).code).toBe(0);
    await withInstance(async (instance) => {
      const admin = { id: '', username: 'root' };
      admin.id = (await instance.storage.db.selectFrom('admins').select('id').executeTakeFirstOrThrow()).id;
      const { secret } = await instance.adminAuth.twoFactor.startEnrolment(admin);
      const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
      expect(await instance.adminAuth.confirmEnrolment(admin, code, '::1')).toHaveLength(10);
      expect((await instance.adminAuth.signIn({ username: 'root', password, ip: '::1' })).kind).toBe('pending');
    });

    const rotated = await passline('', 'keys', 'rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('admin two-factor secrets: 0 re-encrypted, 1 already under it');

    const reset = await passline('', 'admins', 'reset-two-factor', '--username', 'Root');
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toContain('Two-factor sign-in of "Root" is off and their sessions ended.');
    await withInstance(async (instance) => {
      expect((await instance.adminAuth.signIn({ username: 'root', password, ip: '::1' })).kind).toBe('session');
      const audit = await instance.auditLog.list({ action: 'admin.two_factor_disable', limit: 10 });
      expect(audit.items[0]).toMatchObject({ actor: { type: 'cli' }, target: { id: 'root' } });
    });

    const unknown = await passline('', 'admins', 'reset-two-factor', '--username', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No admin is named "nobody".');
  });
});
