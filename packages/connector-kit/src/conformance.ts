import { describe, expect, it } from 'vitest';
import {
  assertConnectorFactory,
  type ConnectorContext,
  type ConnectorFactory,
  configJsonSchema,
  parseConnectorConfig,
} from './connector.ts';
import { ConnectorError, connectorErrorKinds } from './connector-error.ts';
import { describeReceiptConformance, type ReceiptConformance } from './receipt-conformance.ts';
import { secretFields } from './secret.ts';
import { requiredUsageTypes } from './vocabulary.ts';

export interface ConformanceHarness {
  /** A raw config (as an admin would paste it) that delivers to this harness. */
  config: Record<string, unknown>;
  context: ConnectorContext;
  /** Everything the harness received for that number, as text, newest last. */
  delivered(to: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  factory: ConnectorFactory;
  /** Starts a fresh receiver (a simulator, an outbox ...) and a config that points at it. */
  harness(): Promise<ConformanceHarness>;
  /** Configs that must be refused, with a name for the test title. */
  invalidConfigs?: Array<{ name: string; config: unknown }>;
  /** A number the connector can deliver to. */
  to?: string;
  /**
   * Optional: a harness whose provider refuses every message. The connector must throw a
   * ConnectorError with one of the kit's kinds.
   */
  failingHarness?(): Promise<ConformanceHarness>;
  /**
   * For a factory with `receipts`: builds a genuine callback (what the provider would send) for a
   * message the harness accepted, so the suite can check what `parse` makes of it.
   */
  receipts?: ReceiptConformance;
}

/**
 * The checks every connector passes, built-in or third-party. Call it from a vitest test file:
 * `describeConnectorConformance({ factory, harness })`.
 */
export function describeConnectorConformance(options: ConformanceOptions): void {
  const { factory } = options;
  const to = options.to ?? '+15005550006';

  describe(`connector conformance: ${factory.metadata?.id ?? 'unknown'}`, () => {
    it('meets the factory contract (metadata, schema, sendMessage)', () => {
      expect(() => assertConnectorFactory(factory, 'factory')).not.toThrow();
      expect(factory.metadata.readme).toMatch(/^#/m);
    });

    it('exports its config schema as JSON Schema with secret fields marked write-only', () => {
      const schema = configJsonSchema(factory);
      expect(schema.type).toBe('object');
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const field of secretFields(factory.configSchema)) {
        expect(properties[field]?.writeOnly, `secret field ${field}`).toBe(true);
      }
    });

    it('accepts the harness config and requires a template for every required usage', async () => {
      const harness = await options.harness();
      try {
        expect(() => parseConnectorConfig(factory, harness.config)).not.toThrow();
        const templates = harness.config.templates;
        expect(Array.isArray(templates), 'config.templates must be a list').toBe(true);
        for (const usage of requiredUsageTypes) {
          const without = {
            ...harness.config,
            templates: (templates as Array<{ usageType: string }>).filter((template) => template.usageType !== usage),
          };
          const error = catchError(() => parseConnectorConfig(factory, without));
          expect(error).toBeInstanceOf(ConnectorError);
          expect((error as ConnectorError).kind).toBe('invalid_config');
          expect((error as ConnectorError).message).toContain(usage);
        }
      } finally {
        await harness.close();
      }
    });

    for (const invalid of options.invalidConfigs ?? []) {
      it(`refuses an invalid config: ${invalid.name}`, () => {
        const error = catchError(() => parseConnectorConfig(factory, invalid.config));
        expect(error).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).kind).toBe('invalid_config');
      });
    }

    it('delivers the code for every required usage and returns the provider message id', async () => {
      const harness = await options.harness();
      try {
        const config = parseConnectorConfig(factory, harness.config);
        for (const [index, usage] of requiredUsageTypes.entries()) {
          const code = String(100000 + index * 111111).slice(0, 6);
          const result = await factory.sendMessage({ to, usage, payload: { code } }, config, harness.context);
          expect(result.messageId === null || typeof result.messageId === 'string').toBe(true);
          const received = await harness.delivered(to);
          expect(received.at(-1), `the ${usage} message carries its code`).toContain(code);
        }
      } finally {
        await harness.close();
      }
    });

    if (options.failingHarness) {
      const failingHarness = options.failingHarness;
      it('reports a provider refusal as a ConnectorError with a known kind', async () => {
        const harness = await failingHarness();
        try {
          const config = parseConnectorConfig(factory, harness.config);
          const error = await factory
            .sendMessage({ to, usage: 'Generic', payload: { code: '123456' } }, config, harness.context)
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(error).toBeInstanceOf(ConnectorError);
          expect(connectorErrorKinds).toContain((error as ConnectorError).kind);
        } finally {
          await harness.close();
        }
      });
    }

    if (factory.receipts) describeReceiptConformance({ ...options, to }, factory.receipts);
  });
}

/** Awaits a send that must fail, and returns its ConnectorError (failing the test otherwise). */
export async function expectConnectorError(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
