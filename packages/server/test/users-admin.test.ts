import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

const day = 86_400_000;

describeEachEngine('users admin API: list, search, details, suspend, sign out everywhere, delete', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('305');

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
  });
  afterAll(() => passline.close());
  // Fresh send limits for every test.
  beforeEach(() => clock.advance(2 * day));

  /** A new account, one second after the previous one, so the list's order is known. */
  async function register(password?: string) {
    clock.advance(1000);
    return client.register(freshPhone(), password);
  }
  /** Another session for the same user: a sign-in by code. */
  async function signIn(phone: string) {
    clock.advance(61_000);
    const signedIn = await client.post('/api/experience/sign-in', {
      verificationId: await client.verified(phone, 'SignIn'),
    });
    expect(signedIn.status).toBe(200);
    return signedIn.body as { refreshToken: string };
  }
  const users = (query = '') => passline.request('GET', `/api/users${query}`);
  const details = (id: string) => passline.request('GET', `/api/users/${id}`);
  const suspend = (id: string, suspended: boolean) =>
    passline.request('PATCH', `/api/users/${id}`, { body: { suspended } });
  const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id);
  const iso = (epochMs: number) => new Date(epochMs).toISOString();

  it('lists users newest first and pages through all of them, ties included', async () => {
    const first = await register();
    const second = await register('a good password 1');
    const secondAt = clock.now();
    const third = await register();
    // Two accounts in the same millisecond: the id orders them, and paging neither skips nor repeats.
    const tiedA = await register();
    const tiedB = await client.register(freshPhone());
    const tied = [tiedA.user.id, tiedB.user.id];

    const head = await users('?limit=2');
    expect(head.status).toBe(200);
    expect([...ids(head.body)].sort()).toEqual([...tied].sort());
    expect(head.body.nextCursor).toEqual(expect.any(String));
    const next = await users(`?limit=2&cursor=${head.body.nextCursor}`);
    expect(ids(next.body)).toEqual([third.user.id, second.user.id]);
    expect(next.body.items[1]).toEqual({
      id: second.user.id,
      phone: second.user.phone,
      hasPassword: true,
      suspended: false,
      createdAt: iso(secondAt),
      updatedAt: iso(secondAt),
      lastSignInAt: iso(secondAt),
    });
    expect(next.body.items[0].hasPassword).toBe(false);

    const walked: string[] = [];
    for (let cursor = ''; ; ) {
      const page = await users(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      walked.push(...ids(page.body));
      if (!page.body.nextCursor) break;
      cursor = page.body.nextCursor;
    }
    // The database's own order (its collation decides between the tied ids), each row once.
    const all = await passline.storage.db
      .selectFrom('users')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(walked).toEqual(all.map((row) => row.id));
    expect(walked.slice(0, 2)).toEqual(ids(head.body));
    expect(walked.slice(2, 5)).toEqual([third.user.id, second.user.id, first.user.id]);
    // The default page holds them all, and says there is no next one.
    const whole = await users();
    expect(whole.body.nextCursor).toBeNull();
    expect(ids(whole.body)).toEqual(walked);
  });

  it('refuses a cursor it did not hand out and a limit out of range', async () => {
    for (const query of ['?cursor=bm90LWEtY3Vyc29y', '?cursor=%5B1%2C2%5D', '?limit=0', '?limit=101', '?sort=id']) {
      const refused = await users(query);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code, query).toBe('request.invalid');
    }
  });

  it('finds users by the digits of their number however they are written, or by exact id', async () => {
    const alice = await register();
    const bob = await register();
    const national = alice.user.phone.slice(2); // +1 3055551234 → 3055551234
    const written = `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    expect(ids((await users(`?search=${encodeURIComponent(written)}`)).body)).toEqual([alice.user.id]);
    expect(ids((await users(`?search=${encodeURIComponent(`+1.${national}`)}`)).body)).toEqual([alice.user.id]);
    // Part of a number matches every number containing it, newest first.
    const shared = (await users(`?search=${encodeURIComponent(national.slice(0, 6))}`)).body;
    expect(ids(shared).slice(0, 2)).toEqual([bob.user.id, alice.user.id]);
    expect(shared.items.every((user: { phone: string }) => user.phone.includes(national.slice(0, 6)))).toBe(true);

    expect(ids((await users(`?search=${alice.user.id}`)).body)).toEqual([alice.user.id]);
    // An id is matched exactly, never as a prefix.
    expect(ids((await users(`?search=${alice.user.id.slice(0, -1)}`)).body)).toEqual([]);
    // LIKE's wildcards are plain characters here.
    for (const wildcard of ['%', '_', '305%1', '3_5']) {
      expect(ids((await users(`?search=${encodeURIComponent(wildcard)}`)).body), wildcard).toEqual([]);
    }
    expect(ids((await users('?search=49170')).body)).toEqual([]);
    // Only separators: no search at all.
    expect((await users(`?search=${encodeURIComponent(' - ')}`)).body.items.length).toBeGreaterThan(1);
  });

  it('shows a user with their live sessions, most recently used first', async () => {
    const registered = await register('a good password 1');
    const registeredAt = clock.now();
    clock.advance(5000);
    const refreshed = await client.refresh(registered.refreshToken);
    expect(refreshed.status).toBe(200);
    const refreshedAt = clock.now();
    const second = await signIn(registered.user.phone);
    const signedInAt = clock.now();
    // A signed-out session is not listed.
    const third = await signIn(registered.user.phone);
    expect((await client.post('/api/token/revoke', { token: third.refreshToken })).status).toBe(204);
    expect(second.refreshToken).toEqual(expect.any(String));

    const shown = await details(registered.user.id);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: registered.user.id, phone: registered.user.phone, hasPassword: true });
    expect(shown.body.sessions).toEqual([
      {
        id: expect.stringMatching(/^fam_/),
        kind: 'passline',
        application: null,
        createdAt: iso(signedInAt),
        lastUsedAt: iso(signedInAt),
        expiresAt: iso(signedInAt + 30 * day),
      },
      {
        id: expect.stringMatching(/^fam_/),
        kind: 'passline',
        application: null,
        createdAt: iso(registeredAt),
        lastUsedAt: iso(refreshedAt),
        expiresAt: iso(refreshedAt + 30 * day),
      },
    ]);
    // Expired sessions are gone from the list without anyone revoking them.
    clock.advance(30 * day);
    expect((await details(registered.user.id)).body.sessions).toEqual([]);
  });

  it('suspends a user: every session ends; reinstating starts none', async () => {
    const registered = await register();
    const other = await register();
    await signIn(registered.user.phone);
    const suspendedAt = clock.now() + 1000;
    clock.advance(1000);

    const suspended = await suspend(registered.user.id, true);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ id: registered.user.id, suspended: true, updatedAt: iso(suspendedAt) });
    expect((await details(registered.user.id)).body).toMatchObject({ suspended: true, sessions: [] });
    const refused = await client.refresh(registered.refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('token.invalid_grant');
    // Suspending again changes nothing, not even the time.
    clock.advance(1000);
    expect((await suspend(registered.user.id, true)).body).toMatchObject({ updatedAt: iso(suspendedAt) });
    const stored = await passline.storage.db
      .selectFrom('users')
      .select('suspended_at')
      .where('id', '=', registered.user.id)
      .executeTakeFirstOrThrow();
    expect(stored.suspended_at).toBe(suspendedAt);
    // Other users keep their sessions.
    expect((await client.refresh(other.refreshToken)).status).toBe(200);

    const reinstated = await suspend(registered.user.id, false);
    expect(reinstated.body).toMatchObject({ suspended: false, updatedAt: iso(clock.now()) });
    expect((await client.refresh(registered.refreshToken)).status).toBe(400);
    expect((await details(registered.user.id)).body.suspended).toBe(false);

    for (const body of [{ suspended: 'yes' }, { suspended: true, phone: '+1' }, {}]) {
      const invalid = await passline.request('PATCH', `/api/users/${registered.user.id}`, { body });
      expect(invalid.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('signs a user out everywhere and says how many sessions ended', async () => {
    const registered = await register();
    const other = await register();
    const second = await signIn(registered.user.phone);
    const revoke = (id: string) => passline.request('POST', `/api/users/${id}/sessions/revoke`);

    expect((await revoke(registered.user.id)).body).toEqual({ revoked: 2 });
    for (const token of [registered.refreshToken, second.refreshToken]) {
      expect((await client.refresh(token)).body.error.code).toBe('token.invalid_grant');
    }
    expect((await revoke(registered.user.id)).body).toEqual({ revoked: 0 });
    expect((await details(registered.user.id)).body).toMatchObject({ suspended: false, sessions: [] });
    expect((await client.refresh(other.refreshToken)).status).toBe(200);
    // Not suspended: the user signs in again.
    await signIn(registered.user.phone);
    expect((await details(registered.user.id)).body.sessions).toHaveLength(1);
  });

  it('deletes a user with their sessions and phone-linking codes; the number can sign up again', async () => {
    const registered = await register();
    // A pending phone change leaves a verification tied to the user.
    const linking = await passline.request('POST', '/api/account/phone/verification-code', {
      key: registered.accessToken,
      body: { phone: freshPhone() },
    });
    expect(linking.status).toBe(200);
    const db = passline.storage.db;
    const linked = () =>
      db.selectFrom('experience_verifications').select('verification_id').where('user_id', '=', registered.user.id);
    expect(await linked().execute()).toHaveLength(1);

    const deleted = await passline.request('DELETE', `/api/users/${registered.user.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await details(registered.user.id)).status).toBe(404);
    expect((await client.refresh(registered.refreshToken)).body.error.code).toBe('token.invalid_grant');
    expect(await linked().execute()).toEqual([]);
    const tokens = await db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', registered.user.id)
      .execute();
    expect(tokens).toEqual([]);
    expect(ids((await users(`?search=${registered.user.id}`)).body)).toEqual([]);

    clock.advance(61_000);
    const again = await client.register(registered.user.phone);
    expect(again.user.id).not.toBe(registered.user.id);
  });

  it('answers 404 user.not_found for an unknown id on every route', async () => {
    const unknown = 'usr_nobody';
    for (const [method, url, body] of [
      ['GET', `/api/users/${unknown}`, undefined],
      ['PATCH', `/api/users/${unknown}`, { suspended: true }],
      ['DELETE', `/api/users/${unknown}`, undefined],
      ['POST', `/api/users/${unknown}/sessions/revoke`, undefined],
    ] as const) {
      const answer = await passline.request(method, url, { body });
      expect(answer.status, `${method} ${url}`).toBe(404);
      expect(answer.body.error.code).toBe('user.not_found');
    }
  });

  it('needs an admin key on every route', async () => {
    const { user } = await register();
    for (const [method, url, body] of [
      ['GET', '/api/users', undefined],
      ['GET', `/api/users/${user.id}`, undefined],
      ['PATCH', `/api/users/${user.id}`, { suspended: true }],
      ['DELETE', `/api/users/${user.id}`, undefined],
      ['POST', `/api/users/${user.id}/sessions/revoke`, undefined],
    ] as const) {
      const anonymous = await passline.request(method, url, { key: null, body });
      expect(anonymous.status, `${method} ${url}`).toBe(401);
      const verifyKey = await passline.request(method, url, { key: passline.verifyKey, body });
      expect(verifyKey.status, `${method} ${url}`).toBe(403);
    }
    // Nothing happened to the user.
    expect((await details(user.id)).body).toMatchObject({ suspended: false, sessions: [expect.anything()] });
  });
});
