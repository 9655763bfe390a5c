import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import {
  rejection,
  startTwilioVerifyPassline,
  type TwilioClient,
  twilio,
  twilioClientFor,
} from './twilio-verify-helpers.ts';

const freshPhone = phoneSequence('202');

describeEachEngine('Twilio Verify-compatible API with the twilio SDK', (database) => {
  let passline: TestPassline;
  let dev: Awaited<ReturnType<typeof startTwilioVerifyPassline>>['dev'];
  let clock: Awaited<ReturnType<typeof startTwilioVerifyPassline>>['clock'];
  let url: string;
  let client: TwilioClient;
  let accountSid: string;
  let serviceSid: string;

  beforeAll(async () => {
    ({ passline, dev, clock, url } = await startTwilioVerifyPassline(database()));
    ({ client, accountSid } = await twilioClientFor(passline, url));
    serviceSid = (await client.verify.v2.services.create({ friendlyName: 'Acme', codeLength: 8 })).sid;
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000)); // fresh send windows for every test

  const service = () => client.verify.v2.services(serviceSid);
  const wrongCode = (code: string) => (code[0] === '1' ? `2${code.slice(1)}` : `1${code.slice(1)}`);

  it('runs the whole lifecycle: send, wrong code, right code, then the verification is gone', async () => {
    const to = freshPhone();
    const sent = await service().verifications.create({ to, channel: 'sms' });
    expect(sent.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(sent).toMatchObject({ serviceSid, accountSid, to, channel: 'sms', status: 'pending', valid: false });
    expect(sent.sendCodeAttempts).toHaveLength(1);
    expect(sent.sendCodeAttempts[0]).toMatchObject({
      channel: 'sms',
      attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/),
    });
    expect(sent.dateCreated).toBeInstanceOf(Date);
    expect(sent.dateCreated.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000);
    expect(sent.url).toBe(`${url}/v2/Services/${serviceSid}/Verifications/${sent.sid}`);

    const code = await dev.latestCode(to);
    expect(code).toHaveLength(8); // the service's CodeLength
    expect(JSON.stringify(sent.toJSON())).not.toContain(code);

    const wrong = await service().verificationChecks.create({ to, code: wrongCode(code) });
    expect(wrong).toMatchObject({ sid: sent.sid, status: 'pending', valid: false, to });
    const right = await service().verificationChecks.create({ to, code });
    expect(right).toMatchObject({ sid: sent.sid, status: 'approved', valid: true, serviceSid, accountSid });
    expect(JSON.stringify(right.toJSON())).not.toContain(code);
    // dev-sms writes its messages to the log by design (it stands in for the phone); nothing else may.
    const logs = passline
      .logs()
      .split('\n')
      .filter((line) => !line.includes('dev-sms message'));
    expect(logs.join('\n')).not.toContain(code);

    const gone = await rejection(service().verifications(sent.sid).fetch());
    expect(gone).toMatchObject({ status: 404, code: 20404 });
    expect(gone).toBeInstanceOf(twilio.RestException);
    expect(gone.moreInfo).toBe('https://www.twilio.com/docs/errors/20404');
    const checkedAgain = await rejection(service().verificationChecks.create({ to, code }));
    expect(checkedAgain).toMatchObject({ status: 404, code: 20404 });
  });

  it('fetches a pending verification by SID and by number, and cancels it', async () => {
    const to = freshPhone();
    const sent = await service().verifications.create({ to, channel: 'sms' });
    expect((await service().verifications(sent.sid).fetch()).status).toBe('pending');
    expect((await service().verifications(to).fetch()).sid).toBe(sent.sid);

    const canceled = await service().verifications(sent.sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: sent.sid, status: 'canceled', valid: false });
    expect(await rejection(service().verifications(sent.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    const code = await dev.latestCode(to);
    expect(await rejection(service().verificationChecks.create({ verificationSid: sent.sid, code }))).toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('approves through an update, by number', async () => {
    const to = freshPhone();
    const sent = await service().verifications.create({ to, channel: 'sms' });
    const approved = await service().verifications(to).update({ status: 'approved' });
    expect(approved).toMatchObject({ sid: sent.sid, status: 'approved', valid: true });
    expect(await rejection(service().verifications(sent.sid).fetch())).toMatchObject({ status: 404 });
  });

  it('keeps the VE SID on a resend, lists each send, and only the newest code approves', async () => {
    const to = freshPhone();
    const first = await service().verifications.create({ to, channel: 'sms', locale: 'en' });
    const firstCode = await dev.latestCode(to);
    clock.advance(61_000); // past the resend cooldown
    const second = await service().verifications.create({ to, channel: 'sms' });
    expect(second.sid).toBe(first.sid);
    expect(second.sendCodeAttempts).toHaveLength(2);
    expect(second.sendCodeAttempts[1].attempt_sid).not.toBe(second.sendCodeAttempts[0].attempt_sid);
    const secondCode = await dev.latestCode(to);
    if (secondCode !== firstCode) {
      // Passline cannot resend the same code (it keeps only HMACs): the old one is dead.
      const old = await service().verificationChecks.create({ verificationSid: first.sid, code: firstCode });
      expect(old).toMatchObject({ status: 'pending', valid: false });
    }
    const checked = await service().verificationChecks.create({ verificationSid: first.sid, code: secondCode });
    expect(checked).toMatchObject({ sid: first.sid, status: 'approved', valid: true });

    // Once approved, the next send starts a new verification.
    clock.advance(61_000);
    const third = await service().verifications.create({ to, channel: 'sms' });
    expect(third.sid).not.toBe(first.sid);
    expect(third.sendCodeAttempts).toHaveLength(1);
  });

  it('answers 60202 after too many wrong checks', async () => {
    const to = freshPhone();
    const sent = await service().verifications.create({ to, channel: 'sms' });
    const code = await dev.latestCode(to);
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await service().verificationChecks.create({ verificationSid: sent.sid, code: wrongCode(code) });
      expect(wrong).toMatchObject({ status: 'pending', valid: false });
    }
    const blocked = await rejection(service().verificationChecks.create({ verificationSid: sent.sid, code }));
    expect(blocked).toMatchObject({ status: 429, code: 60202, message: 'Max check attempts reached' });
  });

  it('answers 60203 when Passline refuses a send (resend cooldown, hourly cap)', async () => {
    const to = freshPhone();
    await service().verifications.create({ to, channel: 'sms' });
    const tooSoon = await rejection(service().verifications.create({ to, channel: 'sms' }));
    expect(tooSoon).toMatchObject({ status: 429, code: 60203 });
    expect(tooSoon.message).toMatch(/^Max send attempts reached/);
  });

  it('refuses bad credentials with 401 / 20003', async () => {
    const wrongKey = twilio(accountSid, 'pl_not_a_key_at_all');
    wrongKey.verify.baseUrl = url;
    expect(await rejection(wrongKey.verify.v2.services(serviceSid).fetch())).toMatchObject({
      status: 401,
      code: 20003,
    });
    const other = await twilioClientFor(passline, url, 'other app');
    const wrongSid = twilio(accountSid, other.key);
    wrongSid.verify.baseUrl = url;
    expect(await rejection(wrongSid.verify.v2.services.list())).toMatchObject({ status: 401, code: 20003 });
    const response = await fetch(`${url}/v2/Services`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it("hides another account's services (404 / 20404)", async () => {
    const other = await twilioClientFor(passline, url, 'someone else');
    const otherService = other.client.verify.v2.services(serviceSid);
    expect(await rejection(otherService.fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await rejection(otherService.verifications.create({ to: freshPhone(), channel: 'sms' }))).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await rejection(otherService.remove())).toMatchObject({ status: 404, code: 20404 });
    expect((await other.client.verify.v2.services.list()).map((s) => s.sid)).not.toContain(serviceSid);
  });

  it('names the bad parameter with 60200 (or 60223 for another channel)', async () => {
    const shortCode = await rejection(client.verify.v2.services.create({ friendlyName: 'x', codeLength: 3 }));
    expect(shortCode).toMatchObject({ status: 400, code: 60200 });
    expect(shortCode.message).toContain('Invalid parameter `CodeLength`');
    const badTo = await rejection(service().verifications.create({ to: '12345', channel: 'sms' }));
    expect(badTo).toMatchObject({ status: 400, code: 60200 });
    expect(badTo.message).toMatch(/^Invalid parameter `To`/);
    const call = await rejection(service().verifications.create({ to: freshPhone(), channel: 'call' }));
    expect(call).toMatchObject({ status: 400, code: 60223 });
    const noTarget = await rejection(service().verificationChecks.create({ code: '123456' }));
    expect(noTarget).toMatchObject({ status: 400, code: 60200 });
    const notASid = await rejection(
      service().verificationChecks.create({ verificationSid: freshPhone(), code: '123456' }),
    );
    expect(notASid).toMatchObject({ status: 404, code: 20404 });
    const badCode = await rejection(service().verificationChecks.create({ to: freshPhone(), code: 'abc' }));
    expect(badCode.message).toContain('Invalid parameter `Code`');
    const badStatus = await rejection(
      service()
        .verifications(freshPhone())
        .update({ status: 'pending' as 'canceled' }),
    );
    expect(badStatus).toMatchObject({ status: 400, code: 60200 });
  });

  it('creates, pages through, updates and deletes services', async () => {
    const own = await twilioClientFor(passline, url, 'paging app');
    const services = own.client.verify.v2.services;
    const [one, two] = [await services.create({ friendlyName: 'One' }), await services.create({ friendlyName: 'Two' })];
    await services.create({ friendlyName: 'Three' });
    expect(one).toMatchObject({ friendlyName: 'One', codeLength: 6, accountSid: own.accountSid });
    expect(one.url).toBe(`${url}/v2/Services/${one.sid}`);

    const page = await services.page({ pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    expect(page.nextPageUrl).toBe(`${url}/v2/Services?PageSize=2&Page=1`);
    const listed = await services.list({ pageSize: 2 }); // follows next_page_url
    expect(listed.map((s) => s.friendlyName).sort()).toEqual(['One', 'Three', 'Two']);

    const updated = await services(two.sid).update({ friendlyName: 'Deux', codeLength: 4 });
    expect(updated).toMatchObject({ sid: two.sid, friendlyName: 'Deux', codeLength: 4 });
    expect(await services(two.sid).remove()).toBe(true);
    expect(await rejection(services(two.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await services.list()).toHaveLength(2);
  });

  it('answers sends with JSON that never carries the code', async () => {
    const to = freshPhone();
    const { key } = await passline.apiKeys.create({ name: 'raw', scope: 'verify' });
    const { accountSid: rawSid } = (await passline.apiKeys.list()).find((k) => k.name === 'raw') as {
      accountSid: string;
    };
    const authorization = `Basic ${Buffer.from(`${rawSid}:${key}`).toString('base64')}`;
    const created = await fetch(`${url}/v2/Services`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ FriendlyName: 'Raw' }),
    });
    const rawService = (await created.json()) as { sid: string };
    const sent = await fetch(`${url}/v2/Services/${rawService.sid}/Verifications`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, Channel: 'sms', CustomFriendlyName: 'Acme', RateLimits: '{"a":1}' }),
    });
    expect(sent.status).toBe(201);
    const text = await sent.text();
    expect(text).not.toContain(await dev.latestCode(to));
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(
      [
        'account_sid',
        'amount',
        'channel',
        'date_created',
        'date_updated',
        'lookup',
        'payee',
        'send_code_attempts',
        'service_sid',
        'sid',
        'sna',
        'status',
        'to',
        'url',
        'valid',
      ].sort(),
    );
  });
});
