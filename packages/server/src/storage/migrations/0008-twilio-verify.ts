import type { Kysely } from 'kysely';

// The Twilio Verify-compatible API: its services (VA…) and its verifications (VE…), each of which
// points at the Passline verification that holds its current code. A resend replaces that
// pointer and keeps the VE, as Twilio keeps one verification per number while it is pending.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('twilio_verify_services')
    .addColumn('sid', 'text', (column) => column.primaryKey())
    .addColumn('account_sid', 'text', (column) => column.notNull())
    .addColumn('friendly_name', 'text', (column) => column.notNull())
    .addColumn('code_length', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // Listing is per account, newest first.
  await db.schema
    .createIndex('twilio_verify_services_by_account')
    .on('twilio_verify_services')
    .columns(['account_sid', 'created_at'])
    .execute();

  await db.schema
    .createTable('twilio_verify_verifications')
    .addColumn('sid', 'text', (column) => column.primaryKey())
    .addColumn('service_sid', 'text', (column) => column.notNull())
    .addColumn('phone', 'text', (column) => column.notNull())
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('verification_id', 'text', (column) => column.notNull())
    .addColumn('send_code_attempts', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // A verification is also addressed by its number ("Verifications/+15017122661", a check by To).
  await db.schema
    .createIndex('twilio_verify_verifications_by_phone')
    .on('twilio_verify_verifications')
    .columns(['service_sid', 'phone', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('twilio_verify_verifications').ifExists().execute();
  await db.schema.dropTable('twilio_verify_services').ifExists().execute();
}
