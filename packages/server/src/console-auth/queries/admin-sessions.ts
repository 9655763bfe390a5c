import type { Kysely, Selectable } from 'kysely';
import type { AdminSessionsTable, Database } from '../../storage/schema.ts';

export type AdminSessionRow = Selectable<AdminSessionsTable>;

export async function insertAdminSession(db: Kysely<Database>, row: AdminSessionRow): Promise<void> {
  await db.insertInto('admin_sessions').values(row).execute();
}

/** The session and its admin's username, in one read: this runs on every console request. */
export async function findAdminSessionByTokenHash(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('admin_sessions')
    .innerJoin('admins', 'admins.id', 'admin_sessions.admin_id')
    .selectAll('admin_sessions')
    .select('admins.username')
    .where('admin_sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function updateAdminSessionLastSeen(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('admin_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function deleteAdminSessionById(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('id', '=', id).execute();
}

/** Housekeeping: sessions past their absolute or idle end. */
export async function deleteExpiredAdminSessions(db: Kysely<Database>, now: number, idleMs: number): Promise<void> {
  await db
    .deleteFrom('admin_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .execute();
}

/** Ends every session of the admins not listed (two-factor sign-in became required). */
export async function deleteAdminSessionsExcept(db: Kysely<Database>, keepAdminIds: string[]): Promise<void> {
  let query = db.deleteFrom('admin_sessions');
  if (keepAdminIds.length > 0) query = query.where('admin_id', 'not in', keepAdminIds);
  await query.execute();
}

export async function deleteAdminSessionsOf(db: Kysely<Database>, adminId: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('admin_id', '=', adminId).execute();
}
