import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../../storage/schema.ts';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export async function insertSigningKey(db: Kysely<Database>, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Oldest first: every instance signs with the first one, even if two created a key at the same time. */
export async function listSigningKeys(db: Kysely<Database>): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}
