import { type Kysely, sql } from 'kysely';
import type { DashboardRollupsTable, Database } from '../schema.ts';

export type RollupTable = 'dashboard_rollup_minutes' | 'dashboard_rollup_hours' | 'dashboard_rollup_days';
export type RollupRow = DashboardRollupsTable;

// 7 values a row: well under SQLite's and PostgreSQL's bound-parameter limits.
const rowsPerStatement = 500;

/**
 * Adds counts to the table: a row that exists gets the new counts added, so every instance adds
 * its own counts to the same rows and none overwrites another's.
 */
export async function addRollups(db: Kysely<Database>, table: RollupTable, rows: readonly RollupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + rowsPerStatement))
      .onConflict((conflict) =>
        conflict.columns(['bucket', 'metric', 'country', 'connector', 'detail']).doUpdateSet((eb) => ({
          count: eb(`${table}.count`, '+', eb.ref('excluded.count')),
          sum_ms: eb(`${table}.sum_ms`, '+', eb.ref('excluded.sum_ms')),
        })),
      )
      .execute();
  }
}

/**
 * The counts from `since` (inclusive) to `until` (exclusive), summed per bucket and key (several
 * instances' rows are already one row each): a few thousand rows, whatever the traffic was.
 */
export async function sumRollups(
  db: Kysely<Database>,
  table: RollupTable,
  range: { since: number; until: number },
): Promise<RollupRow[]> {
  const rows = await db
    .selectFrom(table)
    .select([
      'bucket',
      'metric',
      'country',
      'connector',
      'detail',
      sql<number>`sum(count)`.as('count'),
      sql<number>`sum(sum_ms)`.as('sum_ms'),
    ])
    .where('bucket', '>=', range.since)
    .where('bucket', '<', range.until)
    .groupBy(['bucket', 'metric', 'country', 'connector', 'detail'])
    .execute();
  // PostgreSQL's sum() of bigint is numeric, which the driver returns as text.
  return rows.map((row) => ({
    ...row,
    bucket: Number(row.bucket),
    count: Number(row.count),
    sum_ms: Number(row.sum_ms),
  }));
}

/** Housekeeping: rows whose bucket started before `before`. */
export async function deleteRollupsBefore(db: Kysely<Database>, table: RollupTable, before: number): Promise<number> {
  const result = await db.deleteFrom(table).where('bucket', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
