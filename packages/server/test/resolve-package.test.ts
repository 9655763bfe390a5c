import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePackageFrom } from '../src/services/connectors/resolve-package.ts';

const root = mkdtempSync(join(tmpdir(), 'passline-resolve-'));
const project = join(root, 'project');
const nested = join(project, 'deploy', 'here');
mkdirSync(nested, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function install(where: string, name: string, manifest: Record<string, unknown>): string {
  const dir = join(where, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }));
  return dir;
}
const url = (path: string) => pathToFileURL(path).href;

describe('resolvePackageFrom (PASSLINE_CONNECTORS package names)', () => {
  const conditional = install(project, 'conditional', {
    exports: { '.': { types: './index.d.ts', require: './index.cjs', import: './index.mjs' }, './extra': './extra.js' },
  });
  const scoped = install(project, '@acme/connector', {
    exports: { node: { import: './node.mjs' }, default: './browser.js' },
  });
  const patterned = install(project, 'patterned', { exports: { './*': './lib/*.mjs', './x/*': './x/*.js' } });
  const legacy = install(project, 'legacy', { main: 'main.js' });
  const bare = install(project, 'bare', {});

  it('reads exports with the import conditions, as Node does for an import', () => {
    expect(resolvePackageFrom(nested, 'conditional')).toBe(url(join(conditional, 'index.mjs')));
    expect(resolvePackageFrom(nested, 'conditional/extra')).toBe(url(join(conditional, 'extra.js')));
    expect(resolvePackageFrom(nested, '@acme/connector')).toBe(url(join(scoped, 'node.mjs')));
    expect(resolvePackageFrom(nested, 'patterned/a/b')).toBe(url(join(patterned, 'lib', 'a', 'b.mjs')));
    expect(resolvePackageFrom(nested, 'patterned/x/y')).toBe(url(join(patterned, 'x', 'y.js')));
  });

  it('falls back to main, then index.js, for packages without exports', () => {
    expect(resolvePackageFrom(nested, 'legacy')).toBe(url(join(legacy, 'main.js')));
    expect(resolvePackageFrom(nested, 'bare')).toBe(url(join(bare, 'index.js')));
  });

  it('takes the nearest node_modules, and says when a subpath is not exported', () => {
    const nearer = install(nested, 'conditional', { exports: './nearer.mjs' });
    expect(resolvePackageFrom(nested, 'conditional')).toBe(url(join(nearer, 'nearer.mjs')));
    expect(resolvePackageFrom(project, 'conditional')).toBe(url(join(conditional, 'index.mjs')));
    expect(() => resolvePackageFrom(project, 'conditional/secret')).toThrow(/"\.\/secret" is not exported/);
  });

  it('returns undefined when no node_modules up from the directory has the package', () => {
    expect(resolvePackageFrom(nested, 'passline-no-such-package')).toBeUndefined();
  });
});
