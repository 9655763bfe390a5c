import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChallengeDescription, challengeDescriptionSchema, protectionSettingsSchema } from '@passline/contracts';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { Clock } from '../src/clock.ts';
import { keyRingFrom } from '../src/crypto/keys.ts';
import { createSqlRateLimiter, type RateLimiter } from '../src/services/limits/rate-limiter.ts';
import { createRedisRateLimiter } from '../src/services/limits/redis-rate-limiter.ts';
import { type ChallengeVerifier, createChallengeVerifier } from '../src/services/protection/challenge-verifier.ts';
import { powCounterRange } from '../src/services/protection/pow-challenge.ts';
import { migrate, openStorage, type Storage } from '../src/storage/database.ts';
import { manualClock } from './app.ts';
import { describeEachEngine, redisUrl } from './engines.ts';

// ALTCHA proof of work end to end: challenges from the verifier, solved with altcha-lib's own
// solver, the payload encoded as the widget encodes it, verified; and every way a payload must
// fail. Replays are refused through the real limiters (SQL on both engines, Redis), also when the
// second try goes to another instance.

const settings = (overrides: Partial<z.input<typeof protectionSettingsSchema>> = {}) =>
  z.parse(protectionSettingsSchema, { challenge: 'pow', ...overrides });
const powSettings = settings();

type Pow = Extract<ChallengeDescription, { type: 'pow' }>;

async function powChallenge(verifier: ChallengeVerifier, overrides = {}): Promise<Pow> {
  const description = await verifier.describe(settings(overrides));
  if (description.type !== 'pow') throw new Error(`expected a pow challenge, got ${description.type}`);
  return description;
}

/** What the ALTCHA widget does: solve, then base64 of `{ challenge, solution }` (the challenge as received). */
async function solve(challenge: Pow): Promise<{ payload: string; counter: number; derivedKey: string }> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return { payload: encode({ challenge, solution }), counter: solution.counter, derivedKey: solution.derivedKey };
}
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

const failed = { code: 'fraud.challenge_failed' };

function verifierOn(limiter: RateLimiter, clock: Clock, master = randomBytes(32), previous: Buffer[] = []) {
  return createChallengeVerifier({
    keys: keyRingFrom(master, 'environment', previous),
    captchaSecret: undefined,
    limiter,
    clock,
  });
}

interface LimiterWorld {
  /** Two limiters on one store: what two instances see. */
  limiters: [RateLimiter, RateLimiter];
  close(): Promise<void>;
}

function replaySuite(open: () => Promise<LimiterWorld>) {
  let world: LimiterWorld;
  let first: ChallengeVerifier;
  let second: ChallengeVerifier;
  beforeAll(async () => {
    world = await open();
    const master = randomBytes(32);
    const clock: Clock = { now: () => Date.now() };
    first = verifierOn(world.limiters[0], clock, master);
    second = verifierOn(world.limiters[1], clock, master);
  });
  afterAll(() => world?.close());

  it('accepts a solved challenge once, then refuses it on every instance', async () => {
    const { payload } = await solve(await powChallenge(first));
    await expect(first.verify(powSettings, payload, '203.0.113.9')).resolves.toBeUndefined();
    await expect(first.verify(powSettings, payload, '203.0.113.9')).rejects.toMatchObject(failed);
    await expect(second.verify(powSettings, payload, '203.0.113.10')).rejects.toMatchObject(failed);
  });

  it('lets exactly one of many concurrent uses of one solution through', async () => {
    const { payload } = await solve(await powChallenge(second));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => (index % 2 ? first : second).verify(powSettings, payload, undefined)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject(failed);
    }
  });

  it('keeps different solutions apart', async () => {
    const one = await solve(await powChallenge(first));
    const two = await solve(await powChallenge(first));
    await expect(first.verify(powSettings, one.payload, undefined)).resolves.toBeUndefined();
    await expect(second.verify(powSettings, two.payload, undefined)).resolves.toBeUndefined();
  });
}

