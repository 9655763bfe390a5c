import type { Kysely } from 'kysely';

// Two-factor sign-in for console admins (console-auth/two-factor-*.ts): one TOTP secret per admin
// (sealed with the encryption key), their recovery codes (hashed, one-time), and the short-lived
// step between the password and the second factor.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_two_factor')
    .addColumn('admin_id', 'text', (column) => column.primaryKey().references('admins.id').onDelete('cascade'))
    .addColumn('secret', 'text', (column) => column.notNull())
    // Null while the admin has started enrolling but not yet confirmed a code.
    .addColumn('enabled_at', 'bigint')
    // The last TOTP time step accepted: a step is never accepted twice (replay).
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('admin_recovery_codes')
    .addColumn('code_hash', 'text', (column) => column.primaryKey())
    .addColumn('admin_id', 'text', (column) => column.notNull().references('admins.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('admin_recovery_codes_by_admin')
    .on('admin_recovery_codes')
    .columns(['admin_id'])
    .execute();
  await db.schema
    .createTable('admin_sign_in_challenges')
    .addColumn('token_hash', 'text', (column) => column.primaryKey())
    .addColumn('admin_id', 'text', (column) => column.notNull().references('admins.id').onDelete('cascade'))
    // 'verify' (enter a code) or 'enrol' (two-factor is required and this admin has none yet).
    .addColumn('purpose', 'text', (column) => column.notNull())
    .addColumn('failures', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_sign_in_challenges').ifExists().execute();
  await db.schema.dropTable('admin_recovery_codes').ifExists().execute();
  await db.schema.dropTable('admin_two_factor').ifExists().execute();
}
