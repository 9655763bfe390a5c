import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('verification settings', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(() => passline.close());

  it('starts from the documented defaults', async () => {
    expect((await passline.request('GET', '/api/settings/verification')).body).toEqual({
      codeLength: 6,
      codeTtlSeconds: 600,
      maxAttempts: 5,
      resendCooldownSeconds: 60,
      phoneHourlyLimit: 5,
      phoneDailyLimit: 10,
      phoneHourlyCeiling: 15,
      phoneDailyCeiling: 30,
      ipHourlyLimit: 20,
    });
  });

  it('stores a valid change and applies it to new codes', async () => {
    const patched = await passline.request('PATCH', '/api/settings/verification', {
      body: { codeLength: 8, codeTtlSeconds: 120 },
    });
    expect(patched.body).toMatchObject({ codeLength: 8, codeTtlSeconds: 120, maxAttempts: 5 });
    expect((await passline.request('GET', '/api/settings/verification')).body.codeLength).toBe(8);
    await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: {} }, // all defaults, including the templates
    });
    await passline.request('POST', '/api/verifications', {
      body: { to: '+12015550150', usage: 'Generic' },
      key: passline.verifyKey,
    });
    const outbox = await passline.request('GET', '/api/dev/outbox?to=%2B12015550150');
    expect(outbox.body[0].text).toMatch(/^Your verification code is \d{8}\. It is valid for 2 minutes\.$/);
  });

  it('refuses values out of range, unknown fields and inconsistent caps, changing nothing', async () => {
    for (const body of [
      { codeLength: 3 },
      { codeLength: 11 },
      { codeTtlSeconds: 59 },
      { codeTtlSeconds: 3601 },
      { maxAttempts: 0 },
      { colour: 'red' },
      { codeLength: '6' },
    ]) {
      const result = await passline.request('PATCH', '/api/settings/verification', { body });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.body.error.code).toBe('request.invalid');
    }
    const inconsistent = await passline.request('PATCH', '/api/settings/verification', {
      body: { phoneHourlyLimit: 50 },
    });
    expect(inconsistent.body.error.code).toBe('settings.invalid');
    expect((await passline.request('GET', '/api/settings/verification')).body).toMatchObject({
      codeLength: 8,
      phoneHourlyLimit: 5,
    });
  });
});
