import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { devSmsConfig, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { rejection, startTwilioVerifyPassline, type TwilioClient, twilioClientFor } from './twilio-verify-helpers.ts';

const freshPhone = phoneSequence('203');

// Passline's refusals (no provider, an unreachable provider, protection, send caps) in Twilio's codes.
describeEachEngine('Twilio Verify-compatible API: refusals and routes', (database) => {
  let passline: TestPassline;
  let clock: Awaited<ReturnType<typeof startTwilioVerifyPassline>>['clock'];
  let url: string;
  let client: TwilioClient;
  let accountSid: string;
  let key: string;
  let serviceSid: string;

  beforeAll(async () => {
    ({ passline, clock, url } = await startTwilioVerifyPassline(database(), {
      devSms: false,
      config: { connectorModules: ['./examples/webhook-sms-connector/index.ts'] },
    }));
    ({ client, accountSid, key } = await twilioClientFor(passline, url));
    serviceSid = (await client.verify.v2.services.create({ friendlyName: 'Refusals' })).sid;
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  const send = (to = freshPhone()) =>
    client.verify.v2.services(serviceSid).verifications.create({ to, channel: 'sms' });
  const activate = async (factoryId: string, config: unknown) => {
    const created = await passline.request('POST', '/api/connectors', { body: { factoryId, config } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  };
  const protect = async (patch: Record<string, unknown>) => {
    const response = await passline.request('PATCH', '/api/settings/protection', { body: patch });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };

  it('answers 503 / 20503 with no SMS connector and with an unreachable provider', async () => {
    expect(await rejection(send())).toMatchObject({ status: 503, code: 20503 });
    await activate('webhook-sms', {
      url: 'http://127.0.0.1:1/send',
      signingSecret: 'gateway-signing-secret-0123456789',
      templates: devSmsConfig.templates,
    });
    expect(await rejection(send())).toMatchObject({ status: 503, code: 20503 });
  });

  it("answers protection's refusals with Twilio's blocking codes (60605 geo, 60410 fraud)", async () => {
    await activate('dev-sms', devSmsConfig);
    await protect({ blockedCountries: ['US'] });
    const geo = await rejection(send());
    expect(geo).toMatchObject({ status: 403, code: 60605 });
    expect(geo.message).toMatch(/^Verification delivery attempt blocked/);
    await protect({ blockedCountries: [], allowedNumberTypes: ['MOBILE'] });
    expect(await rejection(send())).toMatchObject({ status: 403, code: 60410 });
    await protect({ allowedNumberTypes: ['MOBILE', 'FIXED_LINE_OR_MOBILE', 'UNKNOWN'] });
    expect((await send()).status).toBe('pending');
  });

  it("answers Passline's per-number cap with 429 / 60203 and a Retry-After", async () => {
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0, phoneHourlyLimit: 2, phoneDailyLimit: 4 },
    });
    const to = freshPhone();
    await send(to);
    await send(to);
    const capped = await rejection(send(to));
    expect(capped).toMatchObject({ status: 429, code: 60203 });
    const raw = await fetch(`${url}/v2/Services/${serviceSid}/Verifications`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${key}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, Channel: 'sms' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 60, phoneHourlyLimit: 5, phoneDailyLimit: 10 },
    });
  });

  it('refuses every /v2 route without credentials, and answers unknown /v2 paths in Twilio format', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/v2/Services'],
      ['GET', '/v2/Services'],
      ['GET', `/v2/Services/${serviceSid}`],
      ['POST', `/v2/Services/${serviceSid}`],
      ['DELETE', `/v2/Services/${serviceSid}`],
      ['POST', `/v2/Services/${serviceSid}/Verifications`],
      ['GET', `/v2/Services/${serviceSid}/Verifications/VE${'0'.repeat(32)}`],
      ['POST', `/v2/Services/${serviceSid}/Verifications/VE${'0'.repeat(32)}`],
      ['POST', `/v2/Services/${serviceSid}/VerificationCheck`],
    ];
    for (const [method, path] of routes) {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toMatchObject({ code: 20003, status: 401 });
    }
    const authorization = `Basic ${Buffer.from(`${accountSid}:${key}`).toString('base64')}`;
    const unknown = await fetch(`${url}/v2/Nope`, { headers: { authorization } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      code: 20404,
      message: 'The requested resource /Nope was not found',
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
    // The form parser and the Twilio error format stay inside /v2: Passline's own API still wants JSON.
    const form = await fetch(`${url}/api/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${passline.verifyKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'to=%2B12035550100&usage=Generic',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('request.unsupported_media_type');
  });
});
