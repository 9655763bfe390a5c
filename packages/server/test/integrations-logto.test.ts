import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

/** What this test uses of Logto's HTTP SMS connector (the package ships JavaScript without types). */
interface LogtoSmsConnector {
  sendMessage(data: { to: string; type: string; payload: Record<string, unknown>; ip?: string }): Promise<unknown>;
}
type CreateConnector = (options: { getConfig: (id: string) => Promise<unknown> }) => Promise<LogtoSmsConnector>;

// Logto's own connector package drives Passline over real HTTP, as a Logto server would.
const logtoPackage = '@logto/connector-http-sms';
const createConnector = ((await import(logtoPackage)) as { default: CreateConnector }).default;

describeEachEngine('Logto HTTP SMS connector → Passline', (database) => {
  let passline: TestPassline;
  let endpoint = '';
  let relayKey = '';
  const freshPhone = phoneSequence('402');

  const connectorWith = (authorization: string | undefined) =>
    createConnector({ getConfig: async () => ({ endpoint, ...(authorization ? { authorization } : {}) }) });
  const outbox = async (to: string) =>
    (await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`)).body as Array<{ text: string }>;
  /** The connector's error: Logto's ConnectorError carries Passline's answer body as `data.message`. */
  const failure = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as { code?: string; data?: { message?: string } } | undefined;
    expect(error?.code, 'the send should have failed with a ConnectorError').toBe('general');
    return JSON.parse(String(error?.data?.message)) as { error: { code: string; message: string } };
  };

  beforeAll(async () => {
    passline = await startTestPassline(database());
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    endpoint = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}/api/integrations/logto/sms`;
    await useDevSms(passline);
    relayKey = (await passline.apiKeys.create({ name: 'logto', scope: 'relay' })).key;
  });
  afterAll(async () => passline?.close());

  it('delivers the code Logto sends with the template of its type, to a number without the +', async () => {
    const phone = freshPhone();
    const connector = await connectorWith(`Bearer ${relayKey}`);
    await connector.sendMessage({ to: phone.slice(1), type: 'SignIn', payload: { code: '481516', locale: 'en' } });
    expect((await outbox(phone)).map((message) => message.text)).toEqual(['SignIn code 481516']);

    const registering = freshPhone();
    await connector.sendMessage({ to: registering, type: 'Register', payload: { code: '234234' }, ip: '203.0.113.9' });
    expect((await outbox(registering))[0]?.text).toBe('Register code 234234');

    const messages = await passline.request('GET', '/api/messages?limit=5');
    const logged = messages.body.items.filter((entry: { usage: string }) => entry.usage === 'Register');
    expect(logged[0]).toMatchObject({ status: 'sent', factoryId: 'dev-sms', verificationId: null });
    expect(JSON.stringify(messages.body)).not.toContain('234234');
  });

  it('sends every other Logto type (and unknown ones) with the Generic template', async () => {
    const connector = await connectorWith(`Bearer ${relayKey}`);
    for (const type of ['Generic', 'Test', 'MfaVerification', 'BindMfa', 'UserPermissionValidation', 'SomethingNew']) {
      const phone = freshPhone();
      await connector.sendMessage({ to: phone, type, payload: { code: '777001' } });
      expect((await outbox(phone))[0]?.text, type).toBe('Generic code 777001');
    }
  });

  it('answers the resend cooldown as an error Logto reports, and sends nothing more', async () => {
    const phone = freshPhone();
    const connector = await connectorWith(`Bearer ${relayKey}`);
    await connector.sendMessage({ to: phone, type: 'SignIn', payload: { code: '100001' } });
    const refused = await failure(connector.sendMessage({ to: phone, type: 'SignIn', payload: { code: '100002' } }));
    expect(refused.error.code).toBe('rate_limit.resend_cooldown');
    expect((await outbox(phone)).map((message) => message.text)).toEqual(['SignIn code 100001']);
  });

  it("applies protection: a code to a blocked country is refused, and Logto reports Passline's reason", async () => {
    const blocked = await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: ['GB'] } });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    try {
      const connector = await connectorWith(`Bearer ${relayKey}`);
      const refused = await failure(
        connector.sendMessage({ to: '447400123458', type: 'SignIn', payload: { code: '909090' } }),
      );
      expect(refused.error.code).toBe('fraud.country_blocked');
      expect(await outbox('+447400123458')).toEqual([]);
    } finally {
      await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: [] } });
    }
  });

  it('takes relay and admin keys only, and a relay key reaches nothing else', async () => {
    const phone = freshPhone();
    const body = { to: phone, type: 'SignIn', payload: { code: '123456' } };
    expect((await failure((await connectorWith(undefined)).sendMessage(body))).error.code).toBe(
      'auth.missing_credentials',
    );
    expect((await failure((await connectorWith(`Bearer ${passline.verifyKey}`)).sendMessage(body))).error.code).toBe(
      'auth.insufficient_scope',
    );
    expect((await failure((await connectorWith('Bearer not-a-key')).sendMessage(body))).error.code).toBe(
      'auth.invalid_credentials',
    );
    expect(await outbox(phone)).toEqual([]);

    const asRelay = { key: relayKey };
    const verification = await passline.request('POST', '/api/verifications', {
      ...asRelay,
      body: { to: phone, usage: 'SignIn' },
    });
    expect([verification.status, verification.body.error.code]).toEqual([403, 'auth.insufficient_scope']);
    const settings = await passline.request('GET', '/api/settings/integrations', asRelay);
    expect([settings.status, settings.body.error.code]).toEqual([403, 'auth.insufficient_scope']);

    const asAdmin = await passline.request('POST', '/api/integrations/logto/sms', { body });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toEqual({ status: 'sent', to: expect.stringMatching(/^\+1402\*+\d\d$/) });
  });

  it('describes the integration routes in the OpenAPI document', async () => {
    const document = await passline.request('GET', '/api/openapi.json', { key: null });
    expect(document.status).toBe(200);
    const paths = document.body.paths;
    expect(Object.keys(paths['/api/integrations/logto/sms'])).toEqual(['post']);
    expect(paths['/api/integrations/supabase/send-sms'].post.security).toEqual([]);
    expect(Object.keys(paths['/api/settings/integrations']).sort()).toEqual(['get', 'patch']);
  });

  it('refuses bodies that are not a Logto SMS request with stable codes', async () => {
    const phone = freshPhone();
    const cases: Array<[unknown, string]> = [
      [{ to: phone, type: 'SignIn', payload: {} }, 'request.invalid'],
      [{ to: phone, type: 'SignIn', payload: { code: 'Visit evil.example now' } }, 'request.invalid'],
      [{ to: phone, payload: { code: '123456' } }, 'request.invalid'],
      [{ to: 'not a number', type: 'SignIn', payload: { code: '123456' } }, 'phone.invalid'],
    ];
    for (const [body, code] of cases) {
      const answer = await passline.request('POST', '/api/integrations/logto/sms', { key: relayKey, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, code]);
    }
    expect(await outbox(phone)).toEqual([]);
  });
});
