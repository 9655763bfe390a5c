import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqlRateLimiter } from '../src/services/limits/rate-limiter.ts';
import type { Storage } from '../src/storage/database.ts';
import * as buckets from '../src/storage/queries/rate-limit-buckets.ts';
import { describeEachEngine } from './engines.ts';
import { openMigratedStorage, transactionsWriting } from './storage-helpers.ts';

describeEachEngine('storage: rate limits', (database) => {
  let storage: Storage;
  beforeAll(async () => {
    ({ storage } = await openMigratedStorage(database()));
  });
  afterAll(() => storage.close());

  it('counts rate-limit hits in fixed windows and starts a window over once it has passed', async () => {
    const hit = [{ key: 'k', windowMs: 1000 }];
    expect(await buckets.incrementBuckets(storage.db, hit, 0)).toEqual([{ key: 'k', hits: 1, reset_at: 1000 }]);
    expect(await buckets.incrementBuckets(storage.db, hit, 500)).toEqual([{ key: 'k', hits: 2, reset_at: 1000 }]);
    expect(await buckets.incrementBuckets(storage.db, hit, 1000)).toEqual([{ key: 'k', hits: 1, reset_at: 2000 }]);
    const many = await buckets.incrementBuckets(
      storage.db,
      [
        { key: 'a', windowMs: 10 },
        { key: 'b', windowMs: 20 },
      ],
      0,
    );
    expect(many.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'a', hits: 1, reset_at: 10 },
      { key: 'b', hits: 1, reset_at: 20 },
    ]);
    expect(await buckets.deleteExpiredBuckets(storage.db, 15)).toBe(1);
  });

  it('counts concurrent hits on many buckets correctly, with shared buckets counted once per hit', async () => {
    // 15 sends: each its own number bucket, all sharing one IP bucket.
    const requests = Array.from({ length: 15 }, (_, index) => [
      { key: `many:ip`, windowMs: 1000 },
      { key: `many:phone-${String(index).padStart(2, '0')}`, windowMs: 1000 },
    ]);
    const counts = await Promise.all(requests.map((hits) => buckets.incrementBuckets(storage.db, hits, 0)));
    expect(counts.map((rows) => rows.find((row) => row.key.startsWith('many:phone'))?.hits)).toEqual(
      requests.map(() => 1),
    );
    // The shared bucket saw every hit exactly once, each caller a different count.
    const shared = counts
      .map((rows) => rows.find((row) => row.key === 'many:ip')?.hits)
      .sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(shared).toEqual(requests.map((_, index) => index + 1));
    if (database().engine === 'postgres') {
      // ... and did not make the sends wait for each other: they shared statements all the same.
      expect(await transactionsWriting(storage.db, 'rate_limit_buckets', sql`key like 'many:phone-%'`)).toBeLessThan(
        requests.length,
      );
    }

    // Without a shared bucket, concurrent sends share statements on PostgreSQL.
    const separate = Array.from({ length: 15 }, (_, index) => [{ key: `solo:${index}`, windowMs: 1000 }]);
    await Promise.all(separate.map((hits) => buckets.incrementBuckets(storage.db, hits, 0)));
    if (database().engine === 'postgres') {
      expect(await transactionsWriting(storage.db, 'rate_limit_buckets', sql`key like 'solo:%'`)).toBeLessThan(
        separate.length,
      );
    }
  });

  it('adds tallies in bulk: totals back, a window that has passed starts over at the count', async () => {
    let now = 1_000;
    const limiter = createSqlRateLimiter({ db: storage.db, clock: { now: () => now } });
    const tallies = [
      { key: 'tally:b', count: 2, windowMs: 500 },
      { key: 'tally:a', count: 5, windowMs: 500 },
    ];
    expect(await limiter.add(tallies)).toEqual([2, 5]);
    expect(await limiter.add(tallies)).toEqual([4, 10]);
    expect(await limiter.peek(['tally:a', 'tally:b', 'tally:none'])).toEqual([10, 4, 0]);
    now = 1_500;
    expect(await limiter.peek(['tally:a'])).toEqual([0]);
    expect(await limiter.add(tallies)).toEqual([2, 5]);
  });

  it('lets exactly `limit` of many concurrent requests through the SQL limiter, all-or-nothing across rules', async () => {
    const limiter = createSqlRateLimiter({ db: storage.db, clock: { now: () => 1_000 } });
    const rules = [
      { key: 'burst:ip', limit: 3, windowMs: 60_000, code: 'rate_limit.ip' as const },
      { key: 'burst:phone', limit: 10, windowMs: 60_000, code: 'rate_limit.phone' as const },
    ];
    const decisions = await Promise.all(Array.from({ length: 30 }, () => limiter.consume(rules)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    const refused = decisions.find((decision) => !decision.allowed);
    expect(refused).toMatchObject({ allowed: false, rule: { code: 'rate_limit.ip' }, retryAfterMs: 60_000 });
    await storage.sync();
    const rows = await storage.db
      .selectFrom('rate_limit_buckets')
      .selectAll()
      .where('key', 'like', 'burst:%')
      .orderBy('key')
      .execute();
    // Refused requests gave their hits back: the phone bucket counts only the 3 admitted sends.
    expect(rows.map((row) => [row.key, row.hits])).toEqual([
      ['burst:ip', 3],
      ['burst:phone', 3],
    ]);
  });
});
