import * as z from 'zod/mini';

/**
 * SMS routing: which connectors a send goes through, in order. Rules match by destination country
 * (ISO 3166-1 alpha-2) or E.164 prefix (`+86`, `+1242`); the first rule that matches wins, and
 * `default` applies otherwise. With no routing saved, the default chain is the active connector
 * (the simple mode).
 */
export const routingLimits = { rules: 50, chain: 5, entries: 50 } as const;

export const routingRuleSchema = z.object({
  countries: z.optional(z.array(z.string())),
  prefixes: z.optional(z.array(z.string())),
  /** Connector ids, in the order they are tried. */
  connectors: z.array(z.string()),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const smsRoutingSchema = z
  .object({
    rules: z.array(routingRuleSchema),
    default: z.array(z.string()),
    /** `simple`: one active connector, no rules (the default chain is that connector). */
    mode: z.enum(['simple', 'routing']),
    updatedAt: z.nullable(z.string()),
  })
  .check(z.describe('SmsRouting'));
export type SmsRouting = z.infer<typeof smsRoutingSchema>;

/** A connector's health as every instance sees it: the circuit breaker. */
export const connectorHealthSchema = z.object({
  connectorId: z.string(),
  /** `closed`: in use; `open`: skipped until `openUntil`; `half_open`: the next send probes it. */
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number(),
  openUntil: z.nullable(z.string()),
  lastFailureAt: z.nullable(z.string()),
  lastError: z.nullable(z.string()),
  /** The last time the provider answered: it took a message, or refused one for its own reasons. */
  lastSuccessAt: z.nullable(z.string()),
});
export type ConnectorHealth = z.infer<typeof connectorHealthSchema>;
export const connectorHealthListSchema = z.object({ items: z.array(connectorHealthSchema) });

/** Which connectors would carry a send to a number (GET /api/routing/sms/resolve?to=…). */
export const routeResolutionSchema = z.object({
  to: z.string().check(z.describe('Masked number.')),
  country: z.nullable(z.string()),
  /** Index of the rule that matched, or null for the default chain. */
  rule: z.nullable(z.number()),
  chain: z.array(
    z.object({
      connectorId: z.string(),
      factoryId: z.string(),
      health: z.enum(['closed', 'open', 'half_open']),
      /** Whether a send now would try it (an open breaker is skipped while another connector can take the send). */
      willTry: z.boolean(),
    }),
  ),
});
export type RouteResolution = z.infer<typeof routeResolutionSchema>;

/** One try of one send, as the Verification API's answer and the message log show it. */
export const deliveryAttemptSchema = z.object({
  connectorId: z.nullable(z.string()),
  factoryId: z.string(),
  /** `sent`, or the error kind (`timeout`, `provider_unavailable`, `rate_limited`, ...). */
  outcome: z.string(),
  latencyMs: z.number(),
  messageId: z.string().check(z.describe('The message-log id of this attempt.')),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;
