#!/usr/bin/env node
// Compiles the hosted sign-in pages' script (TypeScript, src/accounts/pages/app.ts, with the shared
// @passline/contracts it imports) to one browser file, packages/server/dist/hosted/app.js, which
// the server serves as /hosted/app.js. Plain DOM and zod/mini keep it small.
//
// Who runs it: ensureServerBuild() (so `passline`, `npm start` and `npm run build` on a fresh
// clone), and the test setup (test/global-setup.ts), each rebuilding only when a source is newer.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './newest-mtime.mjs';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(serverDir, '..');
const pagesDir = join(serverDir, 'src', 'accounts', 'pages');
export const hostedPagesScript = join(serverDir, 'dist', 'hosted', 'app.js');
const sources = [
  pagesDir,
  join(packagesDir, 'contracts', 'src'),
  join(packagesDir, 'connector-kit', 'src', 'vocabulary.ts'),
  fileURLToPath(import.meta.url),
];

export function hostedPagesBuildIsFresh() {
  if (!existsSync(hostedPagesScript)) return false;
  const built = statSync(hostedPagesScript).mtimeMs;
  return sources.every((source) => newestMtime(source) <= built);
}

export async function buildHostedPages() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(pagesDir, 'app.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // What the pages' users run: browsers of the last few years.
    target: ['es2022'],
    conditions: ['passline-source'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  mkdirSync(dirname(hostedPagesScript), { recursive: true });
  // Concurrent starts (tests, several CLI calls) may build at once: write aside, then rename.
  const aside = `${hostedPagesScript}.${process.pid}.tmp`;
  writeFileSync(aside, output.contents);
  renameSync(aside, hostedPagesScript);
}

/** Returns true when it had to build. */
export async function ensureHostedPagesBuild() {
  if (hostedPagesBuildIsFresh()) return false;
  await buildHostedPages();
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildHostedPages().then(
    () => console.log('Built packages/server/dist/hosted/app.js'),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
