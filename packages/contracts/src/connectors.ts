import * as z from 'zod/mini';

const connectorType = z.enum(['sms', 'email']);

/** A connector type in the list (GET /api/connector-factories). */
export const factorySummarySchema = z.object({
  id: z.string(),
  type: connectorType,
  name: z.string(),
  description: z.string(),
  logo: z.string(),
});
export type FactorySummary = z.infer<typeof factorySummarySchema>;
export const factorySummariesSchema = z.array(factorySummarySchema);

/**
 * The part of a JSON Schema the console reads to draw a config form. The server sends the whole
 * document (`configSchema`); what is not named here is there too and kept.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  title?: string;
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** A connector type with its README and config JSON Schema (GET /api/connector-factories/:id). */
export const factorySchema = z.extend(factorySummarySchema, {
  readme: z.string(),
  // A JSON Schema document: any object; the console reads it as `JsonSchema`.
  configSchema: z
    .record(z.string(), z.unknown())
    .check(z.describe('JSON Schema of the config; secret fields have writeOnly.')) as unknown as z.ZodMiniType<
    JsonSchema,
    Record<string, unknown>
  >,
  secretFields: z.array(z.string()),
  templateVariables: z
    .array(z.string())
    .check(z.describe('The variables a template text may use, as {{name}}: the code and its lifetime in minutes.')),
  noticeUsages: z
    .array(z.string())
    .check(z.describe('Usages whose templates are notices (no code, no variables), such as PhoneChanged; optional.')),
  configTemplate: z.optional(z.record(z.string(), z.unknown())),
});
export type Factory = z.infer<typeof factorySchema>;

/** A saved connector; secret fields of its config are the secret mask. */
export const connectorSchema = z
  .object({
    id: z.string(),
    factoryId: z.string(),
    type: connectorType,
    name: z.string(),
    logo: z.string(),
    active: z.boolean(),
    config: z.record(z.string(), z.unknown()).check(z.describe('Secret fields are masked.')),
    receiptUrl: z
      .nullable(z.string())
      .check(
        z.describe(
          "Delivery receipts: the URL to paste into the provider's console (Aliyun, Tencent); null when the provider gets it with every message (Twilio) or sends no receipts.",
        ),
      ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.describe('Connector'));
export type Connector = z.infer<typeof connectorSchema>;
export const connectorsSchema = z.array(connectorSchema);

/** The answer to a test send (POST /api/connector-factories/:id/test). */
export const testSendResultSchema = z.object({
  to: z.string(),
  messageId: z.nullable(z.string()),
  messageLogId: z.string(),
  latencyMs: z.number(),
});
export type TestSendResult = z.infer<typeof testSendResultSchema>;
