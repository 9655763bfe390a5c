import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';

export type MessageRow = Selectable<MessagesTable>;

export async function insertMessage(db: Kysely<Database>, row: MessageRow): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export interface MessageFilter {
  status?: MessageRow['status'];
  usage?: string;
  connectorId?: string;
  /** Keyset pagination: rows strictly older than this (created_at, id) pair. */
  before?: { createdAt: number; id: string };
  limit: number;
}

export async function listMessages(db: Kysely<Database>, filter: MessageFilter): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.usage) query = query.where('usage', '=', filter.usage);
  if (filter.connectorId) query = query.where('connector_id', '=', filter.connectorId);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}
