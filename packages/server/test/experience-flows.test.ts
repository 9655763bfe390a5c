import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { passwordAttemptLimits } from '../src/accounts/experience-service.ts';
import { manualClock, phoneSequence, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('experience API: register, sign in, reset', (database) => {
  let passline: TestPassline;
  let reader: CodeReader;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('201');

  beforeAll(async () => {
    ({ passline, reader, client } = await startExperienceApp(database(), { clock }));
    // Several codes go to one number within a test; the cooldown has its own tests.
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 0 } });
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  it('sends a code with the template of the event and answers only { verificationId, expiresAt }', async () => {
    const phone = freshPhone();
    const sent = await client.send(phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 ($1) $2-$3'), 'Register');
    expect(sent.status).toBe(200);
    expect(Object.keys(sent.body).sort()).toEqual(['expiresAt', 'verificationId']);
    expect(Date.parse(sent.body.expiresAt) - clock.now()).toBe(600_000);
    await reader.next(phone);
    const [message] = await reader.outbox(phone);
    expect(message?.text).toMatch(/^Register code \d{6}$/);
    expect(message?.usage).toBe('Register');
  });

  it('registers with a verified Register code, with or without a password', async () => {
    const phone = freshPhone();
    const verificationId = await client.verified(phone, 'Register');
    const registered = await client.post('/api/experience/register', { verificationId, password: 'correct horse' });
    expect(registered.status).toBe(201);
    expect(registered.headers['cache-control']).toBe('no-store');
    expect(registered.body).toMatchObject({ user: { phone }, tokenType: 'Bearer', expiresIn: 900 });
    expect(registered.body.user.id).toMatch(/^usr_/);
    expect(registered.body.refreshToken).toMatch(/^rt_/);
    const account = await client.account(registered.body.accessToken);
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({ id: registered.body.user.id, phone, hasPassword: true });

    const codeOnly = await client.register(freshPhone());
    expect((await client.account(codeOnly.accessToken)).body.hasPassword).toBe(false);
  });

  it('refuses to register a number that already has an account', async () => {
    const phone = freshPhone();
    await client.register(phone);
    const verificationId = await client.verified(phone, 'Register');
    const again = await client.post('/api/experience/register', { verificationId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('account.phone_taken');
  });

  it('rejects a Register code at sign-in and at reset, and it stays usable for registering', async () => {
    const phone = freshPhone();
    const verificationId = await client.verified(phone, 'Register');
    const signIn = await client.post('/api/experience/sign-in', { verificationId });
    expect(signIn.status).toBe(400);
    expect(signIn.body.error.code).toBe('experience.verification_mismatch');
    const reset = await client.post('/api/experience/reset-password', { verificationId, password: 'new password' });
    expect(reset.status).toBe(400);
    expect(reset.body.error.code).toBe('experience.verification_mismatch');
    expect((await client.post('/api/experience/register', { verificationId })).status).toBe(201);
  });

  it('uses a verification id once', async () => {
    const phone = freshPhone();
    const verificationId = await client.verified(phone, 'Register');
    expect((await client.post('/api/experience/register', { verificationId })).status).toBe(201);
    const again = await client.post('/api/experience/register', { verificationId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('verification.already_used');

    const signInId = await client.verified(phone, 'SignIn');
    const [first, second] = await Promise.all([
      client.post('/api/experience/sign-in', { verificationId: signInId }),
      client.post('/api/experience/sign-in', { verificationId: signInId }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    // The code itself cannot be checked a second time either.
    const recheck = await client.verify(signInId, '000000');
    expect(recheck.body.error.code).toBe('verification.already_used');
  });

  it('grants nothing before the code is verified, and counts wrong codes', async () => {
    const phone = freshPhone();
    await client.register(phone);
    const sent = await client.send(phone, 'SignIn');
    const code = await reader.next(phone);
    const early = await client.post('/api/experience/sign-in', { verificationId: sent.body.verificationId });
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('experience.not_verified');

    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await client.verify(sent.body.verificationId, wrong);
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({
        code: 'verification.code_mismatch',
        details: { remainingAttempts: 5 - attempt },
      });
    }
    const exhausted = await client.verify(sent.body.verificationId, code);
    expect(exhausted.status).toBe(429);
    expect(exhausted.body.error.code).toBe('verification.too_many_attempts');
    const late = await client.post('/api/experience/sign-in', { verificationId: sent.body.verificationId });
    expect(late.status).toBe(429);
    expect(late.body.error.code).toBe('verification.too_many_attempts');
  });

  it('lets a verified code be used only within its validity', async () => {
    const phone = freshPhone();
    await client.register(phone);
    const verificationId = await client.verified(phone, 'SignIn');
    clock.advance(600_000);
    const expired = await client.post('/api/experience/sign-in', { verificationId });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('verification.expired');
  });

  it('does not accept verifications of the server-to-server Verification API, nor unknown ids', async () => {
    const phone = freshPhone();
    const backend = await passline.request('POST', '/api/verifications', {
      body: { to: phone, usage: 'SignIn' },
      key: passline.verifyKey,
    });
    const code = await reader.next(phone);
    const verify = await client.verify(backend.body.id, code);
    expect(verify.status).toBe(404);
    expect(verify.body.error.code).toBe('verification.not_found');
    // Approved through its own API, it still grants no sign-in.
    await passline.request('POST', `/api/verifications/${backend.body.id}/check`, {
      body: { code },
      key: passline.verifyKey,
    });
    const signIn = await client.post('/api/experience/sign-in', { verificationId: backend.body.id });
    expect(signIn.status).toBe(404);
    expect((await client.post('/api/experience/sign-in', { verificationId: 'vrf_nope' })).status).toBe(404);
  });

  it('signs in with a SignIn code, and registers an unknown verified number when sign-up is on', async () => {
    const phone = freshPhone();
    const registered = await client.register(phone);
    const signIn = await client.post('/api/experience/sign-in', {
      verificationId: await client.verified(phone, 'SignIn'),
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toEqual(registered.user);
    expect(signIn.headers['cache-control']).toBe('no-store');

    const newcomer = freshPhone();
    const created = await client.post('/api/experience/sign-in', {
      verificationId: await client.verified(newcomer, 'SignIn'),
    });
    expect(created.status).toBe(200);
    expect(created.body.user.phone).toBe(newcomer);
    expect((await client.account(created.body.accessToken)).body.hasPassword).toBe(false);
  });

  it('answers account.not_found for a verified unknown number once sign-up is off', async () => {
    const phone = freshPhone();
    const verificationId = await client.verified(phone, 'SignIn');
    await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: false } });
    try {
      const result = await client.post('/api/experience/sign-in', { verificationId });
      expect(result.status).toBe(404);
      expect(result.body.error.code).toBe('account.not_found');
    } finally {
      await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: true } });
    }
  });

  it('signs in with a password, and answers the same for every wrong combination', async () => {
    const phone = freshPhone();
    const registered = await client.register(phone, 'correct horse');
    const codeOnly = freshPhone();
    await client.register(codeOnly);

    const ok = await client.post('/api/experience/sign-in/password', { phone, password: 'correct horse' });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual(registered.user);

    const failures = await Promise.all([
      client.post('/api/experience/sign-in/password', { phone, password: 'wrong horse' }),
      client.post('/api/experience/sign-in/password', { phone: freshPhone(), password: 'correct horse' }),
      client.post('/api/experience/sign-in/password', { phone: codeOnly, password: 'correct horse' }),
    ]);
    for (const failure of failures) {
      expect(failure.status).toBe(401);
      expect(failure.body).toEqual({
        error: { code: 'experience.invalid_credentials', message: 'The phone number or the password is wrong.' },
      });
    }
  });

  it('limits password attempts per number, the same for unknown numbers, even for the right password', async () => {
    const registered = freshPhone();
    await client.register(registered, 'correct horse');
    const unknown = freshPhone();
    const { limit } = passwordAttemptLimits.perPhone;
    for (const phone of [registered, unknown]) {
      for (let attempt = 1; attempt <= limit; attempt++) {
        const result = await client.post('/api/experience/sign-in/password', { phone, password: 'wrong horse' });
        expect(result.status).toBe(401);
      }
    }
    const locked = await client.post('/api/experience/sign-in/password', {
      phone: registered,
      password: 'correct horse',
    });
    const lockedUnknown = await client.post('/api/experience/sign-in/password', {
      phone: unknown,
      password: 'correct horse',
    });
    for (const result of [locked, lockedUnknown]) {
      expect(result.status).toBe(429);
      expect(result.body.error.code).toBe('rate_limit.password_attempts');
      expect(result.headers['retry-after']).toBe('900');
    }
    expect(Object.keys(locked.body.error).sort()).toEqual(Object.keys(lockedUnknown.body.error).sort());
    clock.advance(passwordAttemptLimits.perPhone.windowMs);
    const after = await client.post('/api/experience/sign-in/password', {
      phone: registered,
      password: 'correct horse',
    });
    expect(after.status).toBe(200);
  });

  it('limits password attempts per IP address across numbers', async () => {
    // An instance with a small per-IP limit: the same mechanism without 50 scrypt rounds.
    const limit = 4;
    const small = await startTestPassline(database(), {
      clock,
      passwordLimits: { ...passwordAttemptLimits, perIp: { limit, windowMs: 3_600_000 } },
    });
    const attempt = (remoteAddress: string, index: number) =>
      small.app.inject({
        method: 'POST',
        url: '/api/experience/sign-in/password',
        remoteAddress,
        payload: { phone: `+1202555${String(1000 + index)}`, password: 'guess guess' },
      });
    for (let index = 0; index < limit; index++) {
      expect((await attempt('203.0.113.7', index)).statusCode).toBe(401);
    }
    try {
      const refused = await attempt('203.0.113.7', limit);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('rate_limit.password_attempts');
      expect((await attempt('203.0.113.8', limit)).statusCode).toBe(401);
    } finally {
      await small.close();
    }
  });

  it('resets a password with a ForgotPassword code, signs out every session and grants nothing else', async () => {
    const phone = freshPhone();
    const registered = await client.register(phone, 'old password');
    const other = await client.post('/api/experience/sign-in/password', { phone, password: 'old password' });

    const verificationId = await client.verified(phone, 'ForgotPassword');
    const [message] = await reader.outbox(phone);
    expect(message?.text).toMatch(/^Reset code/);
    const reset = await client.post('/api/experience/reset-password', { verificationId, password: 'new password' });
    expect(reset.status).toBe(204);
    expect(reset.body).toBeUndefined();

    for (const refreshToken of [registered.refreshToken, other.body.refreshToken]) {
      const refreshed = await client.refresh(refreshToken);
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error.code).toBe('token.invalid_grant');
    }
    expect((await client.post('/api/experience/sign-in/password', { phone, password: 'old password' })).status).toBe(
      401,
    );
    expect((await client.post('/api/experience/sign-in/password', { phone, password: 'new password' })).status).toBe(
      200,
    );
    // The reset code is spent, and it never was a sign-in code.
    expect((await client.post('/api/experience/sign-in', { verificationId })).body.error.code).toBe(
      'experience.verification_mismatch',
    );
    const again = await client.post('/api/experience/reset-password', { verificationId, password: 'third password' });
    expect(again.body.error.code).toBe('verification.already_used');
  });

  it('validates input with stable error codes', async () => {
    const badEvent = await client.send(freshPhone(), 'Generic');
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.error.code).toBe('request.invalid');
    const badPhone = await client.send('+1 555', 'SignIn');
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.code).toBe('phone.invalid');
    const badCode = await client.verify('vrf_x', '12ab');
    expect(badCode.body.error.code).toBe('request.invalid');
    const shortPassword = await client.post('/api/experience/register', { verificationId: 'vrf_x', password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error.code).toBe('request.invalid');
    const extra = await client.post('/api/experience/sign-in', { verificationId: 'vrf_x', phone: '+12015550000' });
    expect(extra.body.error.code).toBe('request.invalid');
  });
});
