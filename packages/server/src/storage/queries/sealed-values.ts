import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

// Every column that holds a value sealed with the encryption key (crypto/secret-box.ts), for key
// rotation and the start-up check. A new sealed column belongs here too.

export interface SealedValueRow {
  id: string;
  sealed: string;
}

export async function listSealedConnectorSecrets(db: Kysely<Database>): Promise<SealedValueRow[]> {
  return db
    .selectFrom('connectors')
    .select(['id', 'secrets as sealed'])
    .where('secrets', 'is not', null)
    .orderBy('id')
    .execute() as Promise<SealedValueRow[]>;
}

export async function listSealedSigningKeys(db: Kysely<Database>): Promise<SealedValueRow[]> {
  return db.selectFrom('signing_keys').select(['id', 'private_jwk as sealed']).orderBy('id').execute();
}

export async function listSealedApplicationSecrets(db: Kysely<Database>): Promise<SealedValueRow[]> {
  return db
    .selectFrom('applications')
    .select(['id', 'client_secret as sealed'])
    .where('client_secret', 'is not', null)
    .orderBy('id')
    .execute() as Promise<SealedValueRow[]>;
}

/**
 * Compare-and-set: writes `next` only if the row still holds `previous`, so a secret saved by a
 * running instance during the rotation is never overwritten with an older one.
 */
export async function replaceSealedConnectorSecrets(
  db: Kysely<Database>,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('connectors')
    .set({ secrets: next })
    .where('id', '=', id)
    .where('secrets', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function replaceSealedSigningKey(
  db: Kysely<Database>,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('signing_keys')
    .set({ private_jwk: next })
    .where('id', '=', id)
    .where('private_jwk', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function replaceSealedApplicationSecret(
  db: Kysely<Database>,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('applications')
    .set({ client_secret: next })
    .where('id', '=', id)
    .where('client_secret', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface CodesInFlight {
  /** The encryption key id the codes were hashed under; null for hashes written before key ids. */
  keyId: string | null;
  count: number;
  lastExpiresAt: number;
}

/**
 * Codes that can still be checked, grouped by the key id their hash starts with (`<8 hex>.`, see
 * crypto/codes.ts). 'pending' is a literal so PostgreSQL can use the partial index on pending rows.
 */
export async function countCodesInFlightByKeyId(db: Kysely<Database>, now: number): Promise<CodesInFlight[]> {
  const keyId = sql<string>`case when code_hash like '________.%' then substr(code_hash, 1, 8) else '' end`;
  const rows = await db
    .selectFrom('verifications')
    .select([keyId.as('key_id'), sql<number>`count(*)`.as('count'), sql<number>`max(expires_at)`.as('last_expires_at')])
    .where('status', '=', sql.lit('pending'))
    .where('expires_at', '>', now)
    .groupBy(keyId)
    .execute();
  return rows.map((row) => ({
    keyId: row.key_id === '' ? null : row.key_id,
    count: Number(row.count),
    lastExpiresAt: Number(row.last_expires_at),
  }));
}

/** The settings row holding the sealed Supabase Send SMS hook secret (integrations/). */
export const supabaseHookSecretSetting = 'integrations.supabase.hookSecret';
/** The hook secret's id in key rotation's report, and what its seal context binds it to. */
export const supabaseHookSecretId = 'supabase-hook';

export async function listSealedHookSecrets(db: Kysely<Database>): Promise<SealedValueRow[]> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', supabaseHookSecretSetting)
    .executeTakeFirst();
  return row ? [{ id: supabaseHookSecretId, sealed: row.value }] : [];
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
    .where('key', '=', supabaseHookSecretSetting)
    .where('value', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listSealedAdminTotpSecrets(db: Kysely<Database>): Promise<SealedValueRow[]> {
  return db.selectFrom('admin_two_factor').select(['admin_id as id', 'secret as sealed']).orderBy('admin_id').execute();
}

export async function replaceSealedAdminTotpSecret(
  db: Kysely<Database>,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('admin_two_factor')
    .set({ secret: next })
    .where('admin_id', '=', id)
    .where('secret', '=', previous)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
