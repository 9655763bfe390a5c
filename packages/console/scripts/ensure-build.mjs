#!/usr/bin/env node
// Builds the console when its build is missing or older than its sources, so `npm start` from a
// fresh clone serves a working console and a second `npm start` does not wait for a build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const consoleDir = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(consoleDir, 'dist', 'index.html');
// The console's own files, and the shared contracts it bundles (with the kit module they pass on).
const sources = [
  'src',
  'index.html',
  'vite.config.ts',
  'package.json',
  '../contracts/src',
  '../connector-kit/src/vocabulary.ts',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function consoleBuildIsFresh() {
  if (!existsSync(builtIndex)) return false;
  const built = statSync(builtIndex).mtimeMs;
  return sources.every((source) => newestMtime(join(consoleDir, source)) <= built);
}

// npm workspaces hoist vite to the root node_modules, but may keep it here; vite's package
// exports do not expose its bin, hence the walk up.
function findViteBin() {
  for (let dir = consoleDir; ; dir = join(dir, '..')) {
    const candidate = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    if (existsSync(candidate)) return candidate;
    if (join(dir, '..') === dir) throw new Error('vite is not installed: run npm ci');
  }
}

/** Returns true when it had to build. Throws when the build fails. */
export function ensureConsoleBuild({ quiet = false } = {}) {
  if (consoleBuildIsFresh()) return false;
  if (!quiet) console.log('Building the admin console (packages/console) ...');
  const vite = findViteBin();
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', quiet ? 'error' : 'warn'], {
    cwd: consoleDir,
    // A test runner's NODE_ENV=test would otherwise give React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`the console build failed:\n${result.stderr ?? ''}${result.stdout ?? ''}`);
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureConsoleBuild();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
