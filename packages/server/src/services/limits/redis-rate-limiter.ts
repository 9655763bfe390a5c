import type { Redis } from 'ioredis';
import { AppError } from '../../errors.ts';
import type { LimitRule, RateLimiter } from './rate-limiter.ts';

// Checks every bucket first and counts only when all have room, in one atomic script: the same
// all-or-nothing rule as the SQL limiter. Returns {0, 0, count...} when allowed (each key's new
// count), else the 1-based index of the refusing rule and its remaining window in milliseconds.
const consumeScript = `
for i, key in ipairs(KEYS) do
  local hits = tonumber(redis.call('GET', key) or '0')
  if hits + 1 > tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    return {i, ttl}
  end
end
local result = {0, 0}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  if hits == 1 then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
  result[i + 2] = hits
end
return result
`;

// Adds ARGV[2i-1] to each key and gives a new key its window ARGV[2i]; returns the new totals.
const addScript = `
local totals = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[2 * i - 1])
  local total = redis.call('INCRBY', key, count)
  if total == count then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
  totals[i] = total
end
return totals
`;

type RedisWithConsume = Redis & {
  passlineConsume(numberOfKeys: number, ...args: Array<string | number>): Promise<number[]>;
  passlineAdd(numberOfKeys: number, ...args: Array<string | number>): Promise<number[]>;
};

/** Seconds a caller should wait when Redis is down: the client retries the connection every 2 s at most. */
const retryAfterSeconds = 5;

/**
 * A request whose limits cannot be checked must not go through (an outage would open the door to
 * SMS pumping), so a Redis that cannot answer (down, unreachable, too slow) refuses it: 503, not 500.
 */
function redisUnavailable(cause: unknown): AppError {
  return new AppError(
    'service.unavailable',
    `Rate limits cannot be checked right now; try again in ${retryAfterSeconds} s.`,
    undefined,
    retryAfterSeconds,
    // For the server log only. The message alone: ioredis attaches the command to some errors, and
    // its arguments (the bucket keys) contain phone numbers.
    { cause: new Error(cause instanceof Error ? cause.message : String(cause)) },
  );
}

/**
 * Buckets in Redis, for several instances that should share limits without a round trip to the
 * database. All keys of one call are touched by one script, so on Redis Cluster they would need a
 * common hash tag; Passline targets a single Redis (or a primary with replicas).
 */
export function createRedisRateLimiter(deps: { redis: Redis; prefix?: string }): RateLimiter {
  const redis = deps.redis as RedisWithConsume;
  if (typeof redis.passlineConsume !== 'function') {
    redis.defineCommand('passlineConsume', { lua: consumeScript });
    redis.defineCommand('passlineAdd', { lua: addScript });
  }
  const prefix = deps.prefix ?? 'passline:rl:';
  return {
    async consume(rules: readonly LimitRule[]) {
      if (rules.length === 0) return { allowed: true, hits: [] };
      const keys = rules.map((rule) => prefix + rule.key);
      const args = rules.flatMap((rule) => [rule.limit, rule.windowMs]);
      let result: number[];
      try {
        result = await redis.passlineConsume(keys.length, ...keys, ...args);
      } catch (error) {
        throw redisUnavailable(error);
      }
      const [index = 0, ttl = 0] = result;
      const rule = index > 0 ? rules[index - 1] : undefined;
      return rule ? { allowed: false, rule, retryAfterMs: ttl } : { allowed: true, hits: result.slice(2) };
    },
    async add(entries) {
      if (entries.length === 0) return [];
      try {
        return await redis.passlineAdd(
          entries.length,
          ...entries.map((entry) => prefix + entry.key),
          ...entries.flatMap((entry) => [entry.count, entry.windowMs]),
        );
      } catch (error) {
        throw redisUnavailable(error);
      }
    },
    async peek(keys) {
      if (keys.length === 0) return [];
      try {
        const values = await redis.mget(...keys.map((key) => prefix + key));
        return values.map((value) => Number(value ?? 0));
      } catch (error) {
        throw redisUnavailable(error);
      }
    },
  };
}
