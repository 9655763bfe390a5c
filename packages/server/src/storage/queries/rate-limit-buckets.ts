import { type Kysely, sql } from 'kysely';
import { precompiled } from '../precompiled.ts';
import type { Database } from '../schema.ts';

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
  const args: Record<string, unknown> = { now };
  hits.forEach((hit, index) => {
    args[`key${index}`] = hit.key;
    args[`resetAt${index}`] = now + hit.windowMs;
  });
  return (await incrementQueryFor(hits.length)(db, args)).rows;
}

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