describeEachEngine('proof-of-work replays over the SQL limiter', (database) => {
  replaySuite(async () => {
    const { config, searchPath } = database();
    const options = searchPath ? { searchPath } : {};
    const one = openStorage(config.database, options);
    await migrate(one.db);
    // PostgreSQL: a second pool, as a second instance has; SQLite is one instance by design.
    const two: Storage = config.database.engine === 'postgres' ? openStorage(config.database, options) : one;
    const clock: Clock = { now: () => Date.now() };
    return {
      limiters: [createSqlRateLimiter({ db: one.db, clock }), createSqlRateLimiter({ db: two.db, clock })],
      close: async () => {
        if (two !== one) await two.close();
        await one.close();
      },
    };
  });
});

describe.skipIf(!redisUrl)(
  redisUrl
    ? 'proof-of-work replays over the Redis limiter [redis]'
    : 'proof-of-work replays over the Redis limiter [redis] (skipped: set PASSLINE_TEST_REDIS_URL to run it)',
  () => {
    replaySuite(async () => {
      const prefix = `passline:test-challenges:${randomBytes(6).toString('hex')}:`;
      const clients = [new Redis(redisUrl as string), new Redis(redisUrl as string)] as const;
      return {
        limiters: [
          createRedisRateLimiter({ redis: clients[0], prefix }),
          createRedisRateLimiter({ redis: clients[1], prefix }),
        ],
        close: async () => {
          const keys = await clients[0].keys(`${prefix}*`);
          // Each used solution is remembered only until its challenge has expired (5 min, plus 1 min of slack).
          for (const key of keys) expect(await clients[0].pttl(key)).toBeLessThanOrEqual(6 * 60 * 1000 + 1000);
          if (keys.length) await clients[0].del(...keys);
          await Promise.all(clients.map((client) => client.quit()));
        },
      };
    });
  },
);

