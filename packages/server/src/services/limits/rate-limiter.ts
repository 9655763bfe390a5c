import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { ErrorCode } from '../../errors.ts';
import {
  addToBuckets,
  giveBackBuckets,
  incrementBuckets,
  peekBuckets,
} from '../../storage/queries/rate-limit-buckets.ts';
import type { Database } from '../../storage/schema.ts';

export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
  /** The error code a refusal by this rule answers with. */
  code: ErrorCode;
}

export type LimitDecision =
  | { allowed: true /** Each rule's count after this request, in the rules' order. */; hits: readonly number[] }
  | { allowed: false; rule: LimitRule; retryAfterMs: number };

/**
 * All-or-nothing across rules: a request is counted in every bucket or in none. A refused send
 * therefore does not eat into the hourly quota, so a user tapping "resend" during the cooldown is
 * not locked out for the rest of the hour.
 */
export interface RateLimiter {
  consume(rules: readonly LimitRule[]): Promise<LimitDecision>;
  /** The current counts of these buckets, without counting (0 for an unknown or ended bucket). */
  peek(keys: readonly string[]): Promise<number[]>;
  /** Adds counts to tallies (never refused); returns their new totals in the entries' order. */
  add(entries: readonly TallyEntry[]): Promise<number[]>;
}

export interface TallyEntry {
  key: string;
  count: number;
  /** The window of a tally that starts now. */
  windowMs: number;
}

/**
 * Buckets in the database: survive restarts; shared by every instance on one PostgreSQL.
 *
 * One statement counts the hit in every bucket and returns the new counts (the upsert locks each
 * row, so concurrent hits on one key are serialised). When a count is over its limit, a second
 * statement gives the hits back, in the windows they were counted in. Requests that were let
 * through never give hits back, so the limit is never exceeded; a request racing with a refused one
 * may briefly see the refused hit and be refused too, which errs on the safe side. This avoids a
 * transaction (three round trips on PostgreSQL) on every send. Both statements lock the buckets in
 * one order (see rate-limit-buckets.ts), so concurrent sends never deadlock.
 */
export function createSqlRateLimiter(deps: { db: Kysely<Database>; clock: Clock }): RateLimiter {
  return {
    async consume(rules) {
      if (rules.length === 0) return { allowed: true, hits: [] };
      const now = deps.clock.now();
      const counts = await incrementBuckets(deps.db, rules, now);
      const byKey = new Map(counts.map((count) => [count.key, count]));
      const refusing = rules.find((rule) => (byKey.get(rule.key)?.hits ?? 0) > rule.limit);
      if (!refusing) return { allowed: true, hits: rules.map((rule) => byKey.get(rule.key)?.hits ?? 0) };
      await giveBackBuckets(deps.db, counts);
      const resetAt = byKey.get(refusing.key)?.reset_at ?? now;
      return { allowed: false, rule: refusing, retryAfterMs: Math.max(0, resetAt - now) };
    },
    peek: (keys) => peekBuckets(deps.db, keys, deps.clock.now()),
    async add(entries) {
      const totals = new Map(
        (await addToBuckets(deps.db, entries, deps.clock.now())).map((row) => [row.key, row.hits]),
      );
      return entries.map((entry) => totals.get(entry.key) ?? 0);
    },
  };
}
