import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

// Security events: after each action, its log line with a stable `event` field and the documented
// fields (docs/operations.md); and in the whole log, no full phone number, no code, no secret.

type Line = Record<string, unknown> & { event?: string; msg?: string };

describeEachEngine('security events in the logs', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  let reader: CodeReader;
  let devSmsId = '';
  const freshPhone = phoneSequence('646');
  /** Every number and code these tests used: none may appear in the logs. */
  const phones: string[] = [];
  const codes: string[] = [];
  const refreshTokens: string[] = [];
  const clock = manualClock();
  const twilioAuthToken = 'twilio-auth-token-which-is-a-secret-0123';
  const password = 'correct horse battery staple';

  const lines = (): Line[] =>
    passline
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  const events = (name: string) => lines().filter((line) => line.event === name);
  const lastEvent = (name: string) => events(name).at(-1);
  const phone = () => {
    const next = freshPhone();
    phones.push(next);
    return next;
  };
  const masked = (e164: string) => `${e164.slice(0, 5)}${'*'.repeat(e164.length - 7)}${e164.slice(-2)}`;
  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'Generic' }, key: passline.verifyKey });
  const check = (id: string, code: string) =>
    passline.request('POST', `/api/verifications/${id}/check`, { body: { code }, key: passline.verifyKey });

  beforeAll(async () => {
    ({ passline, client, reader } = await startExperienceApp(database(), { cacheMs: 0, clock }));
    const connectors = await passline.request('GET', '/api/connectors');
    devSmsId = connectors.body.find((connector: { factoryId: string }) => connector.factoryId === 'dev-sms').id;
    const settings = await passline.request('PATCH', '/api/settings/sign-in-experience', {
      body: { phoneSignIn: true, signUp: true, password: true },
    });
    expect(settings.status).toBe(200);
  });
  afterAll(() => passline.close());

  it('verification.sent, .checked and .refused: masked number, country, connector, outcome, reason', async () => {
    const to = phone();
    const sent = await send(to);
    expect(sent.status).toBe(201);
    expect(lastEvent('verification.sent')).toMatchObject({
      level: 30,
      verificationId: sent.body.id,
      to: masked(to),
      usage: 'Generic',
      country: 'US',
      connector: devSmsId,
      outcome: 'sent',
    });

    const code = await reader.next(to);
    codes.push(code);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await check(sent.body.id, wrong)).status).toBe(400);
    expect(lastEvent('verification.checked')).toMatchObject({
      verificationId: sent.body.id,
      outcome: 'wrong_code',
      remainingAttempts: 4,
    });
    expect((await check(sent.body.id, code)).status).toBe(200);
    expect(lastEvent('verification.checked')).toEqual(
      expect.objectContaining({ verificationId: sent.body.id, outcome: 'approved' }),
    );
    expect(lastEvent('verification.checked')).not.toHaveProperty('remainingAttempts');

    const again = await send(to);
    expect(again.body.error.code).toBe('rate_limit.resend_cooldown');
    expect(lastEvent('verification.refused')).toMatchObject({
      to: masked(to),
      usage: 'Generic',
      country: 'US',
      reason: 'rate_limit.resend_cooldown',
      source: expect.stringMatching(/^key_/),
    });
  });

  it('protection.tripped: the rule, whether enforced, the country and the masked range', async () => {
    const patch = await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: ['GB'] } });
    expect(patch.status).toBe(200);
    const to = '+447400123499';
    phones.push(to);
    expect((await send(to)).body.error.code).toBe('fraud.country_blocked');
    await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: [] } });
    const tripped = lastEvent('protection.tripped');
    expect(tripped).toMatchObject({ level: 40, rule: 'fraud.country_blocked', enforced: true, country: 'GB' });
    expect(tripped?.range).toMatch(/^\+44\d+\*+$/);
    expect(lastEvent('verification.refused')).toMatchObject({ reason: 'fraud.country_blocked', country: 'GB' });

    // Record-only: the rule trips and says so, and the send goes ahead (no refusal).
    await passline.request('PATCH', '/api/settings/protection', {
      body: { mode: 'record_only', blockedCountries: ['GB'] },
    });
    const refusals = events('verification.refused').length;
    const recorded = '+447400123498';
    phones.push(recorded);
    expect((await send(recorded)).status).toBe(201);
    await passline.request('PATCH', '/api/settings/protection', { body: { mode: 'enforce', blockedCountries: [] } });
    expect(lastEvent('protection.tripped')).toMatchObject({ rule: 'fraud.country_blocked', enforced: false });
    expect(events('verification.refused')).toHaveLength(refusals);
    expect(lastEvent('verification.sent')).toMatchObject({ country: 'GB', outcome: 'sent' });
    const metrics = await passline.metrics.render();
    expect(metrics).toContain('passline_protection_refusals_total{reason="fraud.country_blocked",enforced="false"} 1');
  });

  it('account.signed_in and account.sign_in_failed, by method', async () => {
    const to = phone();
    const registered = await client.register(to, password);
    expect(lastEvent('account.signed_in')).toMatchObject({
      userId: registered.user.id,
      method: 'register',
      via: 'experience',
    });

    const failed = await client.post('/api/experience/sign-in/password', { phone: to, password: 'wrong password' });
    expect(failed.status).toBe(401);
    expect(lastEvent('account.sign_in_failed')).toMatchObject({
      level: 40,
      method: 'password',
      via: 'experience',
      reason: 'experience.invalid_credentials',
    });

    const signedIn = await client.post('/api/experience/sign-in/password', {
      phone: to,
      password: password,
    });
    expect(signedIn.status).toBe(200);
    refreshTokens.push(signedIn.body.refreshToken);
    expect(lastEvent('account.signed_in')).toMatchObject({ userId: registered.user.id, method: 'password' });

    clock.advance(61_000); // past the resend cooldown of the registration's code
    const verificationId = await client.verified(to, 'SignIn');
    expect((await client.post('/api/experience/sign-in', { verificationId })).status).toBe(200);
    expect(lastEvent('account.signed_in')).toMatchObject({ userId: registered.user.id, method: 'code' });
    // The code sign-in's verification was used: using it again fails, and says why.
    expect((await client.post('/api/experience/sign-in', { verificationId })).status).toBeGreaterThanOrEqual(400);
    expect(lastEvent('account.sign_in_failed')).toMatchObject({ method: 'code', reason: expect.any(String) });
  });

  it('token.refresh_reuse_detected: the user and the revoked session', async () => {
    const tokens = await client.register(phone());
    refreshTokens.push(tokens.refreshToken);
    expect((await client.refresh(tokens.refreshToken)).status).toBe(200);
    expect(events('token.refresh_reuse_detected')).toHaveLength(0);
    expect((await client.refresh(tokens.refreshToken)).status).toBe(400);
    const reuse = events('token.refresh_reuse_detected');
    expect(reuse).toHaveLength(1);
    expect(reuse[0]).toMatchObject({ level: 40, userId: tokens.user.id, sessionId: expect.any(String) });
    expect(JSON.stringify(reuse[0])).not.toContain(tokens.refreshToken);
  });

  it('delivery.failed: the connector, its kind and the masked number; verification.sent says failed', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: {
        factoryId: 'twilio-sms',
        config: {
          accountSID: `AC${'0'.repeat(32)}`,
          authToken: twilioAuthToken,
          from: '+15005550006',
          // Nothing listens there: the provider is unreachable.
          endpoint: 'http://127.0.0.1:9',
          templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
            usageType,
            content: 'Your code is {{code}}',
          })),
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await passline.request('POST', `/api/connectors/${created.body.id}/activate`)).status).toBe(200);
    try {
      const to = phone();
      const failed = await send(to);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(lastEvent('delivery.failed')).toMatchObject({
        level: 40,
        stage: 'provider',
        connector: created.body.id,
        factory: 'twilio-sms',
        kind: 'provider_unavailable',
        to: masked(to),
        country: 'US',
        messageId: expect.stringMatching(/^msg_/),
      });
      expect(lastEvent('verification.sent')).toMatchObject({
        to: masked(to),
        connector: created.body.id,
        outcome: 'failed',
        reason: 'provider_unavailable',
      });
    } finally {
      await passline.request('POST', `/api/connectors/${devSmsId}/activate`);
    }
  });

  it('never logs a full number, a code or a secret', async () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(20);
    expect(phones.length).toBeGreaterThanOrEqual(4);
    for (const line of all) {
      const text = JSON.stringify(line);
      for (const number of phones) {
        expect(text, text).not.toContain(number);
        expect(text, text).not.toContain(number.slice(1));
      }
      expect(text).not.toContain(twilioAuthToken);
      expect(text).not.toContain(password);
      expect(text).not.toContain('wrong password');
      for (const token of refreshTokens) expect(text).not.toContain(token);
      // dev-sms's log line is its delivery channel: the one place a code is meant to be.
      if (line.msg === 'dev-sms message (not delivered)') continue;
      for (const code of codes) expect(text, text).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
    }
  });
});
