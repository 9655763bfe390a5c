import type { Kysely, Selectable } from 'kysely';
import type { Database, TwilioVerifyVerificationsTable } from '../schema.ts';

export type TwilioVerifyVerificationRow = Selectable<TwilioVerifyVerificationsTable>;

export async function insertTwilioVerifyVerification(
  db: Kysely<Database>,
  row: TwilioVerifyVerificationRow,
): Promise<void> {
  await db.insertInto('twilio_verify_verifications').values(row).execute();
}

export async function findTwilioVerifyVerificationBySid(
  db: Kysely<Database>,
  serviceSid: string,
  sid: string,
): Promise<TwilioVerifyVerificationRow | undefined> {
  return db
    .selectFrom('twilio_verify_verifications')
    .selectAll()
    .where('sid', '=', sid)
    .where('service_sid', '=', serviceSid)
    .executeTakeFirst();
}

/** The service's newest verification for a number (whether it is still pending is Passline's to say). */
export async function findLatestTwilioVerifyVerificationByPhone(
  db: Kysely<Database>,
  serviceSid: string,
  phone: string,
): Promise<TwilioVerifyVerificationRow | undefined> {
  return db
    .selectFrom('twilio_verify_verifications')
    .selectAll()
    .where('service_sid', '=', serviceSid)
    .where('phone', '=', phone)
    .orderBy('created_at', 'desc')
    .orderBy('sid', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Points the verification at a resend's Passline verification and stores the grown attempt list,
 * only if nobody else moved it since `previousVerificationId` was read; false when a concurrent
 * resend won (the caller reads again and retries).
 */
export async function replaceTwilioVerifyCode(
  db: Kysely<Database>,
  sid: string,
  previousVerificationId: string,
  next: { verification_id: string; send_code_attempts: string; updated_at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('twilio_verify_verifications')
    .set(next)
    .where('sid', '=', sid)
    .where('verification_id', '=', previousVerificationId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchTwilioVerifyVerification(db: Kysely<Database>, sid: string, now: number): Promise<void> {
  await db.updateTable('twilio_verify_verifications').set({ updated_at: now }).where('sid', '=', sid).execute();
}
