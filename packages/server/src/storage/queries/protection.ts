import { type Kysely, type Selectable, sql } from 'kysely';
import { insertRow, precompiled } from '../precompiled.ts';
import type { Database, ProtectionAlertsTable, ProtectionBlocksTable, ProtectionEventsTable } from '../schema.ts';
import { logAppender } from '../statement-batcher.ts';

export type ProtectionEventRow = Selectable<ProtectionEventsTable>;
export type ProtectionBlockRow = Selectable<ProtectionBlocksTable>;
export type ProtectionAlertRow = Selectable<ProtectionAlertsTable>;

const insertEventQuery = precompiled((db: Kysely<Database>, row: ProtectionEventRow) =>
  db.insertInto('protection_events').values(
    insertRow(row, {
      id: true,
      created_at: true,
      reason: true,
      enforced: true,
      country: true,
      range_masked: true,
      client_ip: true,
      source: true,
    }),
  ),
);

// An attack refuses thousands of sends: on PostgreSQL their events share statements and commit
// without waiting for the disk, like the message log (see logAppender).
const appendEvent = logAppender<Database, ProtectionEventRow>(
  'protection_events',
  [
    ['id', 'text'],
    ['created_at', 'bigint'],
    ['reason', 'text'],
    ['enforced', 'integer'],
    ['country', 'text'],
    ['range_masked', 'text'],
    ['client_ip', 'text'],
    ['source', 'text'],
  ],
  insertEventQuery,
);

export async function insertProtectionEvent(db: Kysely<Database>, row: ProtectionEventRow): Promise<void> {
  await appendEvent(db, row);
}

export interface ProtectionEventFilter {
  reason?: string;
  country?: string;
  since?: number;
  until?: number;
  /** Keyset pagination: rows strictly older than this (created_at, id) pair. */
  before?: { createdAt: number; id: string };
  limit: number;
}

export async function listProtectionEvents(
  db: Kysely<Database>,
  filter: ProtectionEventFilter,
): Promise<ProtectionEventRow[]> {
  let query = db.selectFrom('protection_events').selectAll();
  if (filter.reason) query = query.where('reason', '=', filter.reason);
  if (filter.country) query = query.where('country', '=', filter.country);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Housekeeping: events older than the retention carry no more information for the page. */
export async function deleteProtectionEventsBefore(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('protection_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

const hourMs = 3_600_000;

/** Refusals per hour and reason since `since`. */
export async function countEventsByHour(
  db: Kysely<Database>,
  since: number,
): Promise<Array<{ hour: number; reason: string; count: number }>> {
  const rows = await db
    .selectFrom('protection_events')
    .select((eb) => [sql<number>`created_at / ${sql.lit(hourMs)}`.as('hour'), 'reason', eb.fn.countAll().as('count')])
    .where('created_at', '>=', since)
    .groupBy([sql`created_at / ${sql.lit(hourMs)}`, 'reason'])
    .execute();
  // PostgreSQL returns bigint arithmetic and counts as strings.
  return rows.map((row) => ({ hour: Number(row.hour), reason: row.reason, count: Number(row.count) }));
}

/** Codes delivered (or attempted) per hour since `since`, from the message log; test sends left out. */
export async function countMessagesByHour(
  db: Kysely<Database>,
  since: number,
): Promise<Array<{ hour: number; count: number }>> {
  const rows = await db
    .selectFrom('messages')
    .select((eb) => [sql<number>`created_at / ${sql.lit(hourMs)}`.as('hour'), eb.fn.countAll().as('count')])
    .where('created_at', '>=', since)
    .where('is_test', '=', 0)
    .groupBy(sql`created_at / ${sql.lit(hourMs)}`)
    .execute();
  return rows.map((row) => ({ hour: Number(row.hour), count: Number(row.count) }));
}

/** Messages per destination country since `since`, most first. */
export async function countMessagesByCountry(
  db: Kysely<Database>,
  since: number,
  limit: number,
): Promise<Array<{ country: string; count: number }>> {
  const rows = await db
    .selectFrom('messages')
    .select((eb) => ['country', eb.fn.countAll().as('count')])
    .where('created_at', '>=', since)
    .where('is_test', '=', 0)
    .where('country', 'is not', null)
    .groupBy('country')
    .orderBy('count', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ country: row.country as string, count: Number(row.count) }));
}

/** Refusals per `range_masked` or `country` since `since`, most first. */
export async function countEventsBy(
  db: Kysely<Database>,
  column: 'range_masked' | 'country',
  since: number,
  limit: number,
): Promise<Array<{ value: string; country: string | null; count: number }>> {
  const rows = await db
    .selectFrom('protection_events')
    .select((eb) => [
      sql<string>`${sql.ref(column)}`.as('value'),
      eb.fn.max('country').as('country'),
      eb.fn.countAll().as('count'),
    ])
    .where('created_at', '>=', since)
    .where(column, 'is not', null)
    .groupBy(column)
    .orderBy('count', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ value: row.value, country: row.country ?? null, count: Number(row.count) }));
}

/** Records a guard block, or extends the one there is. */
export async function upsertProtectionBlock(db: Kysely<Database>, row: ProtectionBlockRow): Promise<void> {
  await db
    .insertInto('protection_blocks')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        sent: row.sent,
        approved: row.approved,
        created_at: row.created_at,
        until: row.until,
      }),
    )
    .execute();
}

export async function listActiveProtectionBlocks(db: Kysely<Database>, now: number): Promise<ProtectionBlockRow[]> {
  return db
    .selectFrom('protection_blocks')
    .selectAll()
    .where('until', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function deleteProtectionBlock(db: Kysely<Database>, key: string): Promise<boolean> {
  const result = await db.deleteFrom('protection_blocks').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteEndedProtectionBlocks(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('protection_blocks').where('until', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertProtectionAlert(db: Kysely<Database>, row: ProtectionAlertRow): Promise<void> {
  await db.insertInto('protection_alerts').values(row).execute();
}

export async function listRecentProtectionAlerts(db: Kysely<Database>, limit: number): Promise<ProtectionAlertRow[]> {
  return db.selectFrom('protection_alerts').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}
