import type { Kysely } from 'kysely';

// SMS-pumping protection (services/protection/): what it refused, which ranges, client IPs and
// countries its conversion guard holds back, and the alerts it raised. The message log learns each
// message's destination country, so the Protection page can show volumes by country without
// keeping full numbers anywhere new.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('country', 'text').execute();
  // Stored with each code, so an approval is tallied for its country without parsing the number again.
  await db.schema.alterTable('verifications').addColumn('country', 'text').execute();

  await db.schema
    .createTable('protection_events')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('enforced', 'integer', (column) => column.notNull())
    .addColumn('country', 'text')
    .addColumn('range_masked', 'text', (column) => column.notNull())
    .addColumn('client_ip', 'text')
    .addColumn('source', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('protection_events_by_time')
    .on('protection_events')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('protection_blocks')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('dimension', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('sent', 'integer', (column) => column.notNull())
    .addColumn('approved', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('until', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('protection_alerts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('subject', 'text', (column) => column.notNull())
    .addColumn('delivered', 'integer', (column) => column.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('protection_alerts_by_time').on('protection_alerts').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('protection_alerts').execute();
  await db.schema.dropTable('protection_blocks').execute();
  await db.schema.dropTable('protection_events').execute();
  await db.schema.alterTable('verifications').dropColumn('country').execute();
  await db.schema.alterTable('messages').dropColumn('country').execute();
}
