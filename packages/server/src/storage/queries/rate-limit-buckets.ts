import { type Kysely, sql } from 'kysely';
import { precompiled } from '../precompiled.ts';
import type { Database } from '../schema.ts';
import { statementBatcher } from '../statement-batcher.ts';

export interface BucketHit {
  key: string;
  /** The window length for a bucket that starts now. */
  windowMs: number;
}

/**
 * Counts one hit in each bucket (fixed windows: a bucket whose window has passed starts over) and
 * returns the new counts, in one statement. The upsert's row locks serialise concurrent hits on one
 * key, so each caller sees a count that includes every hit before it.
 *
 * Lock order: an INSERT ... ON CONFLICT takes each row's lock when it reaches that row, in the
 * order of its input rows. Every statement here lists its rows in `lockOrder`, so two statements
 * that share buckets (one number, one IP; from one instance or several) wait for each other in one
 * direction only and never deadlock.
 */
export async function incrementBuckets(
  db: Kysely<Database>,
  hits: readonly BucketHit[],
  now: number,
): Promise<Array<{ key: string; hits: number; reset_at: number }>> {
  if (hits.length === 0) return [];
  return incrementBatched(db, { hits: [...hits].sort(lockOrder), now });
}

/** The one order in which statements on rate_limit_buckets take row locks: by key, code unit by code unit. */
function lockOrder(left: { key: string }, right: { key: string }): number {
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}

type BucketCount = { key: string; hits: number; reset_at: number };

async function incrementOnce(db: Kysely<Database>, hits: readonly BucketHit[], now: number): Promise<BucketCount[]> {
  const args: Record<string, unknown> = { now };
  hits.forEach((hit, index) => {
    args[`key${index}`] = hit.key;
    args[`resetAt${index}`] = now + hit.windowMs;
  });
  return (await incrementQueryFor(hits.length)(db, args)).rows;
}

/**
 * On PostgreSQL, the sends of one event-loop turn count their hits in one upsert. Sends that share
 * a bucket (one number, one IP) never share a statement, so each still sees the counts of every hit
 * before it. Rows go in `lockOrder`, like every statement on these rows, so instances cannot
 * deadlock on each other's buckets. The batch decides expired windows at its latest `now`.
 */
const incrementBatched = statementBatcher<Database, { hits: readonly BucketHit[]; now: number }, BucketCount[]>({
  one: (db, item) => incrementOnce(db, item.hits, item.now),
  many: async (db, items) => {
    const rows = items
      .flatMap((item) => item.hits.map((hit) => ({ key: hit.key, resetAt: item.now + hit.windowMs })))
      .sort(lockOrder);
    const counts = await incrementManyQuery(db, {
      keys: rows.map((row) => row.key),
      resets: rows.map((row) => row.resetAt),
      now: Math.max(...items.map((item) => item.now)),
    });
    const byKey = new Map(counts.rows.map((count) => [count.key, count]));
    return items.map((item) => item.hits.map((hit) => byKey.get(hit.key) as BucketCount));
  },
  key: (item) => item.hits.map((hit) => hit.key),
});

export const incrementManyQuery = precompiled(
  (_db: Kysely<Database>, args: { keys: string[]; resets: number[]; now: number }) =>
    sql<BucketCount>`insert into rate_limit_buckets (key, hits, reset_at) select b.key, 1, b.reset_at from unnest(${args.keys}::text[], ${args.resets}::bigint[]) as b(key, reset_at) on conflict (key) do update set hits = case when rate_limit_buckets.reset_at <= ${args.now} then 1 else rate_limit_buckets.hits + 1 end, reset_at = case when rate_limit_buckets.reset_at <= ${args.now} then excluded.reset_at else rate_limit_buckets.reset_at end returning key, hits, reset_at`,
);

/** Every send runs this upsert: compiled once per number of buckets (see precompiled.ts). */
const incrementQueries = new Map<number, ReturnType<typeof incrementQuery>>();
const incrementQueryFor = (count: number) => {
  let query = incrementQueries.get(count);
  if (!query) {
    query = incrementQuery(count);
    incrementQueries.set(count, query);
  }
  return query;
};

function incrementQuery(count: number) {
  return precompiled((db: Kysely<Database>, args: Record<string, unknown>) =>
    db
      .insertInto('rate_limit_buckets')
      .values(
        Array.from({ length: count }, (_, index) => ({
          key: args[`key${index}`] as string,
          hits: 1,
          reset_at: args[`resetAt${index}`] as number,
        })),
      )
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limit_buckets.reset_at <= ${args.now} then 1 else rate_limit_buckets.hits + 1 end`,
          reset_at: sql<number>`case when rate_limit_buckets.reset_at <= ${args.now} then excluded.reset_at else rate_limit_buckets.reset_at end`,
        }),
      )
      .returning(['key', 'hits', 'reset_at']),
  );
}

/**
 * Gives back the hits of a refused request: one less in each of its buckets, but only in the window
 * the hit was counted in (`reset_at` as the increment returned it), so a bucket that has started
 * over since keeps its count and the limit stays exact.
 *
 * An upsert rather than `update ... where key in (...)`: an UPDATE locks rows in the order its plan
 * reads them (heap order for a sequential or bitmap scan), not in key order, and a give-back that
 * holds one bucket while an increment holds another deadlocked (PostgreSQL then aborts one of them
 * after deadlock_timeout). This statement takes its locks in `lockOrder`, like the increments. The
 * buckets exist (the request just counted in them); one that vanished comes back empty.
 */
export async function giveBackBuckets(
  db: Kysely<Database>,
  counts: ReadonlyArray<{ key: string; reset_at: number }>,
): Promise<void> {
  if (counts.length === 0) return;
  const args: Record<string, unknown> = {};
  [...counts].sort(lockOrder).forEach((count, index) => {
    args[`key${index}`] = count.key;
    args[`resetAt${index}`] = count.reset_at;
  });
  await giveBackQueryFor(counts.length)(db, args);
}

const giveBackQueries = new Map<number, ReturnType<typeof giveBackQuery>>();
const giveBackQueryFor = (count: number) => {
  let query = giveBackQueries.get(count);
  if (!query) {
    query = giveBackQuery(count);
    giveBackQueries.set(count, query);
  }
  return query;
};

function giveBackQuery(count: number) {
  return precompiled((db: Kysely<Database>, args: Record<string, unknown>) =>
    db
      .insertInto('rate_limit_buckets')
      .values(
        Array.from({ length: count }, (_, index) => ({
          key: args[`key${index}`] as string,
          hits: 0,
          reset_at: args[`resetAt${index}`] as number,
        })),
      )
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limit_buckets.reset_at = excluded.reset_at and rate_limit_buckets.hits > 0 then rate_limit_buckets.hits - 1 else rate_limit_buckets.hits end`,
        }),
      ),
  );
}

/** Housekeeping: buckets whose window ended long ago carry no information. */
export async function deleteExpiredBuckets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_buckets').where('reset_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
