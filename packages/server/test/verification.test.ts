import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Distinct valid numbers, so tests do not share rate-limit buckets.
const freshPhone = phoneSequence('201');

describeEachEngine('verification API', (database) => {
  let passline: TestPassline;
  let dev: Awaited<ReturnType<typeof useDevSms>>;
  const clock = manualClock();

  beforeAll(async () => {
    passline = await startTestPassline(database(), { clock });
    dev = await useDevSms(passline);
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000)); // every test starts with fresh windows

  const send = (body: Record<string, unknown>, key = passline.verifyKey) =>
    passline.request('POST', '/api/verifications', { body, key });
  const check = (id: string, code: string) =>
    passline.request('POST', `/api/verifications/${id}/check`, { body: { code }, key: passline.verifyKey });

  it('sends a code with the usage template, masks the number, and approves the right code once', async () => {
    const to = freshPhone();
    const sent = await send({ to, usage: 'SignIn' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ usage: 'SignIn', status: 'pending' });
    expect(sent.body.to).toBe(`${to.slice(0, 5)}*****${to.slice(-2)}`);
    expect(Date.parse(sent.body.expiresAt) - clock.now()).toBe(600_000);
    const outbox = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(outbox.body[0].text).toMatch(/^SignIn code \d{6}$/);
    const code = await dev.latestCode(to);
    expect(JSON.stringify(sent.body)).not.toContain(code);

    const approved = await check(sent.body.id, code);
    expect(approved).toMatchObject({ status: 200, body: { id: sent.body.id, status: 'approved' } });
    const again = await check(sent.body.id, code);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('verification.already_used');
    const read = await passline.request('GET', `/api/verifications/${sent.body.id}`, { key: passline.verifyKey });
    expect(read.body.status).toBe('approved');
  });

  it('counts wrong attempts and kills the code after the limit, even for the right code', async () => {
    const to = freshPhone();
    const sent = await send({ to, usage: 'Register' });
    const code = await dev.latestCode(to);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await check(sent.body.id, wrong);
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({
        code: 'verification.code_mismatch',
        details: { remainingAttempts: 5 - attempt },
      });
    }
    const late = await check(sent.body.id, code);
    expect(late.status).toBe(429);
    expect(late.body.error.code).toBe('verification.too_many_attempts');
    const read = await passline.request('GET', `/api/verifications/${sent.body.id}`, { key: passline.verifyKey });
    expect(read.body.status).toBe('exhausted');
  });

  it('expires codes after the validity period', async () => {
    const to = freshPhone();
    const sent = await send({ to, usage: 'SignIn' });
    const code = await dev.latestCode(to);
    clock.advance(600_000);
    const result = await check(sent.body.id, code);
    expect(result.status).toBe(410);
    expect(result.body.error.code).toBe('verification.expired');
  });

  it('binds a code to its usage: a Register code does not pass a SignIn check', async () => {
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 0 } });
    const to = freshPhone();
    const register = await send({ to, usage: 'Register' });
    const registerCode = await dev.latestCode(to);
    const signIn = await send({ to, usage: 'SignIn' });
    const signInCode = await dev.latestCode(to);
    if (registerCode !== signInCode) {
      const crossed = await check(signIn.body.id, registerCode);
      expect(crossed.body.error.code).toBe('verification.code_mismatch');
    }
    // Both codes stay valid: a new SignIn send does not cancel the Register code.
    expect((await check(register.body.id, registerCode)).status).toBe(200);
    expect((await check(signIn.body.id, signInCode)).status).toBe(200);
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 60 } });
  });

  it('cancels the previous pending code when a new one is sent for the same number and usage', async () => {
    const to = freshPhone();
    const first = await send({ to, usage: 'ForgotPassword' });
    const firstCode = await dev.latestCode(to);
    clock.advance(61_000);
    const second = await send({ to, usage: 'ForgotPassword' });
    expect(second.status).toBe(201);
    const old = await check(first.body.id, firstCode);
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe('verification.cancelled');
    expect((await check(second.body.id, await dev.latestCode(to))).status).toBe(200);
  });

  it('approves exactly once when 20 checks with the right code race', async () => {
    await passline.request('PATCH', '/api/settings/verification', { body: { maxAttempts: 20 } });
    const to = freshPhone();
    const sent = await send({ to, usage: 'SignIn' });
    const code = await dev.latestCode(to);
    const results = await Promise.all(Array.from({ length: 20 }, () => check(sent.body.id, code)));
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    for (const result of results.filter((candidate) => candidate.status !== 200)) {
      expect(result.body.error.code).toBe('verification.already_used');
    }
    await passline.request('PATCH', '/api/settings/verification', { body: { maxAttempts: 5 } });
  });

  it('evaluates at most the attempt limit when 50 wrong guesses race', async () => {
    const to = freshPhone();
    const sent = await send({ to, usage: 'SignIn' });
    const code = await dev.latestCode(to);
    const wrong = code === '999999' ? '888888' : '999999';
    const results = await Promise.all(Array.from({ length: 50 }, () => check(sent.body.id, wrong)));
    const evaluated = results.filter((result) => result.body.error.code === 'verification.code_mismatch');
    const refused = results.filter((result) => result.body.error.code === 'verification.too_many_attempts');
    expect(evaluated).toHaveLength(5);
    expect(refused).toHaveLength(45);
    expect((await check(sent.body.id, code)).body.error.code).toBe('verification.too_many_attempts');
  });

  it('answers 404 for an unknown verification', async () => {
    const result = await check('vrf_unknown', '123456');
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('verification.not_found');
  });

  describe('send limits', () => {
    it('enforces the resend cooldown with Retry-After, across formatting variants, before the provider', async () => {
      const to = freshPhone();
      expect((await send({ to, usage: 'SignIn' })).status).toBe(201);
      const national = `+1 (${to.slice(2, 5)}) ${to.slice(5, 8)}-${to.slice(8)}`;
      const again = await send({ to: national, usage: 'SignIn' });
      expect(again.status).toBe(429);
      expect(again.body.error.code).toBe('rate_limit.resend_cooldown');
      expect(Number(again.headers['retry-after'])).toBe(60);
      const outbox = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
      expect(outbox.body).toHaveLength(1);
      clock.advance(45_000);
      expect(Number((await send({ to, usage: 'SignIn' })).headers['retry-after'])).toBe(15);
      clock.advance(15_000);
      expect((await send({ to, usage: 'SignIn' })).status).toBe(201);
    });

    it('caps sends per number per hour and per day; refused sends do not use up the quota', async () => {
      await passline.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 0, phoneHourlyLimit: 3, phoneDailyLimit: 4 },
      });
      const to = freshPhone();
      for (let index = 0; index < 3; index++) expect((await send({ to, usage: 'SignIn' })).status).toBe(201);
      const capped = await send({ to, usage: 'SignIn' });
      expect(capped.status).toBe(429);
      expect(capped.body.error).toMatchObject({ code: 'rate_limit.phone', details: { limit: 3, windowSeconds: 3600 } });
      expect(Number(capped.headers['retry-after'])).toBe(3600);
      clock.advance(3_600_000);
      expect((await send({ to, usage: 'SignIn' })).status).toBe(201);
      const daily = await send({ to, usage: 'SignIn' });
      expect(daily.body.error).toMatchObject({ code: 'rate_limit.phone', details: { limit: 4, windowSeconds: 86400 } });
      await passline.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 60, phoneHourlyLimit: 5, phoneDailyLimit: 10 },
      });
    });

    it('caps sends per end-user IP', async () => {
      await passline.request('PATCH', '/api/settings/verification', { body: { ipHourlyLimit: 2 } });
      const ip = '203.0.113.7';
      expect((await send({ to: freshPhone(), usage: 'SignIn', ip })).status).toBe(201);
      expect((await send({ to: freshPhone(), usage: 'SignIn', ip })).status).toBe(201);
      const third = await send({ to: freshPhone(), usage: 'SignIn', ip });
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('rate_limit.ip');
      expect((await send({ to: freshPhone(), usage: 'SignIn', ip: '2001:db8::1' })).status).toBe(201);
      await passline.request('PATCH', '/api/settings/verification', { body: { ipHourlyLimit: 20 } });
    });

    it("counts the per-number caps per client IP, so a stranger cannot spend the owner's", async () => {
      await passline.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 0, phoneHourlyLimit: 2, phoneDailyLimit: 2, phoneHourlyCeiling: 5 },
      });
      const to = freshPhone();
      const attacker = '198.51.100.10';
      expect((await send({ to, usage: 'SignIn', ip: attacker })).status).toBe(201);
      expect((await send({ to, usage: 'SignIn', ip: attacker })).status).toBe(201);
      const spent = await send({ to, usage: 'SignIn', ip: attacker });
      expect(spent.status).toBe(429);
      expect(spent.body.error.code).toBe('rate_limit.phone');
      // The owner, from their own address, still gets a code.
      expect((await send({ to, usage: 'SignIn', ip: '192.0.2.44' })).status).toBe(201);
      // An address in the attacker's IPv6 /64 is the same client.
      const v6 = '2001:db8:40:1::1';
      expect((await send({ to, usage: 'SignIn', ip: v6 })).status).toBe(201);
      expect((await send({ to, usage: 'SignIn', ip: '2001:db8:40:1::2' })).status).toBe(201);
      expect((await send({ to, usage: 'SignIn', ip: '2001:db8:40:1:ffff::3' })).status).toBe(429);
      // The ceiling across all clients (5) still caps the number.
      const fromElsewhere = await send({ to, usage: 'SignIn', ip: '192.0.2.45' });
      expect(fromElsewhere.status).toBe(429);
      expect(fromElsewhere.body.error).toMatchObject({ code: 'rate_limit.phone', details: { limit: 5 } });
      // Without an IP (a backend that passes none) the per-number caps apply to the number alone.
      const other = freshPhone();
      expect((await send({ to: other, usage: 'SignIn' })).status).toBe(201);
      expect((await send({ to: other, usage: 'SignIn' })).status).toBe(201);
      expect((await send({ to: other, usage: 'SignIn' })).status).toBe(429);
      await passline.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 60, phoneHourlyLimit: 5, phoneDailyLimit: 10, phoneHourlyCeiling: 15 },
      });
    });

    it('counts the resend cooldown per client IP too', async () => {
      const to = freshPhone();
      expect((await send({ to, usage: 'SignIn', ip: '198.51.100.20' })).status).toBe(201);
      expect((await send({ to, usage: 'SignIn', ip: '198.51.100.20' })).body.error.code).toBe(
        'rate_limit.resend_cooldown',
      );
      expect((await send({ to, usage: 'SignIn', ip: '198.51.100.21' })).status).toBe(201);
    });

    it('keeps limits across a restart on the same data', async () => {
      const to = freshPhone();
      expect((await send({ to, usage: 'SignIn' })).status).toBe(201);
      const restarted = await startTestPassline(database(), { clock });
      try {
        const refused = await restarted.request('POST', '/api/verifications', {
          body: { to, usage: 'SignIn' },
          key: restarted.verifyKey,
        });
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('rate_limit.resend_cooldown');
      } finally {
        await restarted.close();
      }
    });
  });

  it('refuses to send when no SMS connector is active', async () => {
    const bare = await startTestPassline(database(), { clock });
    try {
      await bare.request('DELETE', `/api/connectors/${dev.connectorId}`);
      const result = await bare.request('POST', '/api/verifications', {
        body: { to: freshPhone(), usage: 'SignIn' },
        key: bare.verifyKey,
      });
      expect(result.status).toBe(503);
      expect(result.body.error.code).toBe('connector.none_active');
    } finally {
      await bare.close();
      dev = await useDevSms(passline);
    }
  });
});
