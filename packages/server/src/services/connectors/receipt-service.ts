import {
  type ConnectorLogger,
  type DeliveryReceipt,
  isReceiptRejected,
  type ReceiptRequest,
  type ReceiptSupport,
} from '@passline/connector-kit';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { KeyRing } from '../../crypto/keys.ts';
import { AppError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { type EventLogger, logEvent } from '../../metrics/security-events.ts';
import { findConnectorById } from '../../storage/queries/connectors.ts';
import { recordDeliveryReport } from '../../storage/queries/messages.ts';
import type { Database } from '../../storage/schema.ts';
import type { ConnectorRegistry } from './connector-registry.ts';
import type { ActiveConnector } from './connector-service.ts';
import { receiptTokenMatches } from './receipt-urls.ts';

export interface ReceivedCallback {
  factoryId: string;
  connectorId: string | undefined;
  token: string | undefined;
  request: ReceiptRequest;
}

export interface ReceiptOutcome {
  /** What to answer the provider; undefined: an empty 204. */
  acknowledgement: ReceiptSupport['acknowledgement'];
  /** Reports in the callback, and how many of them changed a message. */
  reports: number;
  recorded: number;
}

export type ReceiptService = ReturnType<typeof createReceiptService>;

const finalStatuses = new Set<DeliveryReceipt['status']>(['delivered', 'undelivered']);

/**
 * Delivery receipts: a provider's callback is checked (the connector's own signature check, or the
 * per-connector secret in the URL) and parsed by the connector, then each final report is recorded
 * on its message-log row. Intermediate reports change nothing; the first final one wins.
 */
export function createReceiptService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  keys: KeyRing;
  registry: ConnectorRegistry;
  /** The saved connector, decrypted and parsed (the connector service's, cached per instance). */
  connectorById(id: string): Promise<ActiveConnector | undefined>;
  logger: ConnectorLogger & EventLogger;
  /** Receipts by status. */
  metrics: Metrics;
}) {
  const { db, clock } = deps;

  async function receive(callback: ReceivedCallback): Promise<ReceiptOutcome> {
    const receipts = deps.registry.get(callback.factoryId)?.receipts;
    if (!receipts) throw new AppError('webhook.not_found', `Connector type "${callback.factoryId}" sends no receipts.`);
    // A plain lookup first: ids that name no connector are not kept in the connector cache.
    const row = callback.connectorId ? await findConnectorById(db, callback.connectorId) : undefined;
    if (!row || row.factory_id !== callback.factoryId) {
      throw new AppError('webhook.not_found', `No ${callback.factoryId} connector "${callback.connectorId ?? ''}".`);
    }
    if (receipts.authentication === 'url-secret' && !receiptTokenMatches(deps.keys, row.id, callback.token)) {
      throw new AppError('webhook.forbidden', 'The token in the receipt URL is missing or wrong for this connector.');
    }
    const connector = await deps.connectorById(row.id);
    if (!connector?.factory.receipts) throw new AppError('webhook.not_found');

    let parsed: DeliveryReceipt[];
    try {
      parsed = connector.factory.receipts.parse(callback.request, connector.config);
    } catch (error) {
      if (!isReceiptRejected(error)) throw error;
      throw new AppError(
        'webhook.forbidden',
        `The delivery receipt was refused: ${error.message}`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    }

    let recorded = 0;
    const now = clock.now();
    for (const receipt of parsed) {
      deps.metrics.receipt(row.factory_id, String(receipt.status), row.id);
      // Custom connectors are checked too: a report Passline cannot read is left out, not guessed at.
      // (JSON can spell a NUL character, which PostgreSQL cannot store and no message id contains.)
      if (!finalStatuses.has(receipt.status) || typeof receipt.messageId !== 'string') continue;
      if (!receipt.messageId || receipt.messageId.includes('\u0000')) continue;
      const errorCode =
        receipt.status === 'undelivered' && typeof receipt.errorCode === 'string'
          ? receipt.errorCode.replaceAll('\u0000', '').slice(0, 200) || null
          : null;
      const changed = await recordDeliveryReport(db, {
        factoryId: row.factory_id,
        providerMessageId: receipt.messageId,
        status: receipt.status as 'delivered' | 'undelivered',
        errorCode,
        deliveredAt: typeof receipt.at === 'number' && Number.isFinite(receipt.at) ? Math.round(receipt.at) : now,
      });
      recorded += changed;
      // Once per message: a repeated report changes nothing and says nothing new.
      if (changed > 0 && receipt.status === 'undelivered') {
        logEvent(deps.logger, 'delivery.failed', {
          stage: 'receipt',
          connector: row.id,
          factory: row.factory_id,
          providerCode: errorCode,
        });
      }
    }
    if (recorded < parsed.filter((receipt) => finalStatuses.has(receipt.status)).length) {
      // Usually a duplicate or a message Passline did not send; worth a line when following a problem.
      deps.logger.info(
        { connector: row.id, reports: parsed.length, recorded },
        'delivery receipt: some reports changed no message (already recorded, or unknown message id)',
      );
    }
    return { acknowledgement: connector.factory.receipts.acknowledgement, reports: parsed.length, recorded };
  }

  return { receive };
}
