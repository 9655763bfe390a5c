#!/usr/bin/env node
// Compiles the server (with the connector kit and the built-in connectors) to one JavaScript file,
// packages/server/dist/passline.mjs. Production runs that file with plain Node: no TypeScript
// loader thread, about 35 MB less memory, faster start. Third-party packages stay in node_modules.
// `passline` (bin/passline.js) calls ensureServerBuild() first, which rebuilds only when a source
// is newer than the build (about 0.1 s), so a fresh clone and an edited checkout both just work.
// It also keeps the connector kit's dist/ current: the bundle carries its own copy of the kit, but
// custom connectors written in JavaScript import the kit's compiled package from node_modules.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKit, ensureKitBuild } from '../../connector-kit/scripts/build.mjs';
import { buildHostedPages, ensureHostedPagesBuild } from './build-hosted-pages.mjs';
import { newestMtime } from './newest-mtime.mjs';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(serverDir, '..', '..');
export const serverBundle = join(serverDir, 'dist', 'passline.mjs');
const sources = [
  join(serverDir, 'src'),
  join(serverDir, 'package.json'),
  join(serverDir, 'scripts', 'build.mjs'),
  join(repoRoot, 'packages', 'connector-kit', 'src'),
  join(repoRoot, 'packages', 'contracts', 'src'),
  join(repoRoot, 'packages', 'connectors'),
];

export function serverBuildIsFresh() {
  if (!existsSync(serverBundle)) return false;
  const built = statSync(serverBundle).mtimeMs;
  return sources.every((source) => newestMtime(source) <= built);
}

/**
 * Bundled modules share the bundle's import.meta.url, but ours use it to find files beside their
 * source (connector READMEs, hosted pages, the console build, package.json). Each module gets the
 * URL of its source file instead, computed relative to the bundle so the checkout can move.
 */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return { contents, loader: 'ts' };
      const fromBundle = relative(dirname(serverBundle), args.path).split('\\').join('/');
      const sourceUrl = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: contents.replaceAll('import.meta.url', sourceUrl), loader: 'ts' };
    });
  },
};

/** Everything outside this repository's workspaces is loaded from node_modules at run time. */
const externalPackagesPlugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@passline/') ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildServer() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(serverDir, 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The workspace packages' TypeScript sources, not their builds (see connector-kit's exports).
    conditions: ['passline-source'],
    sourcemap: 'linked',
    outfile: serverBundle,
    write: false,
    logLevel: 'silent',
    plugins: [externalPackagesPlugin, sourceUrlPlugin],
  });
  mkdirSync(dirname(serverBundle), { recursive: true });
  // Concurrent starts (tests, several CLI calls) may build at once: write aside, then rename.
  const suffix = `.${process.pid}.tmp`;
  // The bundle goes last: its mtime is what marks the build as fresh.
  const files = [...result.outputFiles].sort(
    (left, right) => Number(left.path === serverBundle) - Number(right.path === serverBundle),
  );
  for (const file of files) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
}

/** Returns true when it had to build the server. */
export async function ensureServerBuild() {
  await ensureKitBuild();
  await ensureHostedPagesBuild();
  if (serverBuildIsFresh()) return false;
  await buildServer();
  return true;
}

async function buildAll() {
  // Like the bundle, the kit's build does not stop at type errors (`npm run typecheck` does).
  const problems = await buildKit();
  if (problems) console.warn(`@passline/connector-kit compiled with errors:\n${problems}`);
  await buildHostedPages();
  await buildServer();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAll().then(
    () =>
      console.log(
        `Built packages/connector-kit/dist, packages/server/dist/hosted/app.js and ${relative(process.cwd(), serverBundle)}`,
      ),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
