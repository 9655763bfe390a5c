import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { passwordAttemptLimits } from '../src/accounts/password-check.ts';
import { manualClock, phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, codeReader, type ExperienceClient, experienceClient } from './experience-helpers.ts';

const sixMinutes = 6 * 60_000;

describeEachEngine('accounts: changing the phone number', (database) => {
  let passline: TestPassline;
  let reader: CodeReader;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('206');

  let devSmsId = '';

  beforeAll(async () => {
    passline = await startTestPassline(database(), {
      clock,
      config: { connectorModules: [new URL('./fixtures/codes-only-sms-connector.ts', import.meta.url).pathname] },
    });
    devSmsId = (await useDevSms(passline)).connectorId;
    reader = codeReader(passline);
    client = experienceClient(passline, reader);
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  const authed = (accessToken: string, url: string, body: unknown) =>
    passline.request('POST', url, { key: accessToken, body });
  const sendLinkCode = (accessToken: string, phone: string) =>
    authed(accessToken, '/api/account/phone/verification-code', { phone });
  const link = (accessToken: string, verificationId: string) =>
    authed(accessToken, '/api/account/phone', { verificationId });

  async function verifiedLinkCode(accessToken: string, phone: string): Promise<string> {
    const sent = await sendLinkCode(accessToken, phone);
    expect(sent.status).toBe(200);
    expect((await client.verify(sent.body.verificationId, await reader.next(phone))).status).toBe(200);
    return sent.body.verificationId;
  }

  /** Re-authenticates with a code texted to the account's current number. */
  async function reauthenticateWithCode(accessToken: string, currentPhone: string) {
    const sent = await authed(accessToken, '/api/account/reauthentication/verification-code', {});
    expect(sent.status).toBe(200);
    expect((await client.verify(sent.body.verificationId, await reader.next(currentPhone))).status).toBe(200);
    return authed(accessToken, '/api/account/reauthentication', { verificationId: sent.body.verificationId });
  }

  /** A session whose last real sign-in is six minutes old, kept alive by a refresh alone. */
  async function staleSession(password?: string) {
    const registered = await client.register(freshPhone(), password);
    clock.advance(sixMinutes);
    const refreshed = await client.refresh(registered.refreshToken);
    expect(refreshed.status).toBe(200);
    return { ...registered, ...refreshed.body, registeredAt: decodeJwt(registered.accessToken).auth_time } as {
      user: { id: string; phone: string };
      accessToken: string;
      refreshToken: string;
      registeredAt: number;
    };
  }

  it('refuses a number change to a session renewed only by a refresh', async () => {
    const registered = await client.register(freshPhone());
    // Proven while the sign-in was fresh, used after it went stale.
    const verificationId = await verifiedLinkCode(registered.accessToken, freshPhone());
    clock.advance(sixMinutes);
    const refreshed = (await client.refresh(registered.refreshToken)).body;
    // The refresh carries the time of the real sign-in, unchanged.
    expect(decodeJwt(refreshed.accessToken).auth_time).toBe(decodeJwt(registered.accessToken).auth_time);

    const refused = await link(refreshed.accessToken, verificationId);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('account.reauthentication_required');
    expect(refused.body.error.message).toMatch(/POST \/api\/account\/reauthentication/);
    const sendRefused = await sendLinkCode(refreshed.accessToken, freshPhone());
    expect(sendRefused.status).toBe(403);
    expect(sendRefused.body.error.code).toBe('account.reauthentication_required');
    expect((await client.account(refreshed.accessToken)).body.phone).toBe(registered.user.phone);
  });

  it('lets the session change the number after a code to the current number re-authenticates it', async () => {
    const session = await staleSession();
    const reauthenticated = await reauthenticateWithCode(session.accessToken, session.user.phone);
    expect(reauthenticated.status).toBe(200);
    expect(reauthenticated.headers['cache-control']).toBe('no-store');
    const claims = decodeJwt(reauthenticated.body.accessToken);
    expect(claims.auth_time).toBe(Math.floor(clock.now() / 1000));
    expect(claims.auth_time).toBeGreaterThan(session.registeredAt);
    expect(claims.sid).toBe(decodeJwt(session.accessToken).sid);
    // The refresh token it replaced is spent.
    expect((await client.refresh(session.refreshToken)).body.error.code).toBe('token.invalid_grant');

    const newPhone = freshPhone();
    const verificationId = await verifiedLinkCode(reauthenticated.body.accessToken, newPhone);
    expect(await link(reauthenticated.body.accessToken, verificationId)).toMatchObject({
      status: 200,
      body: { phone: newPhone },
    });
    // A refresh keeps the re-authentication time, and the session goes on.
    const refreshed = await client.refresh(reauthenticated.body.refreshToken);
    expect(refreshed.body.user.phone).toBe(newPhone);
    expect(decodeJwt(refreshed.body.accessToken).auth_time).toBe(claims.auth_time);
  });

  it('re-authenticates with the password, with the password attempt limits', async () => {
    const session = await staleSession('a fine password');
    const wrong = await authed(session.accessToken, '/api/account/reauthentication', { password: 'not it at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('experience.invalid_credentials');
    const right = await authed(session.accessToken, '/api/account/reauthentication', {
      password: 'a fine password',
    });
    expect(right.status).toBe(200);
    const newPhone = freshPhone();
    const verificationId = await verifiedLinkCode(right.body.accessToken, newPhone);
    expect((await link(right.body.accessToken, verificationId)).status).toBe(200);

    const both = await authed(session.accessToken, '/api/account/reauthentication', {
      password: 'a fine password',
      verificationId: 'vrf_x',
    });
    expect(both.body.error.code).toBe('request.invalid');

    // The attempts share the number's budget with password sign-in.
    for (let used = 0; used < passwordAttemptLimits.perPhone.limit; used++) {
      const attempt = await authed(right.body.accessToken, '/api/account/reauthentication', { password: 'nope' });
      expect(attempt.status).toBe(401);
    }
    const limited = await client.post('/api/experience/sign-in/password', {
      phone: newPhone,
      password: 'a fine password',
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit.password_attempts');
  });

  it('accepts only a code sent for re-authentication of this account', async () => {
    const alice = await staleSession();
    const mallory = await staleSession();
    const sent = await authed(alice.accessToken, '/api/account/reauthentication/verification-code', {});
    const [message] = await reader.outbox(alice.user.phone);
    expect(message?.usage).toBe('SignIn');
    await client.verify(sent.body.verificationId, await reader.next(alice.user.phone));
    const stolen = await authed(mallory.accessToken, '/api/account/reauthentication', {
      verificationId: sent.body.verificationId,
    });
    expect(stolen.body.error.code).toBe('experience.verification_mismatch');
    // Nor does it sign anybody in.
    expect((await client.post('/api/experience/sign-in', { verificationId: sent.body.verificationId })).status).toBe(
      400,
    );
  });

  it('texts the old number that it was replaced, without a code', async () => {
    const registered = await client.register(freshPhone());
    const oldPhone = registered.user.phone;
    const verificationId = await verifiedLinkCode(registered.accessToken, freshPhone());
    expect((await link(registered.accessToken, verificationId)).status).toBe(200);

    const notice = await waitForOutbox(oldPhone, (message) => message.usage === 'PhoneChanged');
    expect(notice.text).not.toMatch(/\d{4,}/);
    const log = await passline.request('GET', '/api/messages?usage=PhoneChanged');
    expect(log.body.items[0]).toMatchObject({ status: 'sent', usage: 'PhoneChanged' });
    expect(JSON.stringify(log.body.items)).not.toContain(oldPhone);
  });

  it("revokes the account's other sessions and keeps this one", async () => {
    const phone = freshPhone();
    const current = await client.register(phone, 'a fine password');
    const other = (await client.post('/api/experience/sign-in/password', { phone, password: 'a fine password' })).body;
    const verificationId = await verifiedLinkCode(current.accessToken, freshPhone());
    expect((await link(current.accessToken, verificationId)).status).toBe(200);

    expect((await client.refresh(other.refreshToken)).body.error.code).toBe('token.invalid_grant');
    expect((await client.refresh(current.refreshToken)).status).toBe(200);
  });

  it('keeps the change when the notice fails, with the failure in the message log and a masked warning', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'codes-only-sms', config: {} },
    });
    expect(created.status).toBe(201);
    try {
      const registered = await client.register(freshPhone());
      const oldPhone = registered.user.phone;
      const newPhone = freshPhone();
      const verificationId = await verifiedLinkCode(registered.accessToken, newPhone);
      expect(await link(registered.accessToken, verificationId)).toMatchObject({
        status: 200,
        body: { phone: newPhone },
      });

      const failed = await waitFor(async () => {
        const log = await passline.request('GET', '/api/messages?usage=PhoneChanged&status=failed');
        return log.body.items.find((item: { connectorId: string }) => item.connectorId === created.body.id);
      });
      expect(failed).toMatchObject({ status: 'failed', error: { kind: 'template_not_found' } });
      expect(failed.to).toContain('*');
      expect(JSON.stringify(failed)).not.toContain(oldPhone.slice(1));
      const warning = await waitFor(async () =>
        passline
          .logs()
          .split('\n')
          .find(
            (line) =>
              line.includes('phone-change notice to the old number failed') && line.includes(registered.user.id),
          ),
      );
      expect(JSON.parse(warning)).toMatchObject({
        level: 40,
        errorKind: 'template_not_found',
        messageLogId: expect.stringMatching(/^msg_/),
      });
      expect(warning).not.toContain(oldPhone.slice(1));
      expect((await client.account(registered.accessToken)).body.phone).toBe(newPhone);
    } finally {
      await passline.request('POST', `/api/connectors/${devSmsId}/activate`);
    }
  });

  async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = await probe();
      if (found !== undefined) return found;
      await sleep(10);
    }
    throw new Error('gave up waiting');
  }

  async function waitForOutbox(to: string, match: (message: { usage: string; text: string }) => boolean) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = (await reader.outbox(to)).find(match);
      if (found) return found;
      await sleep(10);
    }
    throw new Error(`no matching message for ${to} in the dev outbox`);
  }
});
