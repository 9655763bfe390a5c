import type { Kysely } from 'kysely';

// The dashboard's rollups (dashboard/): counters per minute, per hour and per day, added to by every
// instance with an additive upsert, so the dashboard never scans the message log. One row per
// (bucket, metric, country, connector, detail); '' stands for "none" in the key columns.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['dashboard_rollup_minutes', 'dashboard_rollup_hours', 'dashboard_rollup_days']) {
    await db.schema
      .createTable(table)
      .addColumn('bucket', 'bigint', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('country', 'text', (column) => column.notNull())
      .addColumn('connector', 'text', (column) => column.notNull())
      .addColumn('detail', 'text', (column) => column.notNull())
      .addColumn('count', 'bigint', (column) => column.notNull())
      .addColumn('sum_ms', 'bigint', (column) => column.notNull())
      // The bucket leads: every read is a time range, and retention deletes by time.
      .addPrimaryKeyConstraint(`${table}_pk`, ['bucket', 'metric', 'country', 'connector', 'detail'])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dashboard_rollup_minutes').ifExists().execute();
  await db.schema.dropTable('dashboard_rollup_hours').ifExists().execute();
  await db.schema.dropTable('dashboard_rollup_days').ifExists().execute();
}
