import type { Kysely, Selectable } from 'kysely';
import type { Database, RefreshTokensTable } from '../../storage/schema.ts';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export async function insertRefreshToken(db: Kysely<Database>, row: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

export async function findRefreshTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks a token as used, atomically: of two requests presenting the same token, exactly one gets
 * true; the other is treated as reuse.
 */
export async function markRefreshTokenRotated(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: now })
    .where('id', '=', id)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes a family; with `userId`, only if it is that user's (a family id from a token claim). */
export async function revokeRefreshTokensByFamily(
  db: Kysely<Database>,
  familyId: string,
  now: number,
  userId?: string,
): Promise<number> {
  let query = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every family of a user, except `exceptFamilyId` when given. */
export async function revokeRefreshTokensByUser(
  db: Kysely<Database>,
  userId: string,
  now: number,
  exceptFamilyId?: string,
): Promise<number> {
  let query = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptFamilyId !== undefined) query = query.where('family_id', '!=', exceptFamilyId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
