import { type Kysely, sql } from 'kysely';
import { engineOf } from '../capabilities.ts';
import { type Columns, precompiledUnnest, precompiledValues } from '../precompiled.ts';
import type { Database } from '../schema.ts';
import { statementBatcher } from '../statement-batcher.ts';

// Every send runs these statements: the single form, the batched form, then the function the
// services call. Unlike the statements of verifications.ts, the increment has no batch key: sends
// that share a bucket share the statement too (see incrementBucketsStatement).
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

/** A bucket as the batched form writes it: the hits of every request of the batch that counts in it. */
type BatchedWindow = BucketWindow & { hits: number };

/** The one order in which statements on rate_limit_buckets take row locks: by key, code unit by code unit. */
function lockOrder(left: { key: string }, right: { key: string }): number {
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}

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

/**
 * The batched form. On PostgreSQL outside a transaction it commits without waiting for the WAL flush
 * (`synchronous_commit` off for its own transaction, as the log appenders do): the buckets that every
 * send shares (the deployment's and a country's budget) are locked until commit, and a commit that
 * waits for the disk would make all sends of the deployment queue behind that one row. If PostgreSQL
 * itself crashes, the counts of the last moments (up to 3 × `wal_writer_delay`) are lost, letting that
 * many more sends through; codes, attempts and approvals still commit synchronously.
 */
const incrementManyStatement = (asyncCommit: boolean) =>
  precompiledUnnest((_db: Kysely<Database>, windows: Columns<BatchedWindow>, at: { now: number }) => {
    const commitMode = asyncCommit
      ? sql` cross join (select set_config('synchronous_commit', 'off', true)) as commit_mode`
      : sql``;
    return sql<BucketCount>`
    insert into rate_limit_buckets (key, hits, reset_at)
    select w.key, w.hits, w.reset_at
    from unnest(${windows.key}::text[], ${windows.hits}::integer[], ${windows.resetAt}::bigint[])
      as w (key, hits, reset_at)${commitMode}
    on conflict (key) do update set
      hits = case when rate_limit_buckets.reset_at <= ${at.now} then excluded.hits
        else rate_limit_buckets.hits + excluded.hits end,
      reset_at = case when rate_limit_buckets.reset_at <= ${at.now} then excluded.reset_at
        else rate_limit_buckets.reset_at end
    returning key, hits, reset_at`;
  });
const incrementManySynchronous = incrementManyStatement(false);
const incrementManyAsynchronous = incrementManyStatement(true);
const incrementMany = (db: Kysely<Database>, windows: readonly BatchedWindow[], at: { now: number }) =>
  (db.isTransaction ? incrementManySynchronous : incrementManyAsynchronous)(db, windows, at);

/** Each bucket once, with the hits of every request of the batch that counts in it, in `lockOrder`. */
function mergeWindows(increments: readonly Increment[]): BatchedWindow[] {
  const merged = new Map<string, BatchedWindow>();
  for (const increment of increments) {
    for (const window of increment.windows) {
      const seen = merged.get(window.key);
      if (seen) seen.hits += 1;
      else merged.set(window.key, { ...window, hits: 1 });
    }
  }
  return [...merged.values()].sort(lockOrder);
}

/**
 * Counts one hit in each bucket (fixed windows: a bucket whose window has passed starts over) and
 * returns the new counts. The upsert's row locks serialise concurrent hits on one key, so each
 * caller sees a count that includes every hit before it.
 *
 * Batched (PostgreSQL), the sends of one event-loop turn count their hits in one upsert, shared
 * buckets included: a bucket that n sends of the batch count in gains n in one row update (an
 * upsert may not meet its own row twice), and the sends get its counts one by one in their order,
 * as if they had run one after the other. So the buckets every send shares (the deployment's hourly
 * budget, a country's) do not serialise the sends on one row lock. The batch decides expired
 * windows at its latest `now`.
 */
const incrementForms = {
  // On PostgreSQL (outside a transaction) a lone send also takes the batched form, for its commit mode.
  one: (db: Kysely<Database>, increment: Increment) =>
    engineOf(db) === 'postgres' && !db.isTransaction
      ? incrementMany(db, mergeWindows([increment]), { now: increment.now })
      : incrementOne(db, increment.windows, { now: increment.now }),
  many: (db: Kysely<Database>, increments: Increment[]) =>
    incrementMany(db, mergeWindows(increments), { now: Math.max(...increments.map((increment) => increment.now)) }),
};

/** Hands each send of a batch the counts it would have seen had the batch's sends run one by one. */
function countsPerIncrement(
  increments: readonly Increment[],
  windows: readonly BatchedWindow[],
  rows: readonly BucketCount[],
): BucketCount[][] {
  const after = new Map(rows.map((row) => [row.key, row]));
  const merged = new Map(windows.map((window) => [window.key, window.hits]));
  const handedOut = new Map<string, number>();
  return increments.map((increment) =>
    increment.windows.flatMap((window) => {
      const row = after.get(window.key);
      if (!row) return [];
      const position = (handedOut.get(window.key) ?? 0) + 1;
      handedOut.set(window.key, position);
      return [{ ...row, hits: row.hits - (merged.get(window.key) ?? 1) + position }];
    }),
  );
}

export const incrementBucketsStatement = Object.assign(
  statementBatcher<Database, Increment, BucketCount[]>({
    one: async (db, increment) => (await incrementForms.one(db, increment)).rows,
    many: async (db, increments) => {
      const windows = mergeWindows(increments);
      const now = Math.max(...increments.map((increment) => increment.now));
      return countsPerIncrement(increments, windows, (await incrementMany(db, windows, { now })).rows);
    },
  }),
  incrementForms,
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

/** The current counts of these buckets (0 for a bucket that does not exist or whose window ended), in their order. */
export async function peekBuckets(db: Kysely<Database>, keys: readonly string[], now: number): Promise<number[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('rate_limit_buckets')
    .select(['key', 'hits'])
    .where('key', 'in', keys)
    .where('reset_at', '>', now)
    .execute();
  const hits = new Map(rows.map((row) => [row.key, row.hits]));
  return keys.map((key) => hits.get(key) ?? 0);
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

/**
 * Adds counts to buckets in one statement and returns their new totals (a bucket whose window has
 * passed starts over at the count). For tallies counted in bulk (protection's, flushed once a
 * second): not precompiled, since it runs rarely and its row count varies. Rows in `lockOrder`.
 */
export async function addToBuckets(
  db: Kysely<Database>,
  entries: ReadonlyArray<{ key: string; count: number; windowMs: number }>,
  now: number,
): Promise<Array<{ key: string; hits: number }>> {
  if (entries.length === 0) return [];
  return db
    .insertInto('rate_limit_buckets')
    .values(
      [...entries]
        .sort(lockOrder)
        .map((entry) => ({ key: entry.key, hits: entry.count, reset_at: now + entry.windowMs })),
    )
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        hits: sql<number>`
          case when rate_limit_buckets.reset_at <= ${now} then excluded.hits
          else rate_limit_buckets.hits + excluded.hits end`,
        reset_at: sql<number>`
          case when rate_limit_buckets.reset_at <= ${now} then excluded.reset_at
          else rate_limit_buckets.reset_at end`,
      }),
    )
    .returning(['key', 'hits'])
    .execute();
}

/** Housekeeping: buckets whose window ended long ago carry no information. */
export async function deleteExpiredBuckets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_buckets').where('reset_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
