import { type Kysely, sql } from 'kysely';
import { type Columns, precompiledUnnest, precompiledValues } from '../precompiled.ts';
import type { Database } from '../schema.ts';
import { batchedStatement } from '../statement-batcher.ts';

// Every send runs these statements. Declared like the statements of verifications.ts: batch key,
// single form, batched form, key of a returned row, then the function the services call.
//
// Lock order: an INSERT ... ON CONFLICT takes each row's lock when it reaches that row, in the order
// of its input rows. Every statement here lists its rows in `lockOrder`, so two statements that
// share buckets (one number, one IP; from one instance or several) wait for each other in one
// direction only and never deadlock.
//
// The single forms list their rows (`values (...), (...)`), compiled once per bucket count: on both
// engines that is cheaper than the batched form with one item (PostgreSQL's `unnest`, SQLite's
// `json_each`).

export interface BucketHit {
  key: string;
  /** The window length for a bucket that starts now. */
  windowMs: number;
}

type BucketCount = { key: string; hits: number; reset_at: number };

/** A bucket as a statement writes it: its key and the end of the window a bucket that starts now gets. */
type BucketWindow = { key: string; resetAt: number };

/** One request's hits; its windows come in `lockOrder`. */
type Increment = { windows: readonly BucketWindow[]; now: number };

/** The one order in which statements on rate_limit_buckets take row locks: by key, code unit by code unit. */
function lockOrder(left: { key: string }, right: { key: string }): number {
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}

/**
 * Counts one hit in each bucket (fixed windows: a bucket whose window has passed starts over) and
 * returns the new counts. The upsert's row locks serialise concurrent hits on one key, so each
 * caller sees a count that includes every hit before it.
 *
 * Batched (PostgreSQL), the sends of one event-loop turn count their hits in one upsert. Sends that
 * share a bucket never share a statement (the key), so each still sees the counts of every hit
 * before it. The batch decides expired windows at its latest `now`.
 */
export const incrementBucketsStatement = batchedStatement({
  key: (increment: Increment) => increment.windows.map((window) => window.key),
  one: (db: Kysely<Database>, increment: Increment) => incrementOne(db, increment.windows, { now: increment.now }),
  many: (db: Kysely<Database>, increments: Increment[]) =>
    incrementMany(db, increments.flatMap((increment) => increment.windows).sort(lockOrder), {
      now: Math.max(...increments.map((increment) => increment.now)),
    }),
  rowKey: (count: BucketCount) => count.key,
});

const incrementOne = precompiledValues((db: Kysely<Database>, windows: readonly BucketWindow[], at: { now: number }) =>
  db
    .insertInto('rate_limit_buckets')
    .values(windows.map((window) => ({ key: window.key, hits: 1, reset_at: window.resetAt })))
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        hits: sql<number>`
          case when rate_limit_buckets.reset_at <= ${at.now} then 1
          else rate_limit_buckets.hits + 1 end`,
        reset_at: sql<number>`
          case when rate_limit_buckets.reset_at <= ${at.now} then excluded.reset_at
          else rate_limit_buckets.reset_at end`,
      }),
    )
    .returning(['key', 'hits', 'reset_at']),
);

const incrementMany = precompiledUnnest(
  (_db: Kysely<Database>, windows: Columns<BucketWindow>, at: { now: number }) => sql<BucketCount>`
    insert into rate_limit_buckets (key, hits, reset_at)
    select w.key, 1, w.reset_at
    from unnest(${windows.key}::text[], ${windows.resetAt}::bigint[]) as w (key, reset_at)
    on conflict (key) do update set
      hits = case when rate_limit_buckets.reset_at <= ${at.now} then 1
        else rate_limit_buckets.hits + 1 end,
      reset_at = case when rate_limit_buckets.reset_at <= ${at.now} then excluded.reset_at
        else rate_limit_buckets.reset_at end
    returning key, hits, reset_at`,
);

/** Counts one hit in each bucket; returns each bucket's count and the end of its window. */
export async function incrementBuckets(
  db: Kysely<Database>,
  hits: readonly BucketHit[],
  now: number,
): Promise<BucketCount[]> {
  if (hits.length === 0) return [];
  const windows = hits.map((hit) => ({ key: hit.key, resetAt: now + hit.windowMs })).sort(lockOrder);
  return incrementBucketsStatement(db, { windows, now });
}

/**
 * Gives back the hits of a refused request: one less in each of its buckets, but only in the window
 * the hit was counted in (`reset_at` as the increment returned it), so a bucket that has started
 * over since keeps its count and the limit stays exact. Not batched: only refused sends run it.
 *
 * An upsert rather than `update ... where key in (...)`: an UPDATE locks rows in the order its plan
 * reads them (heap order for a sequential or bitmap scan), not in key order, and a give-back that
 * holds one bucket while an increment holds another deadlocked (PostgreSQL then aborts one of them
 * after deadlock_timeout). This statement takes its locks in `lockOrder`, like the increments. The
 * buckets exist (the request just counted in them); one that vanished comes back empty.
 */
const giveBackOne = precompiledValues((db: Kysely<Database>, windows: readonly BucketWindow[]) =>
  db
    .insertInto('rate_limit_buckets')
    .values(windows.map((window) => ({ key: window.key, hits: 0, reset_at: window.resetAt })))
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        hits: sql<number>`
          case when rate_limit_buckets.reset_at = excluded.reset_at and rate_limit_buckets.hits > 0
            then rate_limit_buckets.hits - 1
          else rate_limit_buckets.hits end`,
      }),
    ),
);

/** Takes back one hit from each bucket, in the window it was counted in. */
export async function giveBackBuckets(
  db: Kysely<Database>,
  counts: ReadonlyArray<{ key: string; reset_at: number }>,
): Promise<void> {
  if (counts.length === 0) return;
  await giveBackOne(db, counts.map((count) => ({ key: count.key, resetAt: count.reset_at })).sort(lockOrder));
}

/** Housekeeping: buckets whose window ended long ago carry no information. */
export async function deleteExpiredBuckets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_buckets').where('reset_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
