import { type Kysely, sql } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import type { UserRow } from '../queries/users.ts';

// The users admin's SQL: the users list and the changes admins make, and the refresh-token
// families the Passline session source reads and ends. Portable between SQLite and PostgreSQL.

/** How the list is narrowed: one id exactly, or numbers containing a run of characters. */
export type UserSearch = { id: string } | { phoneContains: string };

export interface UserListQuery {
  search?: UserSearch;
  /** The page starts strictly after this (created_at, id): the previous page's last row. */
  after?: { createdAt: number; id: string };
  limit: number;
}

/** Newest first, with the id breaking ties, so a keyset page never skips or repeats a row. */
export async function listUsers(db: Kysely<Database>, query: UserListQuery): Promise<UserRow[]> {
  let select = db.selectFrom('users').selectAll();
  const { search, after } = query;
  if (search && 'id' in search) select = select.where('id', '=', search.id);
  if (search && 'phoneContains' in search) {
    // `\` escapes LIKE's wildcards; SQLite has no default escape character, so it is named.
    const pattern = `%${search.phoneContains.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    select = select.where(sql<boolean>`${sql.ref('phone')} like ${pattern} escape '\\'`);
  }
  if (after) {
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

/**
 * Suspends (`suspendedAt` a time) or reinstates (null) a user. Suspending a suspended user keeps
 * the first suspension's time; `updated_at` moves only when the state changes. The row as it is
 * afterwards, or undefined when there is no such user.
 */
export async function setUserSuspendedAt(
  db: Kysely<Database>,
  id: string,
  suspendedAt: number | null,
  now: number,
): Promise<UserRow | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ suspended_at: suspendedAt, updated_at: now })
      .where('id', '=', id)
      .where('suspended_at', suspendedAt === null ? 'is not' : 'is', null)
      .execute();
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  });
}

/**
 * Deletes a user and what points at them: refresh tokens go with the row (on delete cascade);
 * phone-linking verifications have no foreign key, so they are deleted here. False if none existed.
 */
export async function deleteUser(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('experience_verifications').where('user_id', '=', id).execute();
    const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

export interface LiveFamilyRow {
  familyId: string;
  /** The family's first token: the sign-in. */
  createdAt: number;
  /** Its newest token: the last refresh. */
  lastUsedAt: number;
  /** When the live token expires. */
  expiresAt: number;
}

/**
 * A user's signed-in sessions: the refresh-token families that still have a live token (not
 * revoked, not rotated, not expired), with the times of their first and newest tokens.
 */
export async function listLiveFamilies(db: Kysely<Database>, userId: string, now: number): Promise<LiveFamilyRow[]> {
  const rows = await db
    .selectFrom('refresh_tokens as live')
    .innerJoin('refresh_tokens as token', 'token.family_id', 'live.family_id')
    .select((eb) => [
      'live.family_id as familyId',
      eb.fn.min('token.created_at').as('createdAt'),
      eb.fn.max('token.created_at').as('lastUsedAt'),
      eb.fn.max('live.expires_at').as('expiresAt'),
    ])
    .where('live.user_id', '=', userId)
    .where('live.revoked_at', 'is', null)
    .where('live.rotated_at', 'is', null)
    .where('live.expires_at', '>', now)
    .groupBy('live.family_id')
    .execute();
  // Aggregates may come back as strings on PostgreSQL.
  return rows.map((row) => ({
    familyId: row.familyId,
    createdAt: Number(row.createdAt),
    lastUsedAt: Number(row.lastUsedAt),
    expiresAt: Number(row.expiresAt),
  }));
}

/** Revokes every live refresh token of a user; the families (sessions) that ended. */
export async function revokeLiveTokens(db: Kysely<Database>, userId: string, now: number): Promise<string[]> {
  const revoked = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('rotated_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('family_id')
    .execute();
  return [...new Set(revoked.map((row) => row.family_id))];
}
