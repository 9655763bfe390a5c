import type { Kysely, Selectable } from 'kysely';
import { insertRow, precompiled } from '../precompiled.ts';
import type { Database, MessagesTable } from '../schema.ts';
import { logAppender } from '../statement-batcher.ts';

export type MessageRow = Selectable<MessagesTable>;

// Every delivery writes one row: compiled once (see precompiled.ts).
const insertMessageQuery = precompiled((db: Kysely<Database>, row: MessageRow) =>
  db.insertInto('messages').values(
    insertRow(row, {
      id: true,
      verification_id: true,
      connector_id: true,
      factory_id: true,
      to_masked: true,
      usage: true,
      status: true,
      provider_message_id: true,
      error_kind: true,
      error_code: true,
      error_message: true,
      provider_request_id: true,
      latency_ms: true,
      is_test: true,
      created_at: true,
      country: true,
      attempt: true,
      receipts: true,
      delivery_status: true,
      delivery_error_code: true,
      delivered_at: true,
    }),
  ),
);

// Every send writes a row: on PostgreSQL the rows of concurrent sends share one statement, committed
// without waiting for the disk (see logAppender).
const appendMessage = logAppender<Database, MessageRow>(
  'messages',
  [
    ['id', 'text'],
    ['verification_id', 'text'],
    ['connector_id', 'text'],
    ['factory_id', 'text'],
    ['to_masked', 'text'],
    ['usage', 'text'],
    ['status', 'text'],
    ['provider_message_id', 'text'],
    ['error_kind', 'text'],
    ['error_code', 'text'],
    ['error_message', 'text'],
    ['provider_request_id', 'text'],
    ['latency_ms', 'integer'],
    ['is_test', 'integer'],
    ['created_at', 'bigint'],
    ['country', 'text'],
    ['attempt', 'integer'],
    ['receipts', 'integer'],
    ['delivery_status', 'text'],
    ['delivery_error_code', 'text'],
    ['delivered_at', 'bigint'],
  ],
  insertMessageQuery,
);

export async function insertMessage(db: Kysely<Database>, row: MessageRow): Promise<void> {
  await appendMessage(db, row);
}

export interface MessageFilter {
  status?: MessageRow['status'];
  usage?: string;
  connectorId?: string;
  /** What the delivery receipt said; `awaiting`: receipts were asked for and none has come. */
  deliveryStatus?: 'delivered' | 'undelivered' | 'awaiting';
  /** Keyset pagination: rows strictly older than this (created_at, id) pair. */
  before?: { createdAt: number; id: string };
  limit: number;
}

export async function listMessages(db: Kysely<Database>, filter: MessageFilter): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.usage) query = query.where('usage', '=', filter.usage);
  if (filter.connectorId) query = query.where('connector_id', '=', filter.connectorId);
  if (filter.deliveryStatus === 'awaiting') {
    query = query.where('receipts', '=', 1).where('status', '=', 'sent').where('delivery_status', 'is', null);
  } else if (filter.deliveryStatus) {
    query = query.where('delivery_status', '=', filter.deliveryStatus);
  }
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export interface LoggedConnector {
  connectorId: string;
  factoryId: string;
  /** Epoch milliseconds of its newest message. */
  lastMessageAt: number;
}

/**
 * Every saved connector that has messages in the log, deleted ones included (the log outlives
 * them), newest first. Tests of unsaved settings have no connector id and are left out. One
 * grouped pass over the log: the console asks once per visit of the message log.
 */
export async function listLoggedConnectors(db: Kysely<Database>): Promise<LoggedConnector[]> {
  const rows = await db
    .selectFrom('messages')
    .select((eb) => ['connector_id', 'factory_id', eb.fn.max('created_at').as('last_at')])
    .where('connector_id', 'is not', null)
    .groupBy(['connector_id', 'factory_id'])
    .orderBy('last_at', 'desc')
    .execute();
  // PostgreSQL returns bigint aggregates as strings.
  return rows.map((row) => ({
    connectorId: row.connector_id as string,
    factoryId: row.factory_id,
    lastMessageAt: Number(row.last_at),
  }));
}

/** A provider's final word on a message, from a delivery receipt. */
export interface DeliveryReport {
  factoryId: string;
  providerMessageId: string;
  status: 'delivered' | 'undelivered';
  errorCode: string | null;
  deliveredAt: number;
}

/**
 * Records a receipt on the message rows with this provider id (one per send; a provider id is unique
 * within a provider). Only a row without an outcome takes it: the first final report wins, so a
 * duplicate, a late retry or a report that arrives out of order never changes a recorded outcome.
 * Returns how many rows changed.
 */
export async function recordDeliveryReport(db: Kysely<Database>, report: DeliveryReport): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({
      delivery_status: report.status,
      delivery_error_code: report.errorCode,
      delivered_at: report.deliveredAt,
    })
    .where('factory_id', '=', report.factoryId)
    .where('provider_message_id', '=', report.providerMessageId)
    .where('delivery_status', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
