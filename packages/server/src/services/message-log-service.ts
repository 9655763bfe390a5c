import type { DevOutboxMessage, LoggedConnector, MessagePage } from '@passline/contracts';
import type { Kysely } from 'kysely';
import { normalisePhone } from '../phone.ts';
import { listDevOutbox, listDevOutboxByPhone } from '../storage/queries/dev-outbox.ts';
import { listLoggedConnectors, listMessages, type MessageRow } from '../storage/queries/messages.ts';
import type { Database } from '../storage/schema.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

export interface MessageLogQuery {
  status?: MessageRow['status'];
  usage?: string;
  connectorId?: string;
  /** What the delivery receipt said; `awaiting`: asked for, none yet. */
  deliveryStatus?: 'delivered' | 'undelivered' | 'awaiting';
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

export interface MessageLogService {
  /** The delivery log, newest first, one page at a time. */
  page(query: MessageLogQuery): Promise<MessagePage>;
  /** The connectors that have messages in the log, deleted ones too, newest first. */
  connectors(): Promise<LoggedConnector[]>;
  /** What the dev-sms connector captured, newest first, optionally for one number. */
  devOutbox(query: { to?: string; limit: number }): Promise<DevOutboxMessage[]>;
}

/**
 * Reads what deliveries left behind: the message log (masked numbers, never codes) and the dev
 * outbox. Rows become the shapes the Management API answers with.
 */
export function createMessageLogService(deps: { db: Kysely<Database> }): MessageLogService {
  const { db } = deps;
  return {
    async page({ cursor, limit, ...filter }) {
      const before = cursor ? decodeCursor(cursor) : undefined;
      // One row more than asked tells whether there is a next page.
      const rows = await listMessages(db, { ...filter, limit: limit + 1, ...(before ? { before } : {}) });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(messageView),
        nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },

    async connectors() {
      return (await listLoggedConnectors(db)).map((row) => ({
        ...row,
        lastMessageAt: new Date(row.lastMessageAt).toISOString(),
      }));
    },

    async devOutbox({ to, limit }) {
      const rows = to ? await listDevOutboxByPhone(db, normalisePhone(to), limit) : await listDevOutbox(db, limit);
      return rows.map((row) => ({
        id: row.id,
        to: row.to_masked,
        usage: row.usage,
        text: row.text,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },
  };
}

function messageView(row: MessageRow): MessagePage['items'][number] {
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    to: row.to_masked,
    usage: row.usage,
    connectorId: row.connector_id,
    factoryId: row.factory_id,
    verificationId: row.verification_id,
    status: row.status,
    test: row.is_test === 1,
    providerMessageId: row.provider_message_id,
    error: row.error_kind
      ? {
          kind: row.error_kind,
          providerCode: row.error_code,
          message: row.error_message,
          providerRequestId: row.provider_request_id,
        }
      : null,
    latencyMs: row.latency_ms,
    attempt: row.attempt,
    receiptsSupported: row.receipts === 1,
    delivery:
      row.delivery_status && row.delivered_at !== null
        ? {
            status: row.delivery_status,
            errorCode: row.delivery_error_code,
            at: new Date(Number(row.delivered_at)).toISOString(),
            afterMs: Math.max(0, Number(row.delivered_at) - Number(row.created_at)),
          }
        : null,
  };
}
