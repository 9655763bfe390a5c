import { afterAll, beforeAll, expect, it } from 'vitest';
import { devSmsConfig, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Every PATCH route changes exactly the fields it names: the console sends only what was edited,
// so a field left out must keep its stored value, not fall back to its default.
describeEachEngine('PATCH routes change only the fields they name', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(() => passline.close());

  it('verification settings: two PATCHes of different fields keep both', async () => {
    const first = await passline.request('PATCH', '/api/settings/verification', { body: { codeLength: 8 } });
    expect(first.status).toBe(200);
    const second = await passline.request('PATCH', '/api/settings/verification', { body: { maxAttempts: 4 } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ codeLength: 8, maxAttempts: 4 });
    const third = await passline.request('PATCH', '/api/settings/verification', {
      body: { phoneDailyLimit: 30, phoneHourlyLimit: 12 },
    });
    expect(third.body).toMatchObject({ codeLength: 8, maxAttempts: 4, phoneDailyLimit: 30, phoneHourlyLimit: 12 });
    expect((await passline.request('GET', '/api/settings/verification')).body).toEqual({
      codeLength: 8,
      codeTtlSeconds: 600,
      maxAttempts: 4,
      resendCooldownSeconds: 60,
      phoneHourlyLimit: 12,
      phoneDailyLimit: 30,
      phoneHourlyCeiling: 15,
      phoneDailyCeiling: 30,
      ipHourlyLimit: 20,
    });
    // An empty PATCH changes nothing.
    const empty = await passline.request('PATCH', '/api/settings/verification', { body: {} });
    expect(empty.body).toMatchObject({ codeLength: 8, maxAttempts: 4 });
  });

  it('sign-in experience: two PATCHes of different fields keep both', async () => {
    await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: false } });
    const second = await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { password: false } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ phoneSignIn: true, signUp: false, password: false });
  });

  it('connector config: a PATCH of one field keeps the others', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    expect(created.status).toBe(201);
    const templates = [...devSmsConfig.templates];
    templates[3] = { usageType: 'Generic', content: 'Changed {{code}}' };
    const patched = await passline.request('PATCH', `/api/connectors/${created.body.id}`, {
      body: { config: { templates } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.config.templates).toEqual(templates);
  });
});
