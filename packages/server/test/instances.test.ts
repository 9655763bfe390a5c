import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from '../src/services/limits/redis-rate-limiter.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine, redisUrl } from './engines.ts';

const sendVia = (passline: TestPassline, to: string) =>
  passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });

describeEachEngine(
  'two instances on one database',
  (database) => {
    let first: TestPassline;
    let second: TestPassline;
    beforeAll(async () => {
      first = await startTestPassline(database(), { cacheMs: 0 });
      second = await startTestPassline(database(), { cacheMs: 0 });
      await useDevSms(first);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('share send limits, settings and the active connector', async () => {
      expect((await sendVia(first, '+12015550140')).status).toBe(201);
      const refused = await sendVia(second, '+12015550140');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limit.resend_cooldown');

      await first.request('PATCH', '/api/settings/verification', { body: { codeTtlSeconds: 120 } });
      const sent = await sendVia(second, '+12015550141');
      expect(Date.parse(sent.body.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
      expect(Date.parse(sent.body.expiresAt) - Date.now()).toBeGreaterThan(100_000);
    });

    it('approve a code exactly once when both race with it', async () => {
      const sent = await sendVia(first, '+12015550142');
      const outbox = await first.request('GET', '/api/dev/outbox?to=%2B12015550142');
      const code = (outbox.body[0].text as string).slice(-6);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 ? first : second).request('POST', `/api/verifications/${sent.body.id}/check`, {
            body: { code },
            key: (index % 2 ? first : second).verifyKey,
          }),
        ),
      );
      expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    });
  },
  {
    sqlite: 'SQLite is single-instance by design: one process owns the file; several instances share PostgreSQL',
  },
);

describe.skipIf(!redisUrl)(
  redisUrl
    ? 'shared limits on Redis [redis]'
    : 'shared limits on Redis [redis] (skipped: set PASSLINE_TEST_REDIS_URL to run it)',
  () => {
    let redis: Redis;
    const prefix = `passline-test:${process.pid}:${Date.now()}:`;
    beforeAll(() => {
      redis = new Redis(redisUrl as string);
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('counts all-or-nothing across rules, refuses with the remaining window, and is shared by clients', async () => {
      const limiterA = createRedisRateLimiter({ redis, prefix });
      const other = new Redis(redisUrl as string);
      const limiterB = createRedisRateLimiter({ redis: other, prefix });
      try {
        const rules = [
          { key: 'cooldown:x', limit: 1, windowMs: 60_000, code: 'rate_limit.resend_cooldown' as const },
          { key: 'hour:x', limit: 5, windowMs: 3_600_000, code: 'rate_limit.phone' as const },
        ];
        expect(await limiterA.consume(rules)).toEqual({ allowed: true, hits: [1, 1] });
        expect(await limiterB.peek(['hour:x', 'cooldown:x', 'unknown'])).toEqual([1, 1, 0]);
        // Tallies added in bulk (the conversion guard's): totals back, a window for a new key.
        expect(await limiterA.add([{ key: 'tally:x', count: 3, windowMs: 60_000 }])).toEqual([3]);
        expect(await limiterB.add([{ key: 'tally:x', count: 2, windowMs: 60_000 }])).toEqual([5]);
        expect(await redis.pttl(`${prefix}tally:x`)).toBeGreaterThan(59_000);
        const refused = await limiterB.consume(rules);
        expect(refused).toMatchObject({ allowed: false, rule: { code: 'rate_limit.resend_cooldown' } });
        expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(59_000);
        // The refusal was not counted in the hourly bucket.
        expect(await redis.get(`${prefix}hour:x`)).toBe('1');
        expect(await redis.pttl(`${prefix}hour:x`)).toBeGreaterThan(3_590_000);
      } finally {
        other.disconnect();
      }
    });

    it('lets exactly `limit` of many concurrent requests through', async () => {
      const limiter = createRedisRateLimiter({ redis, prefix });
      const rule = [{ key: 'burst', limit: 3, windowMs: 60_000, code: 'rate_limit.ip' as const }];
      const decisions = await Promise.all(Array.from({ length: 30 }, () => limiter.consume(rule)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    });

    it('backs the send limits of two Passline instances', async () => {
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { testConfig } = await import('./engines.ts');
      // Each instance has its own SQLite file: what they share is Redis, which is what this tests.
      const instance = () => {
        const dir = mkdtempSync(join(tmpdir(), 'passline-redis-'));
        return { engine: 'sqlite' as const, config: testConfig({ engine: 'sqlite', file: join(dir, 'p.db') }, dir) };
      };
      const first = await startTestPassline(instance(), { config: { redisUrl } });
      const second = await startTestPassline(instance(), { config: { redisUrl } });
      try {
        await useDevSms(first);
        await useDevSms(second);
        const to = `+1201555${String(Date.now()).slice(-4)}`;
        expect((await sendVia(first, to)).status).toBe(201);
        const refused = await sendVia(second, to);
        expect(refused.body.error.code).toBe('rate_limit.resend_cooldown');
        expect(await redis.exists(`passline:rl:cooldown:${to}`)).toBe(1);
      } finally {
        await redis.del(...(await redis.keys('passline:rl:*')));
        await first.close();
        await second.close();
      }
    });
  },
);
