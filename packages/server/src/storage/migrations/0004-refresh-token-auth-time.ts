import type { Kysely } from 'kysely';

// When the user of a session last proved who they are (a code or the password), carried unchanged
// through refreshes, so a refresh alone never makes a session "recently authenticated". Tokens
// issued before this column existed keep null: they count as not recent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('auth_time', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').dropColumn('auth_time').execute();
}