describe('proof-of-work challenges', () => {
  const clock = manualClock(Date.now());
  let dir: string;
  let storage: Storage;
  let limiter: RateLimiter;
  let verifier: ChallengeVerifier;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passline-challenges-'));
    storage = openStorage({ engine: 'sqlite', file: join(dir, 'passline.db') });
    await migrate(storage.db);
    limiter = createSqlRateLimiter({ db: storage.db, clock });
    verifier = verifierOn(limiter, clock);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes a signed PBKDF2/SHA-256 challenge that expires in 5 minutes and passes the contract schema', async () => {
    const challenge = await powChallenge(verifier);
    expect(challenge.parameters).toMatchObject({ algorithm: 'PBKDF2/SHA-256', cost: 1000, keyLength: 32 });
    expect(challenge.parameters.expiresAt).toBe(Math.ceil((clock.now() + 5 * 60 * 1000) / 1000));
    expect(challenge.parameters.keySignature).toMatch(/^[0-9a-f]{64}$/);
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    // What the browser gets after the contract's schema (a strict object would drop signed fields).
    const parsed = z.parse(challengeDescriptionSchema, JSON.parse(JSON.stringify(challenge)));
    expect(parsed).toEqual(challenge);
    if (parsed.type !== 'pow') throw new Error('not pow');
    await expect(verifier.verify(powSettings, (await solve(parsed)).payload, undefined)).resolves.toBeUndefined();
  });

  it('maps challengePowMaxNumber to the counter the client must reach', async () => {
    expect(powCounterRange(100_000)).toEqual({ min: 50, max: 100 });
    expect(powCounterRange(1_000)).toEqual({ min: 1, max: 1 });
    expect(powCounterRange(10_000_000)).toEqual({ min: 5_000, max: 10_000 });
    for (const maxNumber of [1_000, 20_000]) {
      const { counter } = await solve(await powChallenge(verifier, { challengePowMaxNumber: maxNumber }));
      const range = powCounterRange(maxNumber);
      expect(counter).toBeGreaterThanOrEqual(range.min);
      expect(counter).toBeLessThanOrEqual(range.max);
    }
  });

  it('asks for a solution when there is none', async () => {
    await expect(verifier.verify(powSettings, undefined, undefined)).rejects.toMatchObject({
      code: 'fraud.challenge_required',
    });
    await expect(verifier.verify(powSettings, '', undefined)).rejects.toMatchObject({
      code: 'fraud.challenge_required',
    });
  });

  it('refuses a wrong derived key or counter', async () => {
    const challenge = await powChallenge(verifier);
    const { counter, derivedKey } = await solve(challenge);
    const wrongKey = `${derivedKey[0] === '0' ? '1' : '0'}${derivedKey.slice(1)}`;
    for (const solution of [
      { counter, derivedKey: wrongKey },
      { counter: counter - 1, derivedKey: wrongKey },
    ]) {
      await expect(verifier.verify(powSettings, encode({ challenge, solution }), undefined)).rejects.toMatchObject(
        failed,
      );
    }
    // A forged key does not spend the challenge: the right answer still works afterwards.
    const right = encode({ challenge, solution: { counter, derivedKey } });
    await expect(verifier.verify(powSettings, right, undefined)).resolves.toBeUndefined();

    // The right key with a counter that is not its own.
    const other = await powChallenge(verifier);
    const solved = await solve(other);
    const wrongCounter = encode({
      challenge: other,
      solution: { counter: solved.counter + 1, derivedKey: solved.derivedKey },
    });
    await expect(verifier.verify(powSettings, wrongCounter, undefined)).rejects.toMatchObject(failed);
  });

  it('refuses a tampered signature or tampered parameters', async () => {
    const challenge = await powChallenge(verifier);
    const { counter, derivedKey } = await solve(challenge);
    const solution = { counter, derivedKey };
    const flipped = `${challenge.signature.slice(0, -1)}${challenge.signature.endsWith('0') ? '1' : '0'}`;
    const tampered: Pow[] = [
      { ...challenge, signature: flipped },
      {
        ...challenge,
        parameters: { ...challenge.parameters, expiresAt: (challenge.parameters.expiresAt ?? 0) + 3600 },
      },
      { ...challenge, parameters: { ...challenge.parameters, keySignature: undefined } },
      { ...challenge, parameters: { ...challenge.parameters, cost: 1 } },
    ];
    for (const forged of tampered) {
      await expect(
        verifier.verify(powSettings, encode({ challenge: forged, solution }), undefined),
      ).rejects.toMatchObject(failed);
    }
  });

  it('refuses an expired challenge, judged by the injected clock', async () => {
    const early = await solve(await powChallenge(verifier));
    const late = await solve(await powChallenge(verifier));
    clock.advance(5 * 60 * 1000 - 2000);
    await expect(verifier.verify(powSettings, early.payload, undefined)).resolves.toBeUndefined();
    clock.advance(3000);
    await expect(verifier.verify(powSettings, late.payload, undefined)).rejects.toMatchObject(failed);
  });

  it('refuses malformed payloads', async () => {
    const challenge = await powChallenge(verifier);
    const { counter, derivedKey } = await solve(challenge);
    for (const payload of [
      'not base64!',
      encode('just a string'),
      encode({}),
      encode({ challenge }),
      encode({ challenge, solution: { counter: String(counter), derivedKey } }),
      encode({ challenge: { parameters: challenge.parameters }, solution: { counter, derivedKey } }),
      Buffer.from('{"challenge":').toString('base64'),
      'A'.repeat(20_000),
    ]) {
      await expect(verifier.verify(powSettings, payload, undefined)).rejects.toMatchObject(failed);
    }
  });

  it("refuses another deployment's challenge, and accepts its own after a key rotation", async () => {
    const oldMaster = randomBytes(32);
    const before = verifierOn(limiter, clock, oldMaster);
    const { payload } = await solve(await powChallenge(before));
    await expect(verifier.verify(powSettings, payload, undefined)).rejects.toMatchObject(failed);
    // `passline keys rotate`: the old key is still configured as a previous key.
    const after = verifierOn(limiter, clock, randomBytes(32), [oldMaster]);
    await expect(after.verify(powSettings, payload, undefined)).resolves.toBeUndefined();
    await expect(after.verify(powSettings, payload, undefined)).rejects.toMatchObject(failed);
  });

  it('asks for nothing when the challenge is off', async () => {
    const off = settings({ challenge: 'off' });
    expect(await verifier.describe(off)).toEqual({ type: 'off' });
    await expect(verifier.verify(off, undefined, undefined)).resolves.toBeUndefined();
    await expect(verifier.verify(off, 'anything', undefined)).resolves.toBeUndefined();
  });
});
