import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('accounts: suspension stops every sign-in route, and sign-ins are recorded', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('206');

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
    await passline.request('PATCH', '/api/settings/sign-in-experience', {
      body: { phoneSignIn: true, signUp: true, password: true },
    });
  });
  afterAll(() => passline.close());
  // Past the resend cooldown and the per-number limits between tests.
  beforeEach(() => clock.advance(2 * 86_400_000));

  const user = (id: string) => passline.request('GET', `/api/users/${id}`);
  const suspend = (id: string, suspended: boolean) =>
    passline.request('PATCH', `/api/users/${id}`, { body: { suspended } });

  it('records the last sign-in of a registration, a code sign-in and a password sign-in', async () => {
    const phone = freshPhone();
    const registered = await client.register(phone, 'a good password');
    expect((await user(registered.user.id)).body.lastSignInAt).toBe(new Date(clock.now()).toISOString());

    clock.advance(3_600_000);
    const verificationId = await client.verified(phone, 'SignIn');
    expect((await client.post('/api/experience/sign-in', { verificationId })).status).toBe(200);
    expect((await user(registered.user.id)).body.lastSignInAt).toBe(new Date(clock.now()).toISOString());

    clock.advance(3_600_000);
    const withPassword = await client.post('/api/experience/sign-in/password', { phone, password: 'a good password' });
    expect(withPassword.status).toBe(200);
    expect((await user(registered.user.id)).body.lastSignInAt).toBe(new Date(clock.now()).toISOString());

    // A refresh is not a sign-in.
    clock.advance(3_600_000);
    expect((await client.refresh(withPassword.body.refreshToken)).status).toBe(200);
    expect((await user(registered.user.id)).body.lastSignInAt).toBe(new Date(clock.now() - 3_600_000).toISOString());
  });

  it('refuses a suspended account at code sign-in, password sign-in and refresh, without spending the code', async () => {
    const phone = freshPhone();
    const registered = await client.register(phone, 'a good password');
    expect((await suspend(registered.user.id, true)).body.suspended).toBe(true);

    clock.advance(61_000);
    const verificationId = await client.verified(phone, 'SignIn');
    const byCode = await client.post('/api/experience/sign-in', { verificationId });
    expect(byCode.status).toBe(403);
    expect(byCode.body.error.code).toBe('account.suspended');

    const byPassword = await client.post('/api/experience/sign-in/password', { phone, password: 'a good password' });
    expect(byPassword.status).toBe(403);
    expect(byPassword.body.error.code).toBe('account.suspended');
    // A wrong password says nothing about suspension.
    const wrong = await client.post('/api/experience/sign-in/password', { phone, password: 'not the password' });
    expect(wrong.body.error.code).toBe('experience.invalid_credentials');

    // The access token still inside its 15 minutes reads nothing and cannot re-authenticate.
    const account = await client.account(registered.accessToken);
    expect(account.status).toBe(403);
    expect(account.body.error.code).toBe('account.suspended');
    const reauth = await passline.request('POST', '/api/account/reauthentication', {
      key: registered.accessToken,
      body: { password: 'a good password' },
    });
    expect(reauth.body.error.code).toBe('account.suspended');

    const refreshed = await client.refresh(registered.refreshToken);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error.code).toBe('token.invalid_grant');

    // Nothing was half-done: once unsuspended, the same verified code signs in.
    await suspend(registered.user.id, false);
    const after = await client.post('/api/experience/sign-in', { verificationId });
    expect(after.status).toBe(200);
    expect(after.body.user.id).toBe(registered.user.id);
  });
});
