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
 */
export async function incrementBuckets(
  db: Kysely<Database>,
  hits: readonly BucketHit[],
  now: number,
): Promise<Array<{ key: string; hits: number; reset_at: number }>> {
  if (hits.length === 0) return [];
  return incrementBatched(db, { hits, now });
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
 * before it. Rows go in key order, the lock order every statement uses, so instances cannot
 * deadlock on each other's buckets. The batch decides expired windows at its latest `now`.
 */
const incrementBatched = statementBatcher<Database, { hits: readonly BucketHit[]; now: number }, BucketCount[]>({
  one: (db, item) => incrementOnce(db, item.hits, item.now),
  many: async (db, items) => {
    const rows = items
      .flatMap((item) => item.hits.map((hit) => ({ key: hit.key, resetAt: item.now + hit.windowMs })))
      .sort((left, right) => (left.key < right.key ? -1 : 1));
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

/** Gives back the hit of a refused request. */
export async function decrementBuckets(db: Kysely<Database>, keys: readonly string[]): Promise<void> {
  await db
    .updateTable('rate_limit_buckets')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', 'in', keys)
    .where('hits', '>', 0)
    .execute();
}

/** Housekeeping: buckets whose window ended long ago carry no information. */
export async function deleteExpiredBuckets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_buckets').where('reset_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
