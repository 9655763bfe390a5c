import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveKeys } from '../src/crypto/keys.ts';
import { sealedKeyId } from '../src/crypto/secret-box.ts';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

const password = 'correct horse battery';
const step = 30_000;
/** Past the sign-in attempt window: each test starts with fresh limits. */
const window = 16 * 60 * 1000;

/** The code an authenticator app shows for `secret` at `at` (otpauth, not the server's helper). */
const codeAt = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

interface ConsoleSession {
  cookie: string;
  csrf: string;
}

function sessionCookie(headers: Record<string, unknown>): string | undefined {
  const raw = ([] as string[]).concat((headers['set-cookie'] as string | string[] | undefined) ?? []);
  const line = raw.find((cookie) => cookie.startsWith('passline_session='));
  return line?.split(';')[0]?.slice('passline_session='.length);
}

describeEachEngine('admin two-factor sign-in', (database) => {
  // Five seconds into a 30-second step, so "now" and "the next step" are never ambiguous.
  let now = Date.UTC(2030, 0, 1) + 5_000;
  const clock = { now: () => now };
  const oldKey = randomBytes(32);
  let passline: TestPassline;
  let adaSecret = '';
  let adaRecovery: string[] = [];

  const start = (config: { encryptionKey: Buffer; previousEncryptionKeys: Buffer[] }) =>
    startTestPassline(database(), {
      clock,
      cacheMs: 0,
      adminAuth: { attemptsPerAccountAndIp: 5, attemptsPerIp: 100, attemptsPerAccount: 100 },
      config,
    });

  const post = (url: string, body: unknown, remoteAddress = '10.0.0.1') =>
    passline.app.inject({ method: 'POST', url, payload: body as object, remoteAddress }).then((response) => ({
      status: response.statusCode,
      body: response.body ? JSON.parse(response.body) : undefined,
      cookie: sessionCookie(response.headers),
    }));

  const asAdmin = (session: ConsoleSession, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    passline.request(method, url, {
      key: null,
      body,
      headers: { cookie: `passline_session=${session.cookie}`, 'x-csrf-token': session.csrf },
    });

  /** Password, then (when asked) the code: the session. */
  async function signIn(username: string, secondFactor?: () => string, ip = '10.0.0.1'): Promise<ConsoleSession> {
    let answer = await post('/api/admin/sign-in', { username, password }, ip);
    if (answer.status === 202) {
      expect(answer.cookie).toBeUndefined();
      answer = await post(
        '/api/admin/sign-in/second-factor',
        { pendingToken: answer.body.pendingToken, code: secondFactor?.() },
        ip,
      );
    }
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return { cookie: answer.cookie as string, csrf: answer.body.csrfToken };
  }

  const auditActions = async (action: string) =>
    (await passline.request('GET', `/api/audit-log?action=${action}`)).body.items as Array<{
      target: { id: string };
      after: unknown;
    }>;

  beforeAll(async () => {
    passline = await start({ encryptionKey: oldKey, previousEncryptionKeys: [] });
    await passline.adminAuth.createAdmin({ username: 'ada', password });
    await passline.adminAuth.createAdmin({ username: 'bob', password });
  });
  afterAll(async () => {
    await passline?.close();
  });

  it('enrols: a QR code and secret first, on only after a valid code, with ten recovery codes shown once', async () => {
    now += window;
    const ada = await signIn('ada');
    expect((await asAdmin(ada, 'GET', '/api/admin/two-factor')).body).toEqual({
      enabled: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
      required: false,
    });
    const started = await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment');
    expect(started.status).toBe(200);
    adaSecret = started.body.secret;
    expect(adaSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Passline:ada\?/);
    expect(started.body.otpauthUri).toContain(`secret=${adaSecret}`);
    expect(started.body.qrCodeDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(started.body.qrCodeDataUrl.split(',')[1], 'base64').toString()).toContain('<svg');

    // Sealed at rest; and nothing is on yet: the password alone still signs in.
    const row = await passline.storage.db.selectFrom('admin_two_factor').selectAll().executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(adaSecret);
    expect(row.enabled_at).toBeNull();
    await signIn('ada');

    const wrong = await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment/confirm', { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('admin.two_factor_invalid');

    const confirmed = await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment/confirm', {
      code: codeAt(adaSecret, now),
    });
    expect(confirmed.status).toBe(200);
    adaRecovery = confirmed.body.recoveryCodes;
    expect(adaRecovery).toHaveLength(10);
    expect(new Set(adaRecovery).size).toBe(10);
    for (const code of adaRecovery) expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const hashes = await passline.storage.db.selectFrom('admin_recovery_codes').select('code_hash').execute();
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) for (const code of adaRecovery) expect(code_hash).not.toContain(code);

    expect((await asAdmin(ada, 'GET', '/api/admin/two-factor')).body).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
    });
    expect((await auditActions('admin.two_factor_enable')).map((entry) => entry.target.id)).toEqual(['ada']);
    // Enrolling again needs turning it off first.
    const again = await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment');
    expect(again.body.error.code).toBe('admin.two_factor_already_enabled');
  });

  it('sign-in asks for the code after the password; the pending token works once', async () => {
    now += window;
    const first = await post('/api/admin/sign-in', { username: 'ada', password });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ secondFactor: 'code', pendingToken: expect.any(String) });
    expect(first.cookie).toBeUndefined();

    const wrong = await post('/api/admin/sign-in/second-factor', {
      pendingToken: first.body.pendingToken,
      code: '123456',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('admin.two_factor_invalid');
    expect(wrong.body.error.message).not.toContain(codeAt(adaSecret, now));

    const right = await post('/api/admin/sign-in/second-factor', {
      pendingToken: first.body.pendingToken,
      code: codeAt(adaSecret, now),
    });
    expect(right.status).toBe(200);
    expect(right.body.username).toBe('ada');
    expect(right.cookie).toBeDefined();
    const session = { cookie: right.cookie as string, csrf: right.body.csrfToken };
    expect((await asAdmin(session, 'GET', '/api/admin/session')).status).toBe(200);

    const reused = await post('/api/admin/sign-in/second-factor', {
      pendingToken: first.body.pendingToken,
      code: codeAt(adaSecret, now + step),
    });
    expect(reused.body.error.code).toBe('admin.sign_in_step_invalid');
    const entries = await auditActions('admin.sign_in');
    expect(entries[0]?.after).toEqual({ secondFactor: 'totp' });
  });

  it('accepts the steps either side of now, never a step twice, nothing older', async () => {
    now += window;
    // The next step's code (a phone clock a little ahead) is accepted...
    await signIn('ada', () => codeAt(adaSecret, now + step));
    // ...and then neither it again nor the current step (older than one already used).
    for (const code of [codeAt(adaSecret, now + step), codeAt(adaSecret, now)]) {
      const pending = await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.0.2');
      const replay = await post(
        '/api/admin/sign-in/second-factor',
        { pendingToken: pending.body.pendingToken, code },
        '10.0.0.2',
      );
      expect(replay.body.error.code).toBe('admin.two_factor_invalid');
    }
    now += 4 * step;
    // Two steps back is outside the window.
    const pending = await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.0.3');
    const stale = await post(
      '/api/admin/sign-in/second-factor',
      {
        pendingToken: pending.body.pendingToken,
        code: codeAt(adaSecret, now - 2 * step),
      },
      '10.0.0.3',
    );
    expect(stale.body.error.code).toBe('admin.two_factor_invalid');
    await signIn('ada', () => codeAt(adaSecret, now - step), '10.0.0.3');
  });

  it('wrong codes count toward the sign-in limits and lock the address out', async () => {
    now += window;
    const ip = '10.0.0.9';
    const pending = await post('/api/admin/sign-in', { username: 'ada', password }, ip);
    for (let attempt = 0; attempt < 4; attempt++) {
      const wrong = await post(
        '/api/admin/sign-in/second-factor',
        { pendingToken: pending.body.pendingToken, code: '111111' },
        ip,
      );
      expect(wrong.body.error.code).toBe('admin.two_factor_invalid');
    }
    // The password and four codes are five attempts: even the right code now waits.
    const locked = await post(
      '/api/admin/sign-in/second-factor',
      {
        pendingToken: pending.body.pendingToken,
        code: codeAt(adaSecret, now),
      },
      ip,
    );
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('admin.too_many_attempts');
    const failed = (await auditActions('admin.sign_in_failed')).filter((entry) => entry.target.id === 'ada');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect((await auditActions('admin.locked_out')).map((entry) => entry.target.id)).toContain('ada');
  });

  it('a recovery code signs in once, typed in any case and without dashes', async () => {
    now += window;
    const code = adaRecovery[0] as string;
    const session = await signIn('ada', () => code.toLowerCase().replaceAll('-', ''), '10.0.1.1');
    expect((await asAdmin(session, 'GET', '/api/admin/two-factor')).body.recoveryCodesLeft).toBe(9);
    expect((await auditActions('admin.recovery_code_used'))[0]).toMatchObject({
      target: { id: 'ada' },
      after: { recoveryCodesLeft: 9 },
    });
    const pending = await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.1.1');
    const again = await post(
      '/api/admin/sign-in/second-factor',
      { pendingToken: pending.body.pendingToken, code },
      '10.0.1.1',
    );
    expect(again.body.error.code).toBe('admin.two_factor_invalid');
  });

  it('new recovery codes replace the old; turning it off needs the password or a code', async () => {
    now += window;
    const ada = await signIn('ada', () => codeAt(adaSecret, now), '10.0.2.1');
    now += step;
    const fresh = await asAdmin(ada, 'POST', '/api/admin/two-factor/recovery-codes', { code: codeAt(adaSecret, now) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const pending = await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.2.2');
    const old = await post(
      '/api/admin/sign-in/second-factor',
      {
        pendingToken: pending.body.pendingToken,
        code: adaRecovery[1],
      },
      '10.0.2.2',
    );
    expect(old.body.error.code).toBe('admin.two_factor_invalid');
    adaRecovery = fresh.body.recoveryCodes;

    const noProof = await asAdmin(ada, 'POST', '/api/admin/two-factor/disable', {});
    expect(noProof.status).toBe(400);
    const wrongPassword = await asAdmin(ada, 'POST', '/api/admin/two-factor/disable', { password: 'not the password' });
    expect(wrongPassword.body.error.code).toBe('admin.invalid_credentials');
    const off = await asAdmin(ada, 'POST', '/api/admin/two-factor/disable', { password });
    expect(off.status).toBe(204);
    expect((await auditActions('admin.two_factor_disable')).map((entry) => entry.target.id)).toEqual(['ada']);
    expect((await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.2.3')).status).toBe(200);
    expect(await passline.storage.db.selectFrom('admin_recovery_codes').selectAll().execute()).toEqual([]);

    // On again, for the tests that follow.
    adaSecret = (await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment')).body.secret;
    now += step;
    const on = await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment/confirm', { code: codeAt(adaSecret, now) });
    adaRecovery = on.body.recoveryCodes;
  });

  it('required for every admin: sessions without it end, and the next sign-in enrols first', async () => {
    now += window;
    const bob = await signIn('bob', undefined, '10.0.3.1');
    const refused = await asAdmin(bob, 'PATCH', '/api/admin/security-settings', { requireTwoFactor: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('admin.two_factor_required');

    const ada = await signIn('ada', () => codeAt(adaSecret, now), '10.0.3.2');
    const required = await asAdmin(ada, 'PATCH', '/api/admin/security-settings', { requireTwoFactor: true });
    expect(required.status).toBe(200);
    expect(required.body).toEqual({ requireTwoFactor: true });
    expect((await asAdmin(bob, 'GET', '/api/admin/session')).status).toBe(401);
    expect((await asAdmin(ada, 'GET', '/api/admin/session')).status).toBe(200);
    expect((await auditActions('admin.security_update'))[0]).toMatchObject({ after: { requireTwoFactor: true } });
    // Nobody turns it off for themselves while it is required.
    const keep = await asAdmin(ada, 'POST', '/api/admin/two-factor/disable', { password });
    expect(keep.body.error.code).toBe('admin.two_factor_required');

    const pending = await post('/api/admin/sign-in', { username: 'bob', password }, '10.0.3.1');
    expect(pending.status).toBe(202);
    expect(pending.body.secondFactor).toBe('enrolment');
    expect(pending.cookie).toBeUndefined();
    // The pending token is no session: the console's routes stay closed.
    const asCode = await post(
      '/api/admin/sign-in/second-factor',
      { pendingToken: pending.body.pendingToken, code: '123456' },
      '10.0.3.1',
    );
    expect(asCode.body.error.code).toBe('admin.sign_in_step_invalid');
    const enrolment = await post('/api/admin/sign-in/enrolment', { pendingToken: pending.body.pendingToken });
    expect(enrolment.status).toBe(200);
    const bobSecret = enrolment.body.secret as string;
    const done = await post(
      '/api/admin/sign-in/enrolment/confirm',
      {
        pendingToken: pending.body.pendingToken,
        code: codeAt(bobSecret, now),
      },
      '10.0.3.1',
    );
    expect(done.status).toBe(200);
    expect(done.body.session.username).toBe('bob');
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect(done.cookie).toBeDefined();
    now += step;
    await signIn('bob', () => codeAt(bobSecret, now), '10.0.3.1');

    // An admin API key reads and changes the setting too.
    expect((await passline.request('GET', '/api/admin/security-settings')).body).toEqual({ requireTwoFactor: true });
    const off = await passline.request('PATCH', '/api/admin/security-settings', { body: { requireTwoFactor: false } });
    expect(off.body).toEqual({ requireTwoFactor: false });
  });

  it('the CLI reset turns it off for a lost device and ends the sessions', async () => {
    now += window;
    const ada = await signIn('ada', () => codeAt(adaSecret, now), '10.0.4.1');
    expect(await passline.adminAuth.resetTwoFactor('ada')).toBe(true);
    expect((await asAdmin(ada, 'GET', '/api/admin/session')).status).toBe(401);
    expect((await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.4.1')).status).toBe(200);
    const entry = (await auditActions('admin.two_factor_disable'))[0] as unknown as { actor: { type: string } };
    expect(entry.actor.type).toBe('cli');
    expect(await passline.adminAuth.resetTwoFactor('ada')).toBe(false);
  });

  it('keys rotate re-encrypts the TOTP secrets, which keep working under the new key', async () => {
    now += window;
    // Bob still has it on; enrol ada again so two secrets are sealed.
    const ada = await signIn('ada', undefined, '10.0.5.1');
    adaSecret = (await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment')).body.secret;
    await asAdmin(ada, 'POST', '/api/admin/two-factor/enrolment/confirm', { code: codeAt(adaSecret, now) });
    await passline.close();

    const newKey = randomBytes(32);
    passline = await start({ encryptionKey: newKey, previousEncryptionKeys: [oldKey] });
    const result = await passline.keyRotation.rotate();
    expect(result.adminTwoFactorSecrets).toEqual({ reencrypted: 2, alreadyCurrent: 0, changedMeanwhile: 0 });
    const rows = await passline.storage.db.selectFrom('admin_two_factor').select('secret').execute();
    expect(rows.map((row) => sealedKeyId(row.secret))).toEqual([deriveKeys(newKey).keyId, deriveKeys(newKey).keyId]);
    expect((await passline.keyRotation.rotate()).adminTwoFactorSecrets.alreadyCurrent).toBe(2);
    await passline.close();

    // Without the old key: the codes still check.
    passline = await start({ encryptionKey: newKey, previousEncryptionKeys: [] });
    now += step;
    await signIn('ada', () => codeAt(adaSecret, now), '10.0.5.2');
    await passline.close();

    // Under a key that never sealed it, the code cannot be checked: 503 naming the key, not a 500.
    passline = await start({ encryptionKey: randomBytes(32), previousEncryptionKeys: [] });
    const pending = await post('/api/admin/sign-in', { username: 'ada', password }, '10.0.5.3');
    const unreadable = await post(
      '/api/admin/sign-in/second-factor',
      { pendingToken: pending.body.pendingToken, code: codeAt(adaSecret, now) },
      '10.0.5.3',
    );
    expect(unreadable.status).toBe(503);
    expect(unreadable.body.error).toMatchObject({
      code: 'admin.two_factor_unreadable',
      details: { keyId: deriveKeys(newKey).keyId },
    });
    expect(unreadable.body.error.message).toContain('passline admins reset-two-factor');
  });
});
