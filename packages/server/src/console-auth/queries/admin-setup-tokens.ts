import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AdminSetupTokensTable, Database } from '../../storage/schema.ts';

export type AdminSetupTokenRow = Selectable<AdminSetupTokensTable>;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertAdminSetupToken(db: Db, row: AdminSetupTokenRow): Promise<void> {
  await db.insertInto('admin_setup_tokens').values(row).execute();
}

/**
 * Deletes every setup token and returns the hashes of those still valid. Deleting them all in one
 * statement is what makes setup single-use across instances: on PostgreSQL a concurrent setup
 * waits on the same row locks and then finds nothing left to delete.
 */
export async function deleteAllAdminSetupTokens(db: Db, now: number): Promise<string[]> {
  const rows = await db.deleteFrom('admin_setup_tokens').returning(['token_hash', 'expires_at']).execute();
  return rows.filter((row) => row.expires_at > now).map((row) => row.token_hash);
}
