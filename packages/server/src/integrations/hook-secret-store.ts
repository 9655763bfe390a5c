import type { Kysely } from 'kysely';
import type { SealedValueRow } from '../storage/queries/sealed-values.ts';
import type { Database } from '../storage/schema.ts';

/**
 * The Supabase Send SMS hook secret, sealed with the encryption key (crypto/secret-box.ts), in a
 * row of the shared settings table of its own: the row's value is the sealed text itself, so key
 * rotation can compare-and-set it like every other sealed column. No row means no secret.
 */
const settingKey = 'integrations.supabase.hookSecret';

/** The sealed value's id in key rotation's report, and the row its seal context binds it to. */
export const supabaseHookSecretId = 'supabase-hook';

/** Authenticated with the sealed value (see sealContext in crypto/secret-box.ts), not stored. */
export const hookSecretContext = (id: string) => `integration:${id}`;

export async function findSealedHookSecret(
  db: Kysely<Database>,
): Promise<{ sealed: string; updatedAt: number } | undefined> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'updated_at'])
    .where('key', '=', settingKey)
    .executeTakeFirst();
  return row ? { sealed: row.value, updatedAt: Number(row.updated_at) } : undefined;
}

export async function saveSealedHookSecret(db: Kysely<Database>, sealed: string, now: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: settingKey, value: sealed, updated_at: now })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: sealed, updated_at: now }))
    .execute();
}

export async function deleteHookSecret(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', settingKey).execute();
}

/** For `passline keys rotate` and the start-up check: the sealed hook secrets (none or one). */
export async function listSealedHookSecrets(db: Kysely<Database>): Promise<SealedValueRow[]> {
  const found = await findSealedHookSecret(db);
  return found ? [{ id: supabaseHookSecretId, sealed: found.sealed }] : [];
}

/** Compare-and-set, like the other sealed columns: a secret pasted during the rotation is kept. */
export async function replaceSealedHookSecret(
  db: Kysely<Database>,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  if (id !== supabaseHookSecretId) return false;
  const result = await db
    .updateTable('settings')
    .set({ value: next })
    .where('key', '=', settingKey)
    .where('value', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
