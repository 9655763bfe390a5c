import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

const password = 'correct horse battery';
const hour = 60 * 60 * 1000;

/** The session cookie from a response, and its attributes, as the browser would see them. */
function sessionCookie(headers: Record<string, unknown>) {
  const raw = ([] as string[]).concat((headers['set-cookie'] as string | string[] | undefined) ?? []);
  const line = raw.find((cookie) => cookie.startsWith('passline_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(raw)}`);
  const [pair, ...attributes] = line.split(/;\s*/);
  return {
    value: (pair as string).slice('passline_session='.length),
    attributes: attributes.map((a) => a.toLowerCase()),
  };
}

describeEachEngine('console admin auth', (database) => {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  let passline: TestPassline;
  let other: TestPassline;

  /** Sign-in / console request with a cookie and no API key. */
  const asConsole = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    cookie: string,
    options: { body?: unknown; csrf?: string } = {},
  ) =>
    passline.request(method, url, {
      key: null,
      body: options.body,
      headers: { cookie: `passline_session=${cookie}`, ...(options.csrf ? { 'x-csrf-token': options.csrf } : {}) },
    });

  const signIn = (username: string, secret: string, remoteAddress = '10.0.0.1') =>
    passline.app.inject({
      method: 'POST',
      url: '/api/admin/sign-in',
      payload: { username, password: secret },
      remoteAddress,
    });

  beforeAll(async () => {
    // Both sit behind one TLS-terminating proxy (X-Forwarded-Proto is trusted when sent).
    const options = {
      clock,
      adminAuth: { attemptsPerAccountAndIp: 3, attemptsPerIp: 6, attemptsPerAccount: 8 },
      config: { trustProxy: 1 },
    };
    passline = await startTestPassline(database(), options);
    // On PostgreSQL a second instance on the same database: setup tokens and sessions must work
    // across both. SQLite is single-instance by design (one process owns the file).
    other = database().engine === 'postgres' ? await startTestPassline(database(), options) : passline;
  });
  afterAll(async () => {
    if (other !== passline) await other?.close();
    await passline?.close();
  });

  it('first-run setup: the token works once (on any instance), and never after an admin exists', async () => {
    expect((await passline.request('GET', '/api/admin/setup', { key: null })).body).toEqual({ setupRequired: true });
    const token = await passline.adminAuth.issueSetupToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = await passline.storage.db.selectFrom('admin_setup_tokens').selectAll().execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(token);

    const wrong = await other.request('POST', '/api/admin/setup', {
      key: null,
      body: { setupToken: 'not-the-token', username: 'ada', password },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('admin.setup_token_invalid');

    const weak = await other.request('POST', '/api/admin/setup', {
      key: null,
      body: { setupToken: token, username: 'ada', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toContain('at least 10 characters');

    const done = await other.request('POST', '/api/admin/setup', {
      key: null,
      body: { setupToken: token, username: ' Ada ', password },
    });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ username: 'ada', csrfToken: expect.any(String) });
    const cookie = sessionCookie(done.headers);
    expect(cookie.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    // Plain http here: a Secure cookie would never come back.
    expect(cookie.attributes).not.toContain('secure');
    expect((await asConsole('GET', '/api/admin/session', cookie.value)).body.username).toBe('ada');

    const again = await passline.request('POST', '/api/admin/setup', {
      key: null,
      body: { setupToken: token, username: 'eve', password },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('admin.already_set_up');
    expect(await passline.adminAuth.issueSetupToken()).toBeUndefined();
    expect((await passline.request('GET', '/api/admin/setup', { key: null })).body).toEqual({ setupRequired: false });

    const admins = await passline.storage.db.selectFrom('admins').selectAll().execute();
    expect(admins.map((admin) => admin.username)).toEqual(['ada']);
    expect(admins[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(admins[0]?.password_hash).not.toContain(password);
  });

  it('signs in with the right password only, and stores only a hash of the session token', async () => {
    const wrong = await signIn('ada', 'wrong password!');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('admin.invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await signIn('nobody', password);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);

    const ok = await signIn('ADA', password, '10.0.0.2');
    expect(ok.statusCode).toBe(200);
    const cookie = sessionCookie(ok.headers);
    const sessions = await passline.storage.db.selectFrom('admin_sessions').select('token_hash').execute();
    expect(sessions.map((row) => row.token_hash)).not.toContain(cookie.value);
    expect(JSON.stringify(ok.json())).not.toContain(cookie.value);
    expect(passline.logs()).not.toContain(cookie.value);
    expect(passline.logs()).not.toContain(password);
  });

  it('lets a session use the Management API, but changes only with its CSRF token', async () => {
    const session = await signIn('ada', password, '10.0.0.3');
    const cookie = sessionCookie(session.headers).value;
    const csrf = session.json().csrfToken as string;

    expect((await asConsole('GET', '/api/connectors', cookie)).status).toBe(200);
    expect((await asConsole('GET', '/api/settings/verification', cookie)).status).toBe(200);

    const body = { name: 'from the console', scope: 'verify' };
    const noCsrf = await asConsole('POST', '/api/api-keys', cookie, { body });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('auth.csrf_invalid');
    const otherCsrf = await asConsole('POST', '/api/api-keys', cookie, { body, csrf: `${csrf.slice(0, -2)}xx` });
    expect(otherCsrf.status).toBe(403);
    const patch = await asConsole('PATCH', '/api/settings/verification', cookie, { body: { codeLength: 7 } });
    expect(patch.status).toBe(403);
    expect((await passline.request('GET', '/api/settings/verification')).body.codeLength).toBe(6);

    const created = await asConsole('POST', '/api/api-keys', cookie, { body, csrf });
    expect(created.status).toBe(201);
    expect((await asConsole('DELETE', `/api/api-keys/${created.body.apiKey.id}`, cookie, { csrf })).status).toBe(204);

    // Anything else is still refused, and API keys work as before.
    const nothing = await passline.request('GET', '/api/connectors', { key: null });
    expect(nothing.status).toBe(401);
    expect(nothing.body.error.code).toBe('auth.missing_credentials');
    const forged = await asConsole('GET', '/api/connectors', 'forged-session-token');
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('auth.session_invalid');
    expect((await passline.request('GET', '/api/connectors', { key: passline.verifyKey })).status).toBe(403);
    expect((await passline.request('GET', '/api/connectors')).status).toBe(200);
    // A console session is not a Verification API credential.
    const verify = await asConsole('POST', '/api/verifications', cookie, { body: { to: '+15551234567' }, csrf });
    expect(verify.status).toBe(401);
  });

  it('signs out (with the CSRF token only), after which the cookie is dead (on every instance)', async () => {
    const session = await signIn('ada', password, '10.0.0.4');
    const cookie = sessionCookie(session.headers).value;
    const csrf = session.json().csrfToken as string;
    expect((await asConsole('POST', '/api/admin/sign-out', cookie)).status).toBe(403);
    const out = await asConsole('POST', '/api/admin/sign-out', cookie, { csrf });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/passline_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await asConsole('GET', '/api/admin/session', cookie)).status).toBe(401);
    const elsewhere = await other.request('GET', '/api/connectors', {
      key: null,
      headers: { cookie: `passline_session=${cookie}` },
    });
    expect(elsewhere.status).toBe(401);
  });

  it('ends a session after 12 hours unused, and after 7 days however busy', async () => {
    now += 16 * 60 * 1000; // a fresh sign-in attempt window
    const start = now;
    const idle = sessionCookie((await signIn('ada', password, '10.0.0.5')).headers).value;
    const busy = sessionCookie((await signIn('ada', password, '10.0.0.5')).headers).value;
    const alive = async (cookie: string) => (await asConsole('GET', '/api/admin/session', cookie)).status === 200;
    now += 11 * hour;
    expect([await alive(idle), await alive(busy)]).toEqual([true, true]);
    now += 11 * hour;
    // Each was last seen 11 hours ago: both still alive.
    expect([await alive(idle), await alive(busy)]).toEqual([true, true]);
    now += 6 * hour;
    expect(await alive(busy)).toBe(true);
    now += 7 * hour;
    // 13 hours without a request ends the idle one.
    expect([await alive(idle), await alive(busy)]).toEqual([false, true]);

    // The busy one, seen every 11 hours, lives until the absolute limit of 7 days.
    while (now + 11 * hour < start + 7 * 24 * hour) {
      now += 11 * hour;
      expect(await alive(busy), `after ${(now - start) / hour} h`).toBe(true);
    }
    now += 11 * hour;
    const ended = await asConsole('GET', '/api/connectors', busy);
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('auth.session_invalid');
  });

  it('locks a guessing address out of one account, not the admin signing in from elsewhere', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await signIn('ada', `guess number ${attempt}`, '10.1.0.1')).statusCode).toBe(401);
    }
    // The guesser's address is locked for this account, even with the right password...
    const locked = await signIn('ada', password, '10.1.0.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('admin.too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // ...while the real admin, from their own address, is not.
    expect((await signIn('ada', password, '10.1.0.99')).statusCode).toBe(200);
    // Each step is a security event in the log, and no password typed is.
    const events = passline
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event?: string; username?: string | null; ip?: string });
    expect(events.filter((line) => line.event === 'admin.sign_in_failed' && line.ip === '10.1.0.1')).toHaveLength(3);
    expect(events.find((line) => line.event === 'admin.locked_out')).toMatchObject({ username: 'ada', ip: '10.1.0.1' });
    expect(events.filter((line) => line.event === 'admin.signed_in').at(-1)).toMatchObject({
      username: 'ada',
      ip: '10.1.0.99',
    });
    expect(passline.logs()).not.toContain('guess number');

    // One address trying many accounts hits the per-IP limit.
    for (let attempt = 0; attempt < 6; attempt++) {
      expect((await signIn(`user${attempt}`, password, '10.2.0.1')).statusCode).toBe(401);
    }
    expect((await signIn('someone-else', password, '10.2.0.1')).statusCode).toBe(429);

    now += 16 * 60 * 1000;
    expect((await signIn('ada', password, '10.1.0.1')).statusCode).toBe(200);
  });

  it('backs off slowly for an account guessed at from many addresses', async () => {
    await passline.adminAuth.createAdmin({ username: 'linus', password });
    for (let attempt = 0; attempt < 8; attempt++) {
      expect((await signIn('linus', `guess number ${attempt}`, `10.6.0.${attempt}`)).statusCode).toBe(401);
    }
    // The account-wide ceiling applies from every address, for its (longer) window.
    const ceiling = await signIn('linus', password, '10.6.1.1');
    expect(ceiling.statusCode).toBe(429);
    expect(Number(ceiling.headers['retry-after'])).toBeGreaterThan(15 * 60);
    now += 61 * 60 * 1000;
    expect((await signIn('linus', password, '10.6.1.1')).statusCode).toBe(200);
  });

  it('counts an IPv6 client per /64 network', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const address = `2001:db8:7:1::${attempt + 1}`;
      expect((await signIn('ada', `ipv6 guess ${attempt}`, address)).statusCode).toBe(401);
    }
    expect((await signIn('ada', password, '2001:db8:7:1:ffff::9')).statusCode).toBe(429);
    expect((await signIn('ada', password, '2001:db8:7:2::1')).statusCode).toBe(200);
  });

  it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
    const response = await other.app.inject({
      method: 'POST',
      url: '/api/admin/sign-in',
      payload: { username: 'ada', password },
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: '10.4.0.1',
    });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response.headers).attributes).toContain('secure');
  });

  it('creates admins from the CLI path, refusing a taken username', async () => {
    const created = await passline.adminAuth.createAdmin({ username: 'grace', password });
    expect(created.username).toBe('grace');
    await expect(passline.adminAuth.createAdmin({ username: 'Grace', password })).rejects.toMatchObject({
      code: 'admin.username_taken',
    });
    expect((await signIn('grace', password, '10.3.0.1')).statusCode).toBe(200);
  });
});
