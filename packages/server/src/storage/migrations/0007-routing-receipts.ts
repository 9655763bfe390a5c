import type { Kysely } from 'kysely';

// Routing and failover (each try of a send is a message-log row with its attempt number; connector
// health is shared by every instance) and delivery receipts (what the provider says happened).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('attempt', 'integer', (column) => column.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('messages')
    .addColumn('receipts', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('messages').addColumn('delivery_status', 'text').execute();
  await db.schema.alterTable('messages').addColumn('delivery_error_code', 'text').execute();
  await db.schema.alterTable('messages').addColumn('delivered_at', 'bigint').execute();
  // A receipt names the provider's message id: found through this index.
  await db.schema
    .createIndex('messages_by_provider_id')
    .on('messages')
    .columns(['factory_id', 'provider_message_id'])
    .execute();

  await db.schema
    .createTable('connector_health')
    .addColumn('connector_id', 'text', (column) => column.primaryKey())
    .addColumn('consecutive_failures', 'integer', (column) => column.notNull())
    .addColumn('open_until', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_success_at', 'bigint')
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connector_health').ifExists().execute();
  await db.schema.dropIndex('messages_by_provider_id').ifExists().execute();
  for (const column of ['delivered_at', 'delivery_error_code', 'delivery_status', 'receipts', 'attempt']) {
    await db.schema.alterTable('messages').dropColumn(column).execute();
  }
}
