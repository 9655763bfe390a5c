import type { Kysely, Selectable } from 'kysely';
import { insertRow, precompiled } from '../precompiled.ts';
import type { Database, DevOutboxTable } from '../schema.ts';
import { logAppender } from '../statement-batcher.ts';

export type DevOutboxRow = Selectable<DevOutboxTable>;
export type NewDevOutboxRow = Omit<DevOutboxRow, 'id'>;

// dev-sms writes one row per message; in demos and load tests that is every send.
const insertDevOutboxQuery = precompiled((db: Kysely<Database>, row: NewDevOutboxRow) =>
  db
    .insertInto('dev_outbox')
    .values(insertRow(row, { phone: true, to_masked: true, usage: true, text: true, created_at: true })),
);

const appendDevOutbox = logAppender<Database, NewDevOutboxRow>(
  'dev_outbox',
  [
    ['phone', 'text'],
    ['to_masked', 'text'],
    ['usage', 'text'],
    ['text', 'text'],
    ['created_at', 'bigint'],
  ],
  insertDevOutboxQuery,
);

export async function insertDevOutboxMessage(db: Kysely<Database>, row: NewDevOutboxRow): Promise<void> {
  await appendDevOutbox(db, row);
}

export async function listDevOutboxByPhone(
  db: Kysely<Database>,
  phone: string,
  limit: number,
): Promise<DevOutboxRow[]> {
  return db
    .selectFrom('dev_outbox')
    .selectAll()
    .where('phone', '=', phone)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function listDevOutbox(db: Kysely<Database>, limit: number): Promise<DevOutboxRow[]> {
  return db.selectFrom('dev_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
