import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryFailure } from '../src/services/connectors/delivery-errors.ts';
import { maskRecipientIn } from '../src/services/connectors/recipient-masking.ts';
import { devSmsConfig, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('connectors: templates, and what providers answer back', (database) => {
  let passline: TestPassline;
  let simulator: ProviderSimulator;

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startTestPassline(database(), {
      config: { connectorModules: ['./packages/server/test/fixtures/plain-templates-connector.ts'] },
      // Each send reads the active connector afresh, so a config changed in the database applies at once.
      cacheMs: 0,
    });
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0, phoneHourlyLimit: 100, phoneDailyLimit: 100 },
    });
  });
  afterAll(async () => {
    await passline.close();
    await simulator.close();
  });
  beforeEach(() => simulator.reset());

  const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
  const twilioConfig = () => ({
    accountSID: simulator.credentials.twilio.accountSid,
    authToken: simulator.credentials.twilio.authToken,
    from: '+15005550006',
    endpoint: simulator.url,
    templates: usages.map((usageType) => ({ usageType, content: `Your code is {{code}}` })),
  });
  const aliyunConfig = () => ({
    accessKeyId: simulator.credentials.aliyun.accessKeyId,
    accessKeySecret: simulator.credentials.aliyun.accessKeySecret,
    signName: 'Passline',
    endpoint: simulator.url,
    templates: usages.map((usageType, index) => ({ usageType, templateCode: `SMS_10000000${index}` })),
  });
  const tencentConfig = () => ({
    accessKeyId: simulator.credentials.tencent.secretId,
    accessKeySecret: simulator.credentials.tencent.secretKey,
    sdkAppId: simulator.credentials.tencent.sdkAppId,
    signName: 'Passline',
    endpoint: simulator.url,
    templates: usages.map((usageType, index) => ({ usageType, templateCode: `20000${index}` })),
  });

  it("masks the number Twilio quotes back, in the admin's test-send answer, the message log and the logs", async () => {
    simulator.failNext('twilio', 'invalid_number');
    const tested = await passline.request('POST', '/api/connector-factories/twilio-sms/test', {
      body: { to: '+12015550190', config: twilioConfig() },
    });
    expect(tested.status).toBe(400);
    expect(tested.body.error).toMatchObject({
      code: 'delivery.invalid_recipient',
      details: { providerCode: '21211', providerMessage: "The 'To' number +1201*****90 is not a valid phone number." },
    });
    expect(tested.body.error.message).toContain('+1201*****90 is not a number Twilio can send an SMS to');
    const log = await passline.request('GET', '/api/messages?status=failed&limit=1');
    // The log keeps the whole explanation: the advice, Twilio's words and its error page.
    const logged = log.body.items[0].error.message as string;
    expect(logged).toContain('Twilio said: "The \'To\' number +1201*****90 is not a valid phone number."');
    expect(logged).toMatch(/Details: https:\/\/www\.twilio\.com\/docs\/errors\/21211$/);
    for (const text of [JSON.stringify(tested.body), JSON.stringify(log.body), passline.logs()]) {
      expect(text).not.toContain('2015550190');
    }
  });

  it('answers a throttled Aliyun or Tencent send with 429 and the Retry-After the provider implies', async () => {
    const cases = [
      // "触发小时级流控Permits:5": Aliyun's hourly flow control.
      { factoryId: 'aliyun-sms', provider: 'aliyun', config: aliyunConfig(), retryAfter: '3600' },
      // LimitExceeded.PhoneNumberDailyLimit: Tencent's daily per-number limit.
      { factoryId: 'tencent-sms', provider: 'tencent', config: tencentConfig(), retryAfter: '86400' },
    ] as const;
    for (const { factoryId, provider, config, retryAfter } of cases) {
      const created = await passline.request('POST', '/api/connectors', { body: { factoryId, config } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      simulator.failNext(provider, 'rate_limited');
      const sent = await passline.request('POST', '/api/verifications', {
        body: { to: '+8613800138000', usage: 'SignIn' },
        key: passline.verifyKey,
      });
      expect(sent.status, factoryId).toBe(429);
      expect(sent.body.error.code).toBe('delivery.rate_limited');
      expect(sent.headers['retry-after'], factoryId).toBe(retryAfter);
    }
  });

  it('lists the variables a template may use in the factory detail', async () => {
    for (const factoryId of ['twilio-sms', 'dev-sms', 'tencent-sms']) {
      const factory = await passline.request('GET', `/api/connector-factories/${factoryId}`);
      expect(factory.body.templateVariables, factoryId).toEqual(['code', 'expiresInMinutes']);
      expect(factory.body.noticeUsages, factoryId).toEqual(['PhoneChanged']);
    }
  });

  it('refuses to save a template with a variable Passline never fills, naming the exact field', async () => {
    const templates = twilioConfig().templates.map((template) =>
      template.usageType === 'SignIn' ? { ...template, content: 'Hi {{name}}, your code is {{code}}' } : template,
    );
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'twilio-sms', config: { ...twilioConfig(), templates } },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('connector.invalid_config');
    expect(created.body.error.details.issues).toEqual([
      {
        path: 'templates.1.content',
        message:
          'the "SignIn" template uses {{name}}, which Passline does not fill; a template can use {{code}} and {{expiresInMinutes}}',
      },
    ]);
  });

  it('says how long the code is valid in the default templates, from the settings', async () => {
    await passline.request('PATCH', '/api/settings/verification', { body: { codeTtlSeconds: 300 } });
    try {
      const created = await passline.request('POST', '/api/connectors', { body: { factoryId: 'dev-sms', config: {} } });
      expect(created.status).toBe(201);
      const to = '+12015550191';
      expect(
        (
          await passline.request('POST', '/api/verifications', {
            body: { to, usage: 'SignIn' },
            key: passline.verifyKey,
          })
        ).status,
      ).toBe(201);
      const outbox = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
      expect(outbox.body[0].text).toMatch(/^Your sign-in verification code is \d{6}\. It is valid for 5 minutes\.$/);
    } finally {
      await passline.request('PATCH', '/api/settings/verification', { body: { codeTtlSeconds: 600 } });
    }
  });

  it('reports a template it cannot fill, or a missing one, as connector.template_invalid in a test send', async () => {
    const usages4 = usages.map((usageType) => ({ usageType, content: `${usageType} {{code}}` }));
    const unfillable = await passline.request('POST', '/api/connector-factories/plain-templates-sms/test', {
      body: {
        to: '+12015550192',
        config: { templates: [...usages4.slice(0, 3), { usageType: 'Generic', content: 'Hi {{name}}' }] },
      },
    });
    expect(unfillable.status).toBe(500);
    expect(unfillable.body.error).toMatchObject({
      code: 'connector.template_invalid',
      details: { kind: 'template_invalid', messageLogId: expect.any(String) },
    });
    expect(unfillable.body.error.message).toContain('{{name}}');

    const missing = await passline.request('POST', '/api/connector-factories/plain-templates-sms/test', {
      body: { to: '+12015550192', config: { templates: usages4.slice(0, 3) } },
    });
    expect(missing.status).toBe(500);
    expect(missing.body.error).toMatchObject({
      code: 'connector.template_invalid',
      details: { kind: 'template_not_found' },
    });
  });

  it('answers connector.template_invalid to the Verification API for a saved template it cannot fill, and keeps the others working', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    expect(created.status).toBe(201);
    // A config saved before unknown variables were refused: written straight to the database.
    const templates = devSmsConfig.templates.map((template) =>
      template.usageType === 'SignIn' ? { ...template, content: 'Hi {{name}}, code {{code}}' } : template,
    );
    await passline.storage.db
      .updateTable('connectors')
      .set({ config: JSON.stringify({ templates }) })
      .where('id', '=', created.body.id)
      .execute();

    const to = '+12015550193';
    const refused = await passline.request('POST', '/api/verifications', {
      body: { to, usage: 'SignIn' },
      key: passline.verifyKey,
    });
    expect(refused.status).toBe(500);
    expect(refused.body.error.code).toBe('connector.template_invalid');
    expect(refused.body.error.details).toEqual({ messageLogId: expect.any(String) });
    expect(refused.body.error.message).not.toContain('provider');
    const log = await passline.request('GET', '/api/messages?status=failed&limit=1');
    expect(log.body.items[0]).toMatchObject({
      id: refused.body.error.details.messageLogId,
      error: { kind: 'template_invalid' },
    });

    const register = await passline.request('POST', '/api/verifications', {
      body: { to, usage: 'Register' },
      key: passline.verifyKey,
    });
    expect(register.status).toBe(201);
    expect(passline.logs()).toContain('templates that no longer pass validation');
  });

  it('delivers the PhoneChanged notice with no code: a default text for dev-sms, never Generic elsewhere', async () => {
    const dev = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    const to = '+12015550194';
    const active = await passline.connectors.getActive('sms');
    if (!active) throw new Error('no active connector');
    const meta = { connectorId: dev.body.id, verificationId: null, isTest: false };
    await passline.connectors.deliver(active.factory, active.config, { to, usage: 'PhoneChanged', payload: {} }, meta);
    const outbox = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(outbox.body[0]).toMatchObject({
      usage: 'PhoneChanged',
      text: "The phone number on your account was changed. If this wasn't you, contact support.",
    });

    // Aliyun keeps its texts at the provider: without a PhoneChanged template code nothing is sent.
    await passline.request('POST', '/api/connectors', { body: { factoryId: 'aliyun-sms', config: aliyunConfig() } });
    const aliyun = await passline.connectors.getActive('sms');
    if (!aliyun) throw new Error('no active connector');
    const refused = await passline.connectors
      .deliver(aliyun.factory, aliyun.config, { to: '+8613800138000', usage: 'PhoneChanged', payload: {} }, meta)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(DeliveryFailure);
    expect((refused as DeliveryFailure).connectorError.kind).toBe('template_not_found');
    expect((refused as DeliveryFailure).messageLogId).toMatch(/^msg_/);
    expect(simulator.messages()).toEqual([]);
    const log = await passline.request('GET', '/api/messages?status=failed&limit=1');
    expect(log.body.items[0]).toMatchObject({ usage: 'PhoneChanged', error: { kind: 'template_not_found' } });
  });

  it('creates a Twilio connector without templates with the default texts, and tells Aliyun and Tencent admins what to add', async () => {
    const { templates: _twilio, ...twilioWithout } = twilioConfig();
    const twilio = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'twilio-sms', config: twilioWithout },
    });
    expect(twilio.status, JSON.stringify(twilio.body)).toBe(201);
    expect(twilio.body.config.templates.map((template: { usageType: string }) => template.usageType)).toEqual([
      'Register',
      'SignIn',
      'ForgotPassword',
      'Generic',
      'PhoneChanged',
    ]);

    for (const [factoryId, config, example] of [
      ['aliyun-sms', aliyunConfig(), '"templateCode":"SMS_154950901"'],
      ['tencent-sms', tencentConfig(), '"templateCode":"1000001"'],
    ] as const) {
      const { templates: _left, ...without } = config;
      const refused = await passline.request('POST', '/api/connectors', { body: { factoryId, config: without } });
      expect(refused.status, factoryId).toBe(400);
      expect(refused.body.error.code).toBe('connector.invalid_config');
      const [issue] = refused.body.error.details.issues;
      expect(issue.path).toBe('templates');
      expect(issue.message).toMatch(/^add "templates": .* so Passline has no default/);
      expect(issue.message).toContain('one entry per usage Register, SignIn, ForgotPassword, Generic');
      expect(issue.message).toContain(example);
    }
  });
});

describe('masking the recipient in provider text', () => {
  it('masks every common spelling of the number, and only that number', () => {
    expect(maskRecipientIn('to 07700 900123 (+44 7700 900123, 447700900123)', '+447700900123')).toBe(
      'to +4477******23 (+4477******23, +4477******23)',
    );
    // The sender and a longer run of digits that merely contains the number stay as they are.
    expect(maskRecipientIn('from +15017122661, request 120155501239', '+12015550123')).toBe(
      'from +15017122661, request 120155501239',
    );
  });
});
