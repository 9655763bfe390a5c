import { type Kysely, sql } from 'kysely';
import { capabilitiesOf } from '../capabilities.ts';

// One migration set for SQLite and PostgreSQL: only types both understand (text, integer, bigint),
// and partial indexes, which both support.
export async function up(db: Kysely<unknown>): Promise<void> {
  const capabilities = capabilitiesOf(db);
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('scope', 'text', (column) => column.notNull())
    .addColumn('key_hash', 'text', (column) => column.notNull().unique())
    .addColumn('key_prefix', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('connectors')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('factory_id', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('config', 'text', (column) => column.notNull())
    .addColumn('secrets', 'text')
    .addColumn('active', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // The database itself guarantees "one active connector per type", even with several instances.
  await db.schema
    .createIndex('connectors_one_active_per_type')
    .on('connectors')
    .column('type')
    .unique()
    .where(sql.ref('active'), '=', 1)
    .execute();

  await db.schema
    .createTable('verifications')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('phone', 'text', (column) => column.notNull())
    .addColumn('usage', 'text', (column) => column.notNull())
    .addColumn('code_hash', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('connector_id', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema
    .createIndex('verifications_pending_by_phone_usage')
    .on('verifications')
    .columns(['phone', 'usage'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('verification_id', 'text')
    .addColumn('connector_id', 'text')
    .addColumn('factory_id', 'text', (column) => column.notNull())
    .addColumn('to_masked', 'text', (column) => column.notNull())
    .addColumn('usage', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('provider_message_id', 'text')
    .addColumn('error_kind', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('provider_request_id', 'text')
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('is_test', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('messages_by_time').on('messages').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('dev_outbox')
    .addColumn('id', capabilities.autoIncrementType, (column) => column.primaryKey())
    .addColumn('phone', 'text', (column) => column.notNull())
    .addColumn('to_masked', 'text', (column) => column.notNull())
    .addColumn('usage', 'text', (column) => column.notNull())
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('dev_outbox_by_phone').on('dev_outbox').columns(['phone', 'id']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('rate_limit_buckets')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('hits', 'integer', (column) => column.notNull())
    .addColumn('reset_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'rate_limit_buckets',
    'settings',
    'dev_outbox',
    'messages',
    'verifications',
    'connectors',
    'api_keys',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
