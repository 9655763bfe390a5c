import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, SigningKeysTable } from '../../storage/schema.ts';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export async function insertSigningKey(db: Kysely<Database>, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/**
 * The signer first: the newest key not retired (if two instances created the first key at the same
 * moment, every instance still picks the same one), then the others, still published.
 */
export async function listSigningKeys(db: Kysely<Database>): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .orderBy(sql`case when retired_at is null then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Retires every key in service (a new one takes over) and forgets keys retired before `forgetBefore`. */
export async function retireSigningKeys(db: Kysely<Database>, now: number, forgetBefore: number): Promise<void> {
  await db.updateTable('signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
  await db.deleteFrom('signing_keys').where('retired_at', '<', forgetBefore).execute();
}
