import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('accounts: sign-in experience settings', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('206');
  const path = '/api/settings/sign-in-experience';

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
  });
  afterAll(() => passline.close());
  beforeEach(async () => {
    clock.advance(2 * 86_400_000);
    await passline.request('PATCH', path, { body: { phoneSignIn: true, signUp: true, password: true } });
  });

  it('defaults to everything on, and is admin-only', async () => {
    await passline.request('PATCH', path, { body: { signUp: false } });
    // Nothing stored (as on a new installation), once the 2 s cache has passed.
    await passline.storage.db.deleteFrom('settings').where('key', '=', 'sign-in-experience').execute();
    clock.advance(3000);
    expect((await passline.request('GET', path)).body).toEqual({ phoneSignIn: true, signUp: true, password: true });
    expect((await passline.request('GET', path, { key: null })).status).toBe(401);
    expect((await passline.request('GET', path, { key: passline.verifyKey })).status).toBe(403);
    expect((await passline.request('PATCH', path, { key: passline.verifyKey, body: { signUp: false } })).status).toBe(
      403,
    );
  });

  it('patches some fields, keeps the others, and refuses what makes no sense', async () => {
    const patched = await passline.request('PATCH', path, { body: { signUp: false } });
    expect(patched).toMatchObject({ status: 200, body: { phoneSignIn: true, signUp: false, password: true } });
    expect((await passline.request('GET', path)).body).toEqual(patched.body);
    const unknown = await passline.request('PATCH', path, { body: { socialSignIn: true } });
    expect(unknown.body.error.code).toBe('request.invalid');
    const wrongType = await passline.request('PATCH', path, { body: { signUp: 'yes' } });
    expect(wrongType.body.error.code).toBe('request.invalid');
    const nobody = await passline.request('PATCH', path, { body: { phoneSignIn: false, password: false } });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.code).toBe('settings.invalid');
    expect((await passline.request('GET', path)).body.phoneSignIn).toBe(true);
  });

  it('turns sign-up off: no Register codes, no registration', async () => {
    const phone = freshPhone();
    const verificationId = await client.verified(phone, 'Register');
    await passline.request('PATCH', path, { body: { signUp: false } });
    const send = await client.send(freshPhone(), 'Register');
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('experience.registration_disabled');
    const register = await client.post('/api/experience/register', { verificationId });
    expect(register.body.error.code).toBe('experience.registration_disabled');
  });

  it('turns phone sign-in off: no SignIn codes, no sign-in by code, passwords still work', async () => {
    const phone = freshPhone();
    await client.register(phone, 'a fine password');
    clock.advance(61_000);
    const verificationId = await client.verified(phone, 'SignIn');
    await passline.request('PATCH', path, { body: { phoneSignIn: false } });
    expect((await client.send(phone, 'SignIn')).body.error.code).toBe('experience.phone_sign_in_disabled');
    const signIn = await client.post('/api/experience/sign-in', { verificationId });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe('experience.phone_sign_in_disabled');
    const password = await client.post('/api/experience/sign-in/password', { phone, password: 'a fine password' });
    expect(password.status).toBe(200);
  });

  it('turns passwords off: no password sign-in, no reset, no password at registration', async () => {
    const phone = freshPhone();
    await client.register(phone, 'a fine password');
    await passline.request('PATCH', path, { body: { password: false } });
    const signIn = await client.post('/api/experience/sign-in/password', { phone, password: 'a fine password' });
    expect(signIn.body.error.code).toBe('experience.password_disabled');
    clock.advance(61_000);
    expect((await client.send(phone, 'ForgotPassword')).body.error.code).toBe('experience.password_disabled');
    const verificationId = await client.verified(freshPhone(), 'Register');
    const register = await client.post('/api/experience/register', { verificationId, password: 'a fine password' });
    expect(register.status).toBe(403);
    expect(register.body.error.code).toBe('experience.password_disabled');
    expect((await client.post('/api/experience/register', { verificationId })).status).toBe(201);
  });
});
