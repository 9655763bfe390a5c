import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertConnectorFactory, type ConnectorFactory } from '@passline/connector-kit';
import { builtInConnectors } from '@passline/connectors';
import { adaptLogtoConnector, logtoConnectorCreator } from './logto-adapter/index.ts';
import { resolvePackageFrom } from './resolve-package.ts';

export interface ConnectorRegistry {
  list(): ConnectorFactory[];
  get(id: string): ConnectorFactory | undefined;
}

/**
 * Built-in connectors plus custom ones named in PASSLINE_CONNECTORS. A custom entry is a path
 * (relative to the working directory) or a package name, looked up in the node_modules of the
 * working directory and its parents (then, failing that, beside the server itself); its module's
 * default export, or an export named `connector`, is the factory. A Logto connector package (its
 * default export is Logto's `createConnector`) is adapted into a factory. Bad modules stop the boot
 * with a message naming the module.
 */
export async function loadConnectorRegistry(
  modules: readonly string[],
  cwd = process.cwd(),
): Promise<ConnectorRegistry> {
  const factories = new Map<string, ConnectorFactory>();
  for (const factory of builtInConnectors) factories.set(factory.metadata.id, factory);
  for (const specifier of modules) {
    let loaded: Record<string, unknown>;
    let target = specifier;
    try {
      target =
        specifier.startsWith('.') || isAbsolute(specifier)
          ? pathToFileURL(resolve(cwd, specifier)).href
          : (resolvePackageFrom(cwd, specifier) ?? specifier);
      loaded = await importConnectorModule(target);
    } catch (error) {
      throw new Error(`PASSLINE_CONNECTORS: cannot load "${specifier}": ${(error as Error).message}`);
    }
    const source = `PASSLINE_CONNECTORS: "${specifier}"`;
    const exported = loaded.default ?? loaded.connector;
    const createLogto = logtoConnectorCreator(exported);
    const candidate = createLogto
      ? await adaptLogtoConnector(createLogto, { moduleUrl: moduleLocation(target), source })
      : exported;
    assertConnectorFactory(candidate, source);
    if (factories.has(candidate.metadata.id)) {
      throw new Error(
        `PASSLINE_CONNECTORS: "${specifier}" uses the id "${candidate.metadata.id}", which is already taken`,
      );
    }
    factories.set(candidate.metadata.id, candidate);
  }
  return {
    list: () => [...factories.values()],
    get: (id) => factories.get(id),
  };
}

/** Where a module's file is, for a Logto connector's logo and README beside it. */
function moduleLocation(target: string): string {
  if (target.startsWith('file:')) return target;
  try {
    return import.meta.resolve(target);
  } catch {
    return target;
  }
}

/**
 * Imports a custom connector. The compiled server runs on plain Node, so a connector written in
 * TypeScript (a `.ts` file, as in examples/) is loaded through tsx, registered the first time one
 * is named; a connector published as JavaScript never loads tsx.
 */
let typescriptLoader: Promise<unknown> | undefined;
async function importConnectorModule(target: string): Promise<Record<string, unknown>> {
  if (/\.[mc]?ts$/.test(target)) {
    typescriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
    await typescriptLoader;
  }
  return (await import(target)) as Record<string, unknown>;
}
