import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine, redisUrl } from './engines.ts';

// Budgets and guard blocks are shared: two instances on one PostgreSQL (with the SQL limiter, and
// with Redis) let exactly the budget through however the concurrent sends are spread, and a range
// one instance blocks is refused by the other. SQLite is single-instance: one instance there.

const modes = [{ name: 'SQL buckets', redis: false }, ...(redisUrl ? [{ name: 'Redis', redis: true }] : [])];

for (const mode of modes) {
  describeEachEngine(`protection shared by instances (${mode.name})`, (database) => {
    let first: TestPassline;
    let second: TestPassline;
    let round = 0;

    beforeAll(async () => {
      // A key prefix of its own: other suites share this Redis.
      const config = mode.redis ? { config: { redisUrl, redisKeyPrefix: `passline-test:${randomUUID()}:` } } : {};
      first = await startTestPassline(database(), { cacheMs: 0, ...config });
      second =
        database().engine === 'postgres' ? await startTestPassline(database(), { cacheMs: 0, ...config }) : first;
      await useDevSms(first);
      await first.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 0, ipHourlyLimit: 100_000 },
      });
    });
    afterAll(async () => {
      await first.close();
      if (second !== first) await second.close();
    });

    /** `count` sends at once to distinct numbers of one range, alternating between the instances. */
    async function burst(count: number, rangeOf: (index: number) => string) {
      round += 1;
      const results = await Promise.all(
        Array.from({ length: count }, (_, index) => {
          const instance = index % 2 === 0 ? first : second;
          return instance.request('POST', '/api/verifications', {
            body: { to: rangeOf(index), usage: 'SignIn', ip: `192.0.2.${round}` },
            key: instance.verifyKey,
          });
        }),
      );
      const codes = results.map((result) => (result.status === 201 ? 'sent' : result.body.error?.code));
      return {
        sent: codes.filter((code) => code === 'sent').length,
        refusedBy: (code: string) => codes.filter((refusal) => refusal === code).length,
        others: codes.filter((code) => code !== 'sent' && !code?.startsWith('rate_limit.')),
      };
    }

    it('lets exactly the deployment budget through 40 concurrent sends', async () => {
      const tag = mode.redis ? 'r' : 's';
      await first.request('PATCH', '/api/settings/protection', {
        body: { globalHourlyLimit: 10, prefixHourlyLimit: 1000, guardEnabled: false },
      });
      // Distinct numbers: the deployment budget is the only one that can run out.
      const outcome = await burst(
        40,
        (index) => `+447400${tag === 'r' ? 1 : 0}${String(index).padStart(2, '0')}${index % 4}00`,
      );
      expect(outcome.others).toEqual([]);
      expect(outcome.sent).toBe(10);
      expect(outcome.refusedBy('rate_limit.global')).toBe(30);
    });

    it('refuses a range on every instance once one of them has blocked it', async () => {
      const tag = mode.redis ? '5' : '6';
      await first.request('PATCH', '/api/settings/protection', {
        body: {
          globalHourlyLimit: 1000,
          prefixHourlyLimit: 1000,
          guardEnabled: true,
          guardMinSends: 4,
          guardMinRate: 0.5,
        },
      });
      for (let index = 0; index < 4; index += 1) {
        const sent = await first.request('POST', '/api/verifications', {
          body: { to: `+4474003${tag}01${index}0`, usage: 'SignIn' },
          key: first.verifyKey,
        });
        expect(sent.status).toBe(201);
      }
      // The first instance writes its tallies (its timer does so every second) and blocks the range.
      await first.protection.flushTallies();
      const refused = await second.request('POST', '/api/verifications', {
        body: { to: `+4474003${tag}0190`, usage: 'SignIn' },
        key: second.verifyKey,
      });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('fraud.low_conversion');
    });
  });
}
