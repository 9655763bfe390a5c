import * as z from 'zod/mini';

/** One entry of the delivery log; the number is masked. */
export const messageSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  to: z.string().check(z.describe('Masked number.')),
  usage: z.string(),
  connectorId: z.nullable(z.string()),
  factoryId: z.string(),
  verificationId: z.nullable(z.string()),
  status: z.enum(['sent', 'failed']),
  test: z.boolean(),
  providerMessageId: z.nullable(z.string()),
  error: z.nullable(
    z.object({
      kind: z.string(),
      providerCode: z.nullable(z.string()),
      message: z.nullable(z.string()),
      providerRequestId: z.nullable(z.string()),
    }),
  ),
  latencyMs: z.number(),
  /** 1 for the first connector a send tried, 2 for the next after a failover, ... */
  attempt: z.number(),
  /** Whether this connector asks its provider for delivery receipts. */
  receiptsSupported: z.boolean(),
  /** What the provider's delivery receipt said; null until one arrives (or when none will). */
  delivery: z.nullable(
    z.object({
      status: z.enum(['delivered', 'undelivered']),
      errorCode: z.nullable(z.string()),
      at: z.string(),
      /** Milliseconds from the send to the receipt's time. */
      afterMs: z.nullable(z.number()),
    }),
  ),
});
export type Message = z.infer<typeof messageSchema>;

/** A page of the delivery log (GET /api/messages). */
export const messagePageSchema = z.object({ items: z.array(messageSchema), nextCursor: z.nullable(z.string()) });
export type MessagePage = z.infer<typeof messagePageSchema>;

/** A connector the log names, deleted ones too (GET /api/messages/connectors). */
export const loggedConnectorSchema = z.object({
  connectorId: z.string(),
  factoryId: z.string(),
  lastMessageAt: z.string(),
});
export type LoggedConnector = z.infer<typeof loggedConnectorSchema>;
export const loggedConnectorsSchema = z.array(loggedConnectorSchema);

/** A message the dev-sms connector delivered to the outbox, code included (GET /api/dev/outbox). */
export const devOutboxMessageSchema = z.object({
  id: z.number(),
  to: z.string(),
  usage: z.string(),
  text: z.string(),
  createdAt: z.string(),
});
export type DevOutboxMessage = z.infer<typeof devOutboxMessageSchema>;
export const devOutboxSchema = z.array(devOutboxMessageSchema);
