import type { CreateLogtoConnector } from './logto-types.ts';

/**
 * The `createConnector` of a Logto connector module, or undefined for anything else. A Logto
 * package's default export is the `createConnector({ getConfig })` function itself; Logto's own
 * loader also passes modules around as `{ factoryId?, createConnector }`. A Passline connector
 * exports a factory object with `metadata`, never a function, so the two cannot be mistaken.
 */
export function logtoConnectorCreator(candidate: unknown): CreateLogtoConnector | undefined {
  if (typeof candidate === 'function') return candidate as CreateLogtoConnector;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const record = candidate as Record<string, unknown>;
  if ('metadata' in record) return undefined;
  return typeof record.createConnector === 'function' ? (record.createConnector as CreateLogtoConnector) : undefined;
}
