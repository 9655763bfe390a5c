import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import { describeIssues, formatIssues } from './issues.ts';
import type { ReceiptSupport } from './receipts.ts';
import type { UsageType } from './usage-types.ts';

export type ConnectorType = 'sms' | 'email';

export interface ConnectorMetadata {
  /** Stable kebab-case id, e.g. `twilio-sms`. Stored with every configured connector. */
  id: string;
  type: ConnectorType;
  name: string;
  /** One line for the picker. */
  description: string;
  /** An `https:` URL or a `data:image/svg+xml` URI. */
  logo: string;
  /** Markdown shown beside the configuration form: how to set the provider up. */
  readme: string;
  /** A starting config for the form (no real secrets). */
  configTemplate?: Record<string, unknown>;
}

export interface SendMessageInput {
  /** E.164 phone number, already normalised by the server. */
  to: string;
  usage: UsageType;
  /**
   * The recipient's language (BCP 47, e.g. `pt-BR`) when known: pick the template for it, then for
   * its base language (`pt`), then the template without a locale (`findTemplate` does this).
   */
  locale?: string;
  /**
   * Where the provider should report delivery (connectors whose `receipts.callbackUrl` is
   * `per-message`); absent when Passline does not ask for receipts.
   */
  statusCallbackUrl?: string;
  /**
   * Template variables: `code` and `expiresInMinutes` for code usages; empty for notice usages
   * (`PhoneChanged`), which carry no code.
   */
  payload: Readonly<Record<string, string>>;
}

export interface SendResult {
  /** The provider's id for the message, for the message log and support tickets. */
  messageId: string | null;
}

export interface ConnectorLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

/** A copy of a message as delivered, kept by development connectors (the `dev-sms` outbox). */
export interface OutboxEntry {
  to: string;
  usage: UsageType;
  text: string;
}

/**
 * The narrow set of capabilities a connector gets. Connectors never see the app, the database or
 * other connectors' configs.
 */
export interface ConnectorContext {
  fetch: typeof fetch;
  logger: ConnectorLogger;
  /** Aborts when the server's overall delivery deadline passes. */
  signal?: AbortSignal;
  /** Local capture of delivered messages; only development connectors should write to it. */
  outbox: { record(entry: OutboxEntry): Promise<void> };
}

export interface ConnectorFactory<Config = unknown> {
  metadata: ConnectorMetadata;
  configSchema: z.ZodType<Config>;
  sendMessage(input: SendMessageInput, config: Config, context: ConnectorContext): Promise<SendResult>;
  /** Delivery receipts, for providers that report whether a message reached the phone. */
  receipts?: ReceiptSupport<Config>;
}

/** Identity function that keeps the config type flowing from the schema into `sendMessage`. */
export function defineConnector<Schema extends z.ZodType>(factory: {
  metadata: ConnectorMetadata;
  configSchema: Schema;
  sendMessage(input: SendMessageInput, config: z.output<Schema>, context: ConnectorContext): Promise<SendResult>;
  receipts?: ReceiptSupport<z.output<Schema>>;
}): ConnectorFactory<z.output<Schema>> {
  return factory as ConnectorFactory<z.output<Schema>>;
}

const metadataSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'id must be kebab-case'),
  type: z.enum(['sms', 'email']),
  name: z.string().min(1),
  description: z.string().min(1).max(200),
  logo: z.string().regex(/^(https:\/\/|data:image\/)/, 'logo must be an https URL or a data:image URI'),
  readme: z.string().min(1),
  configTemplate: z.record(z.string(), z.unknown()).optional(),
});

/** Throws a readable error when a factory does not meet the contract; the server calls it at load. */
export function assertConnectorFactory(candidate: unknown, source: string): asserts candidate is ConnectorFactory {
  const factory = candidate as Partial<ConnectorFactory> | null;
  if (!factory || typeof factory !== 'object') throw new Error(`${source}: a connector must export an object`);
  const metadata = metadataSchema.safeParse(factory.metadata);
  if (!metadata.success) {
    throw new Error(`${source}: invalid metadata: ${formatIssues(describeIssues(metadata.error.issues))}`);
  }
  if (!factory.configSchema || typeof (factory.configSchema as z.ZodType).safeParse !== 'function') {
    throw new Error(`${source}: configSchema must be a zod schema`);
  }
  if (typeof factory.sendMessage !== 'function') throw new Error(`${source}: sendMessage must be a function`);
  const receipts = factory.receipts as Partial<ReceiptSupport> | undefined;
  if (receipts !== undefined && (typeof receipts !== 'object' || typeof receipts.parse !== 'function')) {
    throw new Error(`${source}: receipts must be an object with a parse function`);
  }
}

/** Validates a raw config against the factory's schema; problems become one `invalid_config` error. */
export function parseConnectorConfig<Config>(factory: ConnectorFactory<Config>, raw: unknown): Config {
  const result = factory.configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, factory.configSchema);
  throw new ConnectorError(
    'invalid_config',
    `The ${factory.metadata.name} configuration is invalid: ${formatIssues(issues)}`,
    { issues },
  );
}

/** JSON Schema of the config for generated forms; secret fields carry `writeOnly` and `x-secret`. */
export function configJsonSchema(factory: ConnectorFactory): Record<string, unknown> {
  return z.toJSONSchema(factory.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
