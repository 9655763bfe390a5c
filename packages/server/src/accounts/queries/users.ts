import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../../storage/schema.ts';

export type UserRow = Selectable<UsersTable>;

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByPhone(db: Kysely<Database>, phone: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
}

/** False when the number already belongs to an account (the unique index decides, even under races). */
export async function insertUser(db: Kysely<Database>, row: UserRow): Promise<boolean> {
  const inserted = await db
    .insertInto('users')
    .values(row)
    .onConflict((conflict) => conflict.column('phone').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function recordUserSignIn(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', id).execute();
}

export async function updateUserPasswordById(
  db: Kysely<Database>,
  id: string,
  passwordHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Moves an account to another number; false when that number belongs to another account. */
export async function updateUserPhoneById(
  db: Kysely<Database>,
  id: string,
  phone: string,
  now: number,
): Promise<boolean> {
  const owner = await findUserByPhone(db, phone);
  if (owner) return owner.id === id;
  try {
    const result = await db
      .updateTable('users')
      .set({ phone, updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  } catch (error) {
    // Another account took the number between the read and the update.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** PostgreSQL's 23505 and SQLite's SQLITE_CONSTRAINT_UNIQUE, the only engine difference here. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
