import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { cliEnvironment, passlineBin } from './cli-env.ts';

const repositoryRoot = new URL('../../../', import.meta.url).pathname;
const readme = readFileSync(new URL('README.md', `file://${repositoryRoot}`), 'utf8');

/** The shell block under "Send your first code", exactly as a reader would paste it. */
function quickStartBlock(): string {
  const section = readme.slice(readme.indexOf('### Send your first code'));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('no sh block under "Send your first code" in README.md');
  return match[1];
}

let server: ChildProcess | undefined;
const { dataDir, env } = cliEnvironment('passline-readme-');
afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the server as `npm start` does (compiled bundle), on a free port; resolves with the port. */
function startServer(): Promise<number> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [passlineBin, 'start'], {
      cwd: repositoryRoot,
      env: { ...env, PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      output += String(chunk);
      const port = /Listening on http:\/\/[^:]+:(\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
}

it('runs the README quick start block top to bottom, as pasted, and approves the code', async () => {
  const port = await startServer();
  const script = quickStartBlock()
    .replaceAll('localhost:3000', `localhost:${port}`)
    // `npx passline` resolves to this same entry point; calling it directly skips npx's start-up.
    .replaceAll('npx passline', `node ${passlineBin}`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: repositoryRoot,
    env,
  });
  const lines = stdout.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^\{"id":"vrf_[^"]+","status":"approved"\}$/);
  expect(stdout).toMatch(/^verification vrf_\S+$/m);
});
