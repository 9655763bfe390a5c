import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DevOutboxTable } from '../schema.ts';

export type DevOutboxRow = Selectable<DevOutboxTable>;

export async function insertDevOutboxMessage(db: Kysely<Database>, row: Insertable<DevOutboxTable>): Promise<void> {
  await db.insertInto('dev_outbox').values(row).execute();
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
