import type { Kysely } from 'kysely';

// OpenID Connect: applications (OIDC clients), the provider's own records (codes, sessions, grants,
// tokens: `oidc_payloads`), signing-key retirement, and what admins see and change of end users.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('suspended_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('last_sign_in_at', 'bigint').execute();
  await db.schema.alterTable('signing_keys').addColumn('retired_at', 'bigint').execute();
  await db.schema.createIndex('users_by_created').on('users').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('redirect_uris', 'text', (column) => column.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (column) => column.notNull())
    .addColumn('first_party', 'integer', (column) => column.notNull())
    .addColumn('client_secret', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  // One table for every record oidc-provider keeps; `id` is a SHA-256 of the record's id, because
  // for tokens and codes the id is the secret itself.
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('payload', 'text', (column) => column.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pkey', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_by_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_by_uid').on('oidc_payloads').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oidc_payloads_by_account').on('oidc_payloads').column('account_id').execute();
  await db.schema.createIndex('oidc_payloads_by_client').on('oidc_payloads').column('client_id').execute();
  await db.schema.createIndex('oidc_payloads_by_expiry').on('oidc_payloads').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_payloads').ifExists().execute();
  await db.schema.dropTable('applications').ifExists().execute();
  await db.schema.dropIndex('users_by_created').ifExists().execute();
  await db.schema.alterTable('signing_keys').dropColumn('retired_at').execute();
  await db.schema.alterTable('users').dropColumn('last_sign_in_at').execute();
  await db.schema.alterTable('users').dropColumn('suspended_at').execute();
}
