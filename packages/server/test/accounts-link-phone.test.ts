import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('accounts: linking a phone number', (database) => {
  let passline: TestPassline;
  let reader: CodeReader;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('205');

  beforeAll(async () => {
    ({ passline, reader, client } = await startExperienceApp(database(), { clock }));
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  const sendLinkCode = (accessToken: string, phone: string) =>
    passline.request('POST', '/api/account/phone/verification-code', { key: accessToken, body: { phone } });
  const link = (accessToken: string, verificationId: string) =>
    passline.request('POST', '/api/account/phone', { key: accessToken, body: { verificationId } });

  async function verifiedLinkCode(accessToken: string, phone: string): Promise<string> {
    const sent = await sendLinkCode(accessToken, phone);
    expect(sent.status).toBe(200);
    const verified = await client.verify(sent.body.verificationId, await reader.next(phone));
    expect(verified.status).toBe(200);
    return sent.body.verificationId;
  }

  it('moves the account to a new number proven with a Generic code', async () => {
    const tokens = await client.register(freshPhone(), 'a fine password');
    const newPhone = freshPhone();
    const sent = await sendLinkCode(tokens.accessToken, newPhone);
    expect(Object.keys(sent.body).sort()).toEqual(['expiresAt', 'verificationId']);
    const code = await reader.next(newPhone);
    const [message] = await reader.outbox(newPhone);
    expect(message?.text).toBe(`Generic code ${code}`);
    expect((await client.verify(sent.body.verificationId, code)).status).toBe(200);

    const linked = await link(tokens.accessToken, sent.body.verificationId);
    expect(linked).toMatchObject({ status: 200, body: { phone: newPhone } });
    expect((await client.account(tokens.accessToken)).body.phone).toBe(newPhone);
    const signIn = await client.post('/api/experience/sign-in/password', {
      phone: newPhone,
      password: 'a fine password',
    });
    expect(signIn.body.user).toEqual({ id: tokens.user.id, phone: newPhone });
    // Used once.
    expect((await link(tokens.accessToken, sent.body.verificationId)).body.error.code).toBe(
      'verification.already_used',
    );
  });

  it('refuses, generically, a number that belongs to another account, after the code is proven', async () => {
    const owner = freshPhone();
    await client.register(owner);
    const tokens = await client.register(freshPhone());
    clock.advance(61_000);
    // The send answers like any other, so it does not tell who is registered.
    const verificationId = await verifiedLinkCode(tokens.accessToken, owner);
    const refused = await link(tokens.accessToken, verificationId);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'account.phone_unavailable',
      message: 'This number cannot be linked to your account.',
    });
    expect((await client.account(tokens.accessToken)).body.phone).toBe(tokens.user.phone);
  });

  it('binds the code to the account that asked for it and to its purpose', async () => {
    const alice = await client.register(freshPhone());
    const mallory = await client.register(freshPhone());
    const target = freshPhone();
    const verificationId = await verifiedLinkCode(alice.accessToken, target);
    const stolen = await link(mallory.accessToken, verificationId);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.code).toBe('experience.verification_mismatch');

    // A Generic code is no sign-in code, and a SignIn code links nothing.
    expect((await client.post('/api/experience/sign-in', { verificationId })).body.error.code).toBe(
      'experience.verification_mismatch',
    );
    clock.advance(61_000);
    const signInId = await client.verified(target, 'SignIn');
    expect((await link(alice.accessToken, signInId)).body.error.code).toBe('experience.verification_mismatch');
    expect((await link(alice.accessToken, verificationId)).status).toBe(200);
  });

  it('needs an access token, and a verified code', async () => {
    const noToken = await passline.request('POST', '/api/account/phone/verification-code', {
      key: null,
      body: { phone: freshPhone() },
    });
    expect(noToken.status).toBe(401);
    const tokens = await client.register(freshPhone());
    const phone = freshPhone();
    const sent = await sendLinkCode(tokens.accessToken, phone);
    const early = await link(tokens.accessToken, sent.body.verificationId);
    expect(early.body.error.code).toBe('experience.not_verified');
    const invalid = await sendLinkCode(tokens.accessToken, '12345');
    expect(invalid.body.error.code).toBe('phone.invalid');
  });
});
