import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from '../../server/test/app.ts';
import { describeEachEngine } from '../../server/test/engines.ts';

const clientDir = fileURLToPath(new URL('..', import.meta.url));
const freshPhone = phoneSequence('208');

/** Runs the example as a user would: plain Node, the package resolved by name to its dist/ build. */
function runExample(env: Record<string, string>, to: string, answers: () => Promise<string[]>) {
  return new Promise<{ exitCode: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['example.mjs', to], { cwd: clientDir, env: { ...process.env, ...env } });
    let output = '';
    let prompts = 0;
    let pending: Promise<string[]> | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk);
      // One answer per "Code: " prompt, typed only once the example says it sent a code, as a person would.
      if (!output.endsWith('Code: ')) return;
      const index = prompts++;
      pending ??= answers();
      pending.then((lines) => {
        const line = lines[index];
        if (line === undefined) child.stdin.end();
        else child.stdin.write(`${line}\n`);
      }, reject);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

// The package's own build script, as `npm publish` would run it: dist/ with .js and .d.ts.
beforeAll(async () => {
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: clientDir });
});

describeEachEngine('@passline/client as published', (database) => {
  let passline: TestPassline;
  let dev: Awaited<ReturnType<typeof useDevSms>>;
  let baseUrl = '';

  beforeAll(async () => {
    passline = await startTestPassline(database());
    dev = await useDevSms(passline);
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => passline?.close());

  it('builds JavaScript with type declarations for every entry', () => {
    for (const file of ['index.js', 'index.d.ts', 'errors.js', 'error-codes.d.ts', 'openapi.d.ts']) {
      expect(existsSync(`${clientDir}dist/${file}`), file).toBe(true);
    }
  });

  it('runs the README example on plain Node: a wrong code is retried, the right one verifies', async () => {
    const to = freshPhone();
    const result = await runExample({ PASSLINE_URL: baseUrl, PASSLINE_API_KEY: passline.verifyKey }, to, async () => {
      const code = await dev.latestCode(to);
      return [code === '000000' ? '111111' : '000000', code];
    });
    expect(result.output).toContain('The code is wrong; 4 attempts left.');
    expect(result.output).toContain('Verified.');
    expect(result.exitCode).toBe(0);
  });
});
