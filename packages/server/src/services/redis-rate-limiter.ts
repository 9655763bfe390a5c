import type { Redis } from 'ioredis';
import type { LimitRule, RateLimiter } from './rate-limiter.ts';

// Checks every bucket first and counts only when all have room, in one atomic script: the same
// all-or-nothing rule as the SQL limiter. Returns 0 when allowed, else the 1-based index of the
// refusing rule and its remaining window in milliseconds.
const consumeScript = `
for i, key in ipairs(KEYS) do
  local hits = tonumber(redis.call('GET', key) or '0')
  if hits + 1 > tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    return {i, ttl}
  end
end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
end
return {0, 0}
`;

type RedisWithConsume = Redis & {
  passlineConsume(numberOfKeys: number, ...args: Array<string | number>): Promise<[number, number]>;
};

/**
 * Buckets in Redis, for several instances that should share limits without a round trip to the
 * database. All keys of one call are touched by one script, so on Redis Cluster they would need a
 * common hash tag; Passline targets a single Redis (or a primary with replicas).
 */
export function createRedisRateLimiter(deps: { redis: Redis; prefix?: string }): RateLimiter {
  const redis = deps.redis as RedisWithConsume;
  if (typeof redis.passlineConsume !== 'function') {
    redis.defineCommand('passlineConsume', { lua: consumeScript });
  }
  const prefix = deps.prefix ?? 'passline:rl:';
  return {
    async consume(rules: readonly LimitRule[]) {
      if (rules.length === 0) return { allowed: true };
      const keys = rules.map((rule) => prefix + rule.key);
      const args = rules.flatMap((rule) => [rule.limit, rule.windowMs]);
      const [index, ttl] = await redis.passlineConsume(keys.length, ...keys, ...args);
      const rule = index > 0 ? rules[index - 1] : undefined;
      return rule ? { allowed: false, rule, retryAfterMs: ttl } : { allowed: true };
    },
  };
}
