import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The export conditions Node's `import` matches, in the order a package lists them. */
const importConditions = new Set(['node', 'import', 'default']);

/**
 * Finds the file an `import` of a package name means to a module in `directory`: the package in
 * the nearest node_modules up from there, its `exports` read with import conditions (else `main`).
 * A plain `import(name)` in the server would search from the server's own files instead, and miss
 * connectors installed in the project Passline is started from. Returns a file URL, or undefined
 * when no node_modules up from `directory` holds the package.
 */
export function resolvePackageFrom(directory: string, specifier: string): string | undefined {
  const { name, subpath } = splitSpecifier(specifier);
  // The same node_modules folders, in the same order, that Node searches from this directory.
  const searchPaths = createRequire(join(directory, 'noop.js')).resolve.paths(name) ?? [];
  for (const nodeModules of searchPaths) {
    const packageDir = join(nodeModules, name);
    const manifestPath = join(packageDir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown; main?: unknown };
    const target =
      manifest.exports === undefined
        ? subpath === '.'
          ? typeof manifest.main === 'string'
            ? manifest.main
            : 'index.js'
          : subpath
        : exportedTarget(manifest.exports, subpath);
    if (target === undefined) throw new Error(`"${subpath}" is not exported by ${manifestPath}`);
    return pathToFileURL(resolve(packageDir, target)).href;
  }
  return undefined;
}

function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(nameLength).join('/');
  return { name: parts.slice(0, nameLength).join('/'), subpath: rest ? `./${rest}` : '.' };
}

/** `exports` is a target, a set of conditions, or a map from subpaths (`"."`, `"./x"`, `"./*"`). */
function exportedTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exports === 'object' &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((key) => key.startsWith('.'));
  const map = (isSubpathMap ? exports : { '.': exports }) as Record<string, unknown>;
  if (Object.hasOwn(map, subpath)) return conditionalTarget(map[subpath]);
  // Patterns: the longest matching prefix wins, and its `*` takes the matched text.
  const patterns = Object.keys(map)
    .filter((key) => key.includes('*'))
    .sort((left, right) => right.indexOf('*') - left.indexOf('*'));
  for (const key of patterns) {
    const [prefix = '', suffix = ''] = key.split('*');
    if (subpath.length < key.length - 1 || !subpath.startsWith(prefix) || !subpath.endsWith(suffix)) continue;
    const matched = subpath.slice(prefix.length, subpath.length - suffix.length);
    return conditionalTarget(map[key])?.replaceAll('*', matched);
  }
  return undefined;
}

function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionalTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined; // null: deliberately not exported
  for (const [condition, nested] of Object.entries(value)) {
    if (!importConditions.has(condition)) continue;
    const target = conditionalTarget(nested);
    if (target !== undefined) return target;
  }
  return undefined;
}
