import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AdminSignInChallengesTable, AdminTwoFactorTable, Database } from '../../storage/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type AdminTwoFactorRow = Selectable<AdminTwoFactorTable>;
export type AdminSignInChallengeRow = Selectable<AdminSignInChallengesTable>;

export async function findTwoFactor(db: Db, adminId: string): Promise<AdminTwoFactorRow | undefined> {
  const row = await db.selectFrom('admin_two_factor').selectAll().where('admin_id', '=', adminId).executeTakeFirst();
  return row && { ...row, enabled_at: nullableNumber(row.enabled_at), last_step: nullableNumber(row.last_step) };
}

/** Starts (or restarts) an enrolment: replaces a row that is not enabled yet. */
export async function upsertPendingTwoFactor(db: Db, adminId: string, sealedSecret: string, now: number) {
  await db.deleteFrom('admin_two_factor').where('admin_id', '=', adminId).where('enabled_at', 'is', null).execute();
  await db
    .insertInto('admin_two_factor')
    .values({ admin_id: adminId, secret: sealedSecret, enabled_at: null, last_step: null, created_at: now })
    .execute();
}

export async function enableTwoFactor(db: Db, adminId: string, step: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('admin_two_factor')
    .set({ enabled_at: now, last_step: step })
    .where('admin_id', '=', adminId)
    .where('enabled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Accepts a time step once: the row moves forward only if no equal or later step was accepted,
 * so two instances given the same code at the same moment cannot both accept it.
 */
export async function acceptStep(db: Db, adminId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('admin_two_factor')
    .set({ last_step: step })
    .where('admin_id', '=', adminId)
    .where((where) => where.or([where('last_step', 'is', null), where('last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteTwoFactor(db: Db, adminId: string): Promise<void> {
  await db.deleteFrom('admin_two_factor').where('admin_id', '=', adminId).execute();
  await db.deleteFrom('admin_recovery_codes').where('admin_id', '=', adminId).execute();
}

export async function replaceRecoveryCodes(db: Db, adminId: string, hashes: string[], now: number): Promise<void> {
  await db.deleteFrom('admin_recovery_codes').where('admin_id', '=', adminId).execute();
  await db
    .insertInto('admin_recovery_codes')
    .values(hashes.map((code_hash) => ({ code_hash, admin_id: adminId, created_at: now, used_at: null })))
    .execute();
}

/** Marks an unused code used; false when there is no such unused code (wrong, or used already). */
export async function useRecoveryCode(db: Db, adminId: string, hash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('admin_recovery_codes')
    .set({ used_at: now })
    .where('code_hash', '=', hash)
    .where('admin_id', '=', adminId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countUnusedRecoveryCodes(db: Db, adminId: string): Promise<number> {
  const row = await db
    .selectFrom('admin_recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('admin_id', '=', adminId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Admins with two-factor sign-in enabled, among those given. */
export async function listEnabledAdminIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('admin_two_factor').select('admin_id').where('enabled_at', 'is not', null).execute();
  return rows.map((row) => row.admin_id);
}

export async function insertChallenge(db: Db, row: AdminSignInChallengeRow): Promise<void> {
  await db.insertInto('admin_sign_in_challenges').values(row).execute();
}

export async function findChallenge(db: Db, tokenHash: string): Promise<AdminSignInChallengeRow | undefined> {
  const row = await db
    .selectFrom('admin_sign_in_challenges')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { ...row, failures: Number(row.failures), expires_at: Number(row.expires_at) };
}

export async function countChallengeFailure(db: Db, tokenHash: string): Promise<void> {
  await db
    .updateTable('admin_sign_in_challenges')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function deleteChallenge(db: Db, tokenHash: string): Promise<boolean> {
  const result = await db.deleteFrom('admin_sign_in_challenges').where('token_hash', '=', tokenHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteExpiredChallenges(db: Db, now: number): Promise<void> {
  await db.deleteFrom('admin_sign_in_challenges').where('expires_at', '<=', now).execute();
}

// For `passline keys rotate`: every admin's sealed TOTP secret (enabled or awaiting its first code).

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
