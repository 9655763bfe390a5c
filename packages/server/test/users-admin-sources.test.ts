import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createPasslineSessionSource } from '../src/accounts/user-admin/passline-sessions.ts';
import { createUserAdmin, type UserAdmin } from '../src/accounts/user-admin/user-admin-service.ts';
import type { UserSessionRecord, UserSessionSource } from '../src/accounts/user-admin/user-session-source.ts';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

/**
 * The users admin over several session sources, as main.ts wires it once OpenID Connect adds its
 * own: a second source here stands for the applications' grants, and records what was asked of it.
 */
describeEachEngine('users admin: sessions from every source', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  let userAdmin: UserAdmin;
  const clock = manualClock();
  const freshPhone = phoneSequence('307');
  const calls: string[] = [];
  let grants: UserSessionRecord[] = [];

  /** Answers `grants`; ending them checks the user still exists, as a source without a foreign key needs. */
  const applicationSource: UserSessionSource = {
    async list(userId) {
      calls.push(`list ${userId}`);
      return grants;
    },
    async revokeAll(userId) {
      const user = await passline.storage.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      calls.push(`revokeAll ${userId}${user ? '' : ' (already deleted)'}`);
      const ended = grants.length;
      grants = [];
      return ended;
    },
  };

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
    const { db } = passline.storage;
    userAdmin = createUserAdmin({
      db,
      clock,
      sessionSources: [createPasslineSessionSource({ db, clock }), applicationSource],
    });
  });
  afterAll(() => passline.close());
  beforeEach(() => {
    clock.advance(2 * 86_400_000);
    calls.length = 0;
  });

  const grant = (lastUsedAt: number): UserSessionRecord => ({
    id: `grant-${lastUsedAt}`,
    kind: 'application',
    application: { id: 'app_1', name: 'Shop' },
    createdAt: lastUsedAt - 1000,
    lastUsedAt,
    expiresAt: null,
  });

  it('merges the sources, most recently used first, and sums what revoking ended', async () => {
    const registered = await client.register(freshPhone());
    const registeredAt = clock.now();
    clock.advance(60_000);
    grants = [grant(clock.now() + 10_000), grant(registeredAt - 5000)];

    const details = await userAdmin.get(registered.user.id);
    expect(details.sessions.map((session) => [session.kind, session.lastUsedAt])).toEqual([
      ['application', new Date(registeredAt + 70_000).toISOString()],
      ['passline', new Date(registeredAt).toISOString()],
      ['application', new Date(registeredAt - 5000).toISOString()],
    ]);
    expect(details.sessions[0]).toMatchObject({ application: { id: 'app_1', name: 'Shop' }, expiresAt: null });

    expect(await userAdmin.revokeSessions(registered.user.id)).toEqual({ revoked: 3 });
    expect((await userAdmin.get(registered.user.id)).sessions).toEqual([]);
  });

  it('ends sessions in every source when suspending, and in none when reinstating', async () => {
    const registered = await client.register(freshPhone());
    grants = [grant(clock.now())];
    expect(await userAdmin.setSuspended(registered.user.id, true)).toMatchObject({ suspended: true });
    expect(calls).toEqual([`revokeAll ${registered.user.id}`]);
    expect((await client.refresh(registered.refreshToken)).status).toBe(400);

    calls.length = 0;
    expect(await userAdmin.setSuspended(registered.user.id, false)).toMatchObject({ suspended: false });
    expect(calls).toEqual([]);
  });

  it('ends sessions in every source before deleting the user', async () => {
    const registered = await client.register(freshPhone());
    grants = [grant(clock.now())];
    await userAdmin.delete(registered.user.id);
    expect(calls).toEqual([`revokeAll ${registered.user.id}`]);
    expect(grants).toEqual([]);
    await expect(userAdmin.get(registered.user.id)).rejects.toMatchObject({ code: 'user.not_found' });
  });

  it('asks no source about an unknown user', async () => {
    for (const attempt of [
      () => userAdmin.get('usr_unknown'),
      () => userAdmin.setSuspended('usr_unknown', true),
      () => userAdmin.delete('usr_unknown'),
      () => userAdmin.revokeSessions('usr_unknown'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'user.not_found', status: 404 });
    }
    expect(calls).toEqual([]);
  });
});
