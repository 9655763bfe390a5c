import type { Kysely, Selectable } from 'kysely';
import type { Database, TwilioVerifyServicesTable } from '../schema.ts';

export type TwilioVerifyServiceRow = Selectable<TwilioVerifyServicesTable>;

export async function insertTwilioVerifyService(db: Kysely<Database>, row: TwilioVerifyServiceRow): Promise<void> {
  await db.insertInto('twilio_verify_services').values(row).execute();
}

/** The service, only when it belongs to this account: another account's SID reads as unknown. */
export async function findTwilioVerifyService(
  db: Kysely<Database>,
  accountSid: string,
  sid: string,
): Promise<TwilioVerifyServiceRow | undefined> {
  return db
    .selectFrom('twilio_verify_services')
    .selectAll()
    .where('sid', '=', sid)
    .where('account_sid', '=', accountSid)
    .executeTakeFirst();
}

/** One page of the account's services, newest first; `limit` rows from `offset`. */
export async function listTwilioVerifyServices(
  db: Kysely<Database>,
  accountSid: string,
  offset: number,
  limit: number,
): Promise<TwilioVerifyServiceRow[]> {
  return db
    .selectFrom('twilio_verify_services')
    .selectAll()
    .where('account_sid', '=', accountSid)
    .orderBy('created_at', 'desc')
    .orderBy('sid', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

export async function updateTwilioVerifyService(
  db: Kysely<Database>,
  accountSid: string,
  sid: string,
  changes: Partial<Pick<TwilioVerifyServiceRow, 'friendly_name' | 'code_length'>> & { updated_at: number },
): Promise<TwilioVerifyServiceRow | undefined> {
  await db
    .updateTable('twilio_verify_services')
    .set(changes)
    .where('sid', '=', sid)
    .where('account_sid', '=', accountSid)
    .execute();
  return findTwilioVerifyService(db, accountSid, sid);
}

/** Deletes the service and its verifications; false when the account has no such service. */
export async function deleteTwilioVerifyService(
  db: Kysely<Database>,
  accountSid: string,
  sid: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('twilio_verify_services')
      .where('sid', '=', sid)
      .where('account_sid', '=', accountSid)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) return false;
    await trx.deleteFrom('twilio_verify_verifications').where('service_sid', '=', sid).execute();
    return true;
  });
}
