import { afterAll, beforeAll, expect, it } from 'vitest';
import { giveBackBuckets, incrementBuckets } from '../src/storage/queries/rate-limit-buckets.ts';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Many sends at once that share send-limit buckets (one number; numbers behind one IP), from one
// instance and from two instances on one database. Every answer must be a 201 or a 429 (never a
// 5xx from a deadlock), and exactly as many sends go through as the limits allow.

type Send = { to: string; ip?: string };

async function sendAll(instances: TestPassline[], sends: Send[]) {
  const results = await Promise.all(
    sends.map((send, index) => {
      const passline = instances[index % instances.length] as TestPassline;
      return passline.request('POST', '/api/verifications', {
        body: { to: send.to, usage: 'SignIn', ip: send.ip },
        key: passline.verifyKey,
      });
    }),
  );
  const statuses = results.map((result) => result.status);
  return {
    accepted: statuses.filter((status) => status === 201).length,
    others: statuses.filter((status) => status !== 201 && status !== 429),
  };
}

describeEachEngine('concurrent sends sharing send limits', (database) => {
  let first: TestPassline;
  let second: TestPassline;
  let unique = 0;
  const nextNumber = phoneSequence('202');
  /** Fresh numbers and IPs per test, so tests do not share buckets. */
  const numbers = (count: number) => {
    unique += 1;
    return Array.from({ length: count }, nextNumber);
  };
  const ipOf = (index: number) => `198.51.100.${unique * 10 + index}`;

  beforeAll(async () => {
    first = await startTestPassline(database(), { cacheMs: 0 });
    // SQLite is single-instance by design; on PostgreSQL half the sends go through a second instance.
    second = database().engine === 'postgres' ? await startTestPassline(database(), { cacheMs: 0 }) : first;
    await useDevSms(first);
    // These tests are about the per-number and per-IP limits; the numbers they use share ranges,
    // whose protection budgets (and the conversion guard: nobody enters these codes) would refuse first.
    await first.request('PATCH', '/api/settings/protection', {
      body: { prefixHourlyLimit: 100_000, guardEnabled: false },
    });
  });
  afterAll(async () => {
    await first.close();
    if (second !== first) await second.close();
  });

  const setLimits = async (limits: Record<string, number>) => {
    const patched = await first.request('PATCH', '/api/settings/verification', { body: limits });
    expect(patched.status).toBe(200);
  };

  it('lets exactly one of 50 concurrent sends to one number through the resend cooldown', async () => {
    await setLimits({ resendCooldownSeconds: 60, phoneHourlyLimit: 5, phoneDailyLimit: 10, ipHourlyLimit: 1000 });
    const [to] = numbers(1) as [string];
    const { accepted, others } = await sendAll(
      [first, second],
      Array.from({ length: 50 }, () => ({ to, ip: ipOf(0) })),
    );
    expect(others).toEqual([]);
    expect(accepted).toBe(1);
  });

  it('lets exactly the hourly limit of each number through when numbers share IPs', async () => {
    await setLimits({ resendCooldownSeconds: 0, phoneHourlyLimit: 3, phoneDailyLimit: 10, ipHourlyLimit: 1000 });
    const targets = numbers(5);
    // Each number is always asked for from one IP, and the IPs are shared between numbers.
    const sends = Array.from({ length: 80 }, (_, index) => ({
      to: targets[index % targets.length] as string,
      ip: ipOf((index % targets.length) % 2),
    }));
    const { accepted, others } = await sendAll([first, second], sends);
    expect(others).toEqual([]);
    expect(accepted).toBe(3 * targets.length);
  });

  it('lets exactly the IP limit through when many numbers send from one IP', async () => {
    await setLimits({ resendCooldownSeconds: 60, phoneHourlyLimit: 3, phoneDailyLimit: 10, ipHourlyLimit: 7 });
    const targets = numbers(60);
    const ip = ipOf(0);
    const { accepted, others } = await sendAll(
      [first, second],
      targets.map((to) => ({ to, ip })),
    );
    expect(others).toEqual([]);
    expect(accepted).toBe(7);
  });

  it('gives a refused hit back only to the window it was counted in', async () => {
    const db = first.storage.db;
    const hit = [{ key: `window-test:${unique}`, windowMs: 1000 }];
    const counted = await incrementBuckets(db, hit, 0);
    // The window ends and a new one starts before the refused request gives its hit back.
    expect(await incrementBuckets(db, hit, 1000)).toEqual([{ key: hit[0]?.key, hits: 1, reset_at: 2000 }]);
    await giveBackBuckets(db, counted);
    expect(await incrementBuckets(db, hit, 1500)).toEqual([{ key: hit[0]?.key, hits: 2, reset_at: 2000 }]);
    // A hit given back in its own window is taken off.
    await giveBackBuckets(db, [{ key: hit[0]?.key as string, reset_at: 2000 }]);
    expect(await incrementBuckets(db, hit, 1500)).toEqual([{ key: hit[0]?.key, hits: 2, reset_at: 2000 }]);
  });
});
