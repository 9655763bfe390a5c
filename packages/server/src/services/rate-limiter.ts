import type { Kysely } from 'kysely';
import type { ErrorCode } from '../errors.ts';
import { incrementBuckets } from '../storage/queries/rate-limit-buckets.ts';
import type { Database } from '../storage/schema.ts';
import type { Clock } from './clock.ts';

export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
  /** The error code a refusal by this rule answers with. */
  code: ErrorCode;
}

export type LimitDecision = { allowed: true } | { allowed: false; rule: LimitRule; retryAfterMs: number };

/**
 * All-or-nothing across rules: a request is counted in every bucket or in none. A refused send
 * therefore does not eat into the hourly quota, so a user tapping "resend" during the cooldown is
 * not locked out for the rest of the hour.
 */
export interface RateLimiter {
  consume(rules: readonly LimitRule[]): Promise<LimitDecision>;
}

class Refused extends Error {
  constructor(readonly decision: LimitDecision) {
    super('refused');
  }
}

/** Buckets in the database: survive restarts; shared by every instance on one PostgreSQL. */
export function createSqlRateLimiter(deps: { db: Kysely<Database>; clock: Clock }): RateLimiter {
  return {
    async consume(rules) {
      if (rules.length === 0) return { allowed: true };
      const now = deps.clock.now();
      try {
        await deps.db.transaction().execute(async (trx) => {
          const counts = await incrementBuckets(trx, rules, now);
          const byKey = new Map(counts.map((count) => [count.key, count]));
          for (const rule of rules) {
            const count = byKey.get(rule.key);
            if (count && count.hits > rule.limit) {
              throw new Refused({ allowed: false, rule, retryAfterMs: Math.max(0, count.reset_at - now) });
            }
          }
        });
        return { allowed: true };
      } catch (error) {
        if (error instanceof Refused) return error.decision;
        throw error;
      }
    },
  };
}
