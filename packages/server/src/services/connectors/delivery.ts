import {
  type ConnectorContext,
  ConnectorError,
  type ConnectorFactory,
  type ConnectorLogger,
  isConnectorError,
} from '@passline/connector-kit';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { newId } from '../../crypto/codes.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { logEvent } from '../../metrics/security-events.ts';
import { maskPhone } from '../../phone.ts';
import { insertDevOutboxMessage } from '../../storage/queries/dev-outbox.ts';
import { insertMessage } from '../../storage/queries/messages.ts';
import type { Database } from '../../storage/schema.ts';
import { DeliveryFailure } from './delivery-errors.ts';
import { withRecipientMasked } from './recipient-masking.ts';

export interface DeliveryInput {
  to: string;
  usage: string;
  locale?: string;
  /** `code` and `expiresInMinutes` for code usages; `{}` for notices (`PhoneChanged`). */
  payload: Readonly<Record<string, string>>;
}

export interface DeliveryOutcome {
  messageId: string | null;
  messageLogId: string;
  latencyMs: number;
}

export interface DeliveryMeta {
  connectorId: string | null;
  verificationId: string | null;
  isTest: boolean;
  /** Destination country (ISO 3166-1 alpha-2) when the caller knows it, for volumes by country. */
  country?: string | null;
  /** 1 for a send's first connector, 2 after one failover, ... */
  attempt?: number;
  /** Aborts the provider call when the send's overall deadline passes (failover). */
  signal?: AbortSignal;
}

export type Deliver = (
  factory: ConnectorFactory,
  config: unknown,
  input: DeliveryInput,
  meta: DeliveryMeta,
) => Promise<DeliveryOutcome>;

/**
 * Sending through a connector factory: the context each factory gets (fetch, a logger, the dev
 * outbox) and the message-log row every delivery writes.
 */
export function createDelivery(deps: {
  db: Kysely<Database>;
  clock: Clock;
  logger: ConnectorLogger & { child(bindings: Record<string, unknown>): ConnectorLogger };
  fetch: typeof fetch;
  /** Each provider call's duration and outcome, per connector and factory. */
  metrics: Metrics;
  /**
   * Where a connector with per-message receipts (Twilio's StatusCallback) tells its provider to
   * report delivery; undefined: ask for none.
   */
  statusCallbackUrl?: (factoryId: string, connectorId: string) => string | undefined;
}): Deliver {
  const { db, clock } = deps;
  // One context per factory: a pino child logger per delivery costs as much as the delivery.
  const contexts = new Map<string, ConnectorContext>();
  function contextFor(factory: ConnectorFactory): ConnectorContext {
    let context = contexts.get(factory.metadata.id);
    if (!context) {
      context = newContext(factory);
      contexts.set(factory.metadata.id, context);
    }
    return context;
  }

  function newContext(factory: ConnectorFactory): ConnectorContext {
    return {
      fetch: deps.fetch,
      logger: deps.logger.child({ connector: factory.metadata.id }),
      outbox: {
        record: async (entry) => {
          await insertDevOutboxMessage(db, {
            phone: entry.to,
            to_masked: maskPhone(entry.to),
            usage: entry.usage,
            text: entry.text,
            created_at: clock.now(),
          });
        },
      },
    };
  }

  /**
   * Sends through a factory and writes one message-log row whatever happens. The row never holds
   * the code: only the masked number, ids, status and the provider's error.
   */
  async function deliver(
    factory: ConnectorFactory,
    config: unknown,
    input: DeliveryInput,
    meta: DeliveryMeta,
  ): Promise<DeliveryOutcome> {
    const started = performance.now();
    const messageLogId = newId('msg');
    const receipts = receiptsFor(factory, meta);
    const base = {
      id: messageLogId,
      verification_id: meta.verificationId,
      connector_id: meta.connectorId,
      factory_id: factory.metadata.id,
      to_masked: maskPhone(input.to),
      usage: input.usage,
      is_test: meta.isTest ? 1 : 0,
      country: meta.country ?? null,
      attempt: meta.attempt ?? 1,
      receipts: receipts.asked ? 1 : 0,
      delivery_status: null,
      delivery_error_code: null,
      delivered_at: null,
    };
    const context = meta.signal ? { ...contextFor(factory), signal: meta.signal } : contextFor(factory);
    const sent = receipts.statusCallbackUrl ? { ...input, statusCallbackUrl: receipts.statusCallbackUrl } : input;
    let result: { messageId: string | null };
    try {
      result = await factory.sendMessage(sent, config, context);
    } catch (caught) {
      // Providers quote the number back in their errors; what is stored, logged and returned is masked.
      const error = withRecipientMasked(
        isConnectorError(caught)
          ? caught
          : new ConnectorError(
              'provider_unavailable',
              `The connector failed unexpectedly: ${(caught as Error)?.message}`,
            ),
        input.to,
      );
      const elapsedMs = performance.now() - started;
      const latencyMs = Math.round(elapsedMs);
      deps.metrics.providerCall(
        { connector: meta.connectorId, factory: factory.metadata.id, outcome: error.kind },
        elapsedMs / 1000,
      );
      logEvent(deps.logger, 'delivery.failed', {
        stage: 'provider',
        connector: meta.connectorId,
        factory: factory.metadata.id,
        kind: error.kind,
        providerCode: error.providerCode ?? null,
        to: base.to_masked,
        country: base.country,
        messageId: messageLogId,
      });
      await insertMessage(db, {
        ...base,
        status: 'failed',
        provider_message_id: null,
        error_kind: error.kind,
        error_code: error.providerCode ?? null,
        error_message: loggedErrorText(error),
        provider_request_id: error.providerRequestId ?? null,
        latency_ms: latencyMs,
        created_at: clock.now(),
      });
      throw new DeliveryFailure(error, messageLogId, latencyMs);
    }
    const elapsedMs = performance.now() - started;
    const latencyMs = Math.round(elapsedMs);
    deps.metrics.providerCall(
      { connector: meta.connectorId, factory: factory.metadata.id, outcome: 'sent' },
      elapsedMs / 1000,
    );
    await insertMessage(db, {
      ...base,
      status: 'sent',
      provider_message_id: result.messageId,
      error_kind: null,
      error_code: null,
      error_message: null,
      provider_request_id: null,
      latency_ms: latencyMs,
      created_at: clock.now(),
    });
    return { messageId: result.messageId, messageLogId, latencyMs };
  }

  /**
   * Whether this send asks for a delivery receipt: the connector supports them and, for a
   * per-message callback, Passline has a URL to give (a saved connector; tests of unsaved settings
   * have no connector to receive for).
   */
  function receiptsFor(factory: ConnectorFactory, meta: DeliveryMeta): { asked: boolean; statusCallbackUrl?: string } {
    const receipts = factory.receipts;
    if (!receipts || meta.connectorId === null) return { asked: false };
    if (receipts.callbackUrl === 'provider-console') return { asked: true };
    const statusCallbackUrl = deps.statusCallbackUrl?.(factory.metadata.id, meta.connectorId);
    return statusCallbackUrl ? { asked: true, statusCallbackUrl } : { asked: false };
  }

  return deliver;
}

/**
 * The message-log text of a failed delivery: the connector's whole explanation (what to do, and
 * the provider's documentation link where it has one, such as Twilio's error pages), with the
 * provider's own words added when the explanation does not quote them.
 */
function loggedErrorText(error: ConnectorError): string {
  const said = error.providerMessage;
  const text = said && !error.message.includes(said) ? `${error.message} Provider said: "${said}"` : error.message;
  return text.slice(0, 1000);
}
