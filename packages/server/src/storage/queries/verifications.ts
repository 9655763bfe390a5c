import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, VerificationStatus, VerificationsTable } from '../schema.ts';

export type VerificationRow = Selectable<VerificationsTable>;

export async function insertVerification(db: Kysely<Database>, row: VerificationRow): Promise<void> {
  await db.insertInto('verifications').values(row).execute();
}

export async function findVerificationById(db: Kysely<Database>, id: string): Promise<VerificationRow | undefined> {
  return db.selectFrom('verifications').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Takes one attempt slot, atomically: only a pending, unexpired code with attempts left gets one,
 * so concurrent guesses can never evaluate more codes than the attempt limit.
 */
export async function reserveVerificationAttempt(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<Pick<VerificationRow, 'attempts' | 'max_attempts' | 'code_hash'> | undefined> {
  return db
    .updateTable('verifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .whereRef('attempts', '<', 'max_attempts')
    .returning(['attempts', 'max_attempts', 'code_hash'])
    .executeTakeFirst();
}

/** Moves a pending verification to `status`; false when it was no longer pending (someone else won). */
export async function settlePendingVerification(
  db: Kysely<Database>,
  id: string,
  status: Exclude<VerificationStatus, 'pending'>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('verifications')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The statement behind cancelOtherPendingVerifications, exposed so a test can check its plan. */
export function cancelOtherPendingVerificationsQuery(
  db: Kysely<Database>,
  phone: string,
  usage: string,
  keepId: string,
  now: number,
) {
  return (
    db
      .updateTable('verifications')
      .set({ status: 'cancelled', updated_at: now })
      .where('phone', '=', phone)
      .where('usage', '=', usage)
      // A literal, not a parameter: it must match the partial index's predicate in every plan,
      // including PostgreSQL's generic plans for prepared statements.
      .where('status', '=', sql.lit('pending'))
      .where('id', '!=', keepId)
  );
}

/** Cancels the other pending codes for the same number and usage once a new one was delivered. */
export async function cancelOtherPendingVerifications(
  db: Kysely<Database>,
  phone: string,
  usage: string,
  keepId: string,
  now: number,
): Promise<number> {
  const result = await cancelOtherPendingVerificationsQuery(db, phone, usage, keepId, now).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
