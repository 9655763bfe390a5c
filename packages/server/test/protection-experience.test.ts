import type { ChallengeDescription } from '@passline/contracts';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

// The Experience API under protection, as an app's own screens call it: the proof-of-work
// challenge (always, and adaptive: only while the guard holds a block), and refusals that look the
// same for registered and unregistered numbers.

describeEachEngine('protection on the Experience API', (database) => {
  let passline: TestPassline;
  let number = 0;
  const nextNumber = () => `+4474005${String(10_000 + number++).slice(-5)}`;

  const sendCode = (phone: string, challenge?: string) =>
    passline.request('POST', '/api/experience/verification-code', {
      body: { phone, event: 'Register', ...(challenge ? { challenge } : {}) },
      key: null,
    });
  /** What the ALTCHA widget does: fetch a challenge, solve it, send base64 of `{ challenge, solution }`. */
  async function solvedChallenge(): Promise<string> {
    const response = await passline.request('GET', '/api/experience/challenge', { key: null });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const challenge = response.body as ChallengeDescription;
    if (challenge.type !== 'pow') throw new Error(`expected pow, got ${challenge.type}`);
    const solution = await solveChallenge({ challenge, deriveKey });
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }
  const protect = (body: Record<string, unknown>) => passline.request('PATCH', '/api/settings/protection', { body });

  beforeAll(async () => {
    passline = await startTestPassline(database(), { cacheMs: 0 });
    await useDevSms(passline);
  });
  afterAll(() => passline.close());
  beforeEach(async () => {
    await passline.storage.db.deleteFrom('settings').where('key', '=', 'protection').execute();
    await passline.storage.db.deleteFrom('protection_blocks').execute();
    await passline.storage.db.deleteFrom('rate_limit_buckets').execute();
  });

  it('asks for nothing while the challenge is off', async () => {
    expect((await passline.request('GET', '/api/experience/challenge', { key: null })).body).toEqual({ type: 'off' });
    expect((await sendCode(nextNumber())).status).toBe(200);
  });

  it('requires a solved proof of work when it is always on, and takes each solution once', async () => {
    expect((await protect({ challenge: 'pow', challengeMode: 'always', challengePowMaxNumber: 5_000 })).status).toBe(
      200,
    );
    const missing = await sendCode(nextNumber());
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('fraud.challenge_required');
    expect((await sendCode(nextNumber(), 'bm90IGEgc29sdXRpb24=')).body.error.code).toBe('fraud.challenge_failed');

    const solution = await solvedChallenge();
    expect((await sendCode(nextNumber(), solution)).status).toBe(200);
    const replay = await sendCode(nextNumber(), solution);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('fraud.challenge_failed');

    const events = (await passline.request('GET', '/api/protection/events?limit=3')).body.items;
    const seen = events.map((event: { reason: string; source: string }) => `${event.reason} ${event.source}`);
    expect(seen.sort()).toEqual([
      'fraud.challenge_failed experience',
      'fraud.challenge_failed experience',
      'fraud.challenge_required experience',
    ]);
    // The Verification API (a backend with an API key) is never asked for a challenge.
    const backend = await passline.request('POST', '/api/verifications', {
      body: { to: nextNumber(), usage: 'SignIn' },
      key: passline.verifyKey,
    });
    expect(backend.status).toBe(201);
  });

  it('asks in adaptive mode only while the guard holds a block', async () => {
    await protect({ challenge: 'pow', challengeMode: 'adaptive', challengePowMaxNumber: 5_000 });
    expect((await sendCode(nextNumber())).status).toBe(200);
    await passline.storage.db
      .insertInto('protection_blocks')
      .values({
        key: 'range:+86138000',
        dimension: 'range',
        value: '+86138000****',
        sent: 40,
        approved: 0,
        created_at: Date.now(),
        until: Date.now() + 60_000,
      })
      .execute();
    expect((await sendCode(nextNumber())).body.error.code).toBe('fraud.challenge_required');
    expect((await sendCode(nextNumber(), await solvedChallenge())).status).toBe(200);
  });

  it('hands one client IP at most 60 challenges a minute', async () => {
    await protect({ challenge: 'pow', challengePowMaxNumber: 5_000 });
    const fetches = await Promise.all(
      Array.from({ length: 61 }, () => passline.request('GET', '/api/experience/challenge', { key: null })),
    );
    const statuses = fetches.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(60);
    const refused = fetches.find((response) => response.status === 429);
    expect(refused?.body.error.code).toBe('rate_limit.ip');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses registered and unregistered numbers alike', async () => {
    await protect({ blockedCountries: ['GB'] });
    const registered = nextNumber();
    await passline.storage.db
      .insertInto('users')
      .values({ id: 'usr_protection', phone: registered, password_hash: null, created_at: 1, updated_at: 1 })
      .execute();
    const forRegistered = await sendCode(registered);
    const forUnknown = await sendCode(nextNumber());
    expect(forRegistered.status).toBe(403);
    expect(forUnknown.status).toBe(403);
    expect({ ...forRegistered.body.error, requestId: 'x' }).toEqual({ ...forUnknown.body.error, requestId: 'x' });
  });
});
