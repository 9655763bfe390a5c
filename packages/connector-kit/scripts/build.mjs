#!/usr/bin/env node
// Compiles the connector kit to dist/: JavaScript for Node and for connectors written in plain
// JavaScript, .d.ts declarations for connectors written in TypeScript (tsconfig.build.json).
// The monorepo's own tests, typecheck and the server bundle read src/ through the "passline-source"
// export condition and never wait for this build.
//
// Who runs it: `npm ci` (this package's `prepare`; npm runs workspaces' prepare on install), the
// root `npm run build`, and `passline` before every command, `npm start` included (the server's
// ensureServerBuild, which rebuilds only when a source is newer than dist/index.js). The last one is
// what makes it reliable: an install with --ignore-scripts, a fresh clone and an edited checkout
// all get a current dist/ before the server loads a custom connector that imports the kit.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const kitDir = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(kitDir, 'tsconfig.build.json');
/** Written last: its mtime is what marks the build as fresh. */
export const kitEntry = join(kitDir, 'dist', 'index.js');
const sources = [join(kitDir, 'src'), join(kitDir, 'package.json'), configFile, fileURLToPath(import.meta.url)];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function kitBuildIsFresh() {
  if (!existsSync(kitEntry)) return false;
  const built = statSync(kitEntry).mtimeMs;
  return sources.every((source) => newestMtime(source) <= built);
}

/**
 * Compiles src/ and writes dist/. Returns the compiler's complaints as text ('' when none): type
 * errors do not stop the output (like the server bundle, which esbuild builds without checking).
 */
export async function buildKit() {
  let ts;
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new Error('building @passline/connector-kit needs typescript, a dev dependency: run npm ci');
  }
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, kitDir, undefined, configFile);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const outputs = [];
  const emitted = program.emit(undefined, (path, text) => outputs.push({ path, text }));
  // Concurrent starts (tests, several CLI calls) may build at once: write aside, then rename, so no
  // process ever imports a half-written file. The entry goes last.
  outputs.sort((left, right) => Number(left.path === kitEntry) - Number(right.path === kitEntry));
  const suffix = `.${process.pid}.tmp`;
  for (const { path, text } of outputs) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path + suffix, text);
    renameSync(path + suffix, path);
  }
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => kitDir,
    getNewLine: () => '\n',
  });
}

/** Builds when dist/ is missing or older than a source. Returns true when it had to build. */
export async function ensureKitBuild() {
  if (kitBuildIsFresh()) return false;
  const problems = await buildKit();
  if (problems) console.warn(`@passline/connector-kit compiled with errors:\n${problems}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `prepare` (npm ci) reports type errors without failing the install; `--strict` (the package's
  // `build` script, for a release) fails on them.
  const strict = process.argv.includes('--strict');
  buildKit().then(
    (problems) => {
      if (problems) console.error(problems);
      if (problems && strict) process.exit(1);
      console.log(`Built ${relative(process.cwd(), dirname(kitEntry))}`);
    },
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
