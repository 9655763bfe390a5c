import type { Kysely } from 'kysely';
import { supabaseHookSecretSetting } from '../storage/queries/sealed-values.ts';
import type { Database } from '../storage/schema.ts';

/**
 * The Supabase Send SMS hook secret, sealed with the encryption key (crypto/secret-box.ts), in a
 * row of the shared settings table of its own: the row's value is the sealed text itself, so key
 * rotation can compare-and-set it like every other sealed column. No row means no secret.
 */
const settingKey = supabaseHookSecretSetting;

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
