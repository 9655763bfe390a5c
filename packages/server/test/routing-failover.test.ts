import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { providerConfig } from './simulator-connectors.ts';

/** Twilio for most of the world, Tencent as its backup, Aliyun for mainland China: all in the simulator. */
const configs = (simulator: ProviderSimulator) => ({
  twilio: providerConfig(simulator, 'twilio', { timeoutMs: 1000 }),
  tencent: providerConfig(simulator, 'tencent'),
  aliyun: providerConfig(simulator, 'aliyun'),
});

describeEachEngine('SMS routing and failover, against the provider simulator over real HTTP', (database) => {
  let passline: TestPassline;
  let simulator: ProviderSimulator;
  const clock = manualClock(Date.now());
  const ids = { twilio: '', tencent: '', aliyun: '' };
  let next = 0;
  // A fresh US number per send: no per-number limit gets in the way.
  const usNumber = () => `+1201555${String(1000 + (next++ % 9000)).padStart(4, '0')}`;

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startTestPassline(database(), { clock, health: { coolOffMs: 30_000, threshold: 3 } });
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0, phoneHourlyLimit: 100, phoneDailyLimit: 100, ipHourlyLimit: 1000 },
    });
    // Protection is not the subject: it records, it refuses nothing (these codes are never entered).
    const protection = await passline.request('PATCH', '/api/settings/protection', { body: { mode: 'record_only' } });
    expect(protection.status).toBe(200);
    for (const [name, body] of Object.entries(configs(simulator)) as Array<[keyof typeof ids, { factoryId: string }]>) {
      const created = await passline.request('POST', '/api/connectors', { body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
    }
  });
  afterAll(async () => {
    await passline.close();
    await simulator.close();
  });
  beforeEach(() => simulator.reset());

  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });
  const providerOf = (to: string) =>
    (['twilio', 'tencent', 'aliyun'] as const).filter((provider) => simulator.messages({ provider, to }).length > 0);

  it('starts in the simple mode: the last connector created (active) is the whole default chain', async () => {
    const routing = await passline.request('GET', '/api/routing/sms');
    expect(routing.body).toMatchObject({ mode: 'simple', rules: [], default: [ids.aliyun] });
  });

  it('refuses a table naming unknown connectors, unknown countries, bad prefixes or empty chains', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rules: [], default: ['con_nope'] }, /not a configured SMS connector/],
      [{ rules: [], default: [] }, /at least one connector/],
      [{ rules: [{ countries: ['XX'], connectors: [ids.aliyun] }], default: [ids.twilio] }, /XX/],
      [{ rules: [{ prefixes: ['86'], connectors: [ids.aliyun] }], default: [ids.twilio] }, /E\.164 prefix/],
      [{ rules: [{ connectors: [ids.aliyun] }], default: [ids.twilio] }, /countries, prefixes or both/],
      [{ rules: [], default: [ids.twilio, ids.twilio] }, /appears twice/],
    ];
    for (const [body, message] of cases) {
      const answer = await passline.request('PUT', '/api/routing/sms', { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('routing.invalid');
      expect(answer.body.error.message).toMatch(message);
    }
    expect((await passline.request('GET', '/api/routing/sms')).body.mode).toBe('simple');
  });

  it('routes by country and prefix, first match wins, and the default chain takes the rest', async () => {
    const saved = await passline.request('PUT', '/api/routing/sms', {
      body: {
        rules: [
          { countries: ['cn'], connectors: [ids.aliyun] },
          { prefixes: ['+1242'], connectors: [ids.tencent] },
        ],
        default: [ids.twilio, ids.tencent],
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ mode: 'routing', rules: [{ countries: ['CN'] }, { prefixes: ['+1242'] }] });
    // The first of the default chain is the simple mode's active connector.
    const active = (await passline.request('GET', '/api/connectors')).body.find(
      (row: { active: boolean }) => row.active,
    );
    expect(active.id).toBe(ids.twilio);

    expect((await send('+8613800138000')).status).toBe(201);
    expect(providerOf('+8613800138000')).toEqual(['aliyun']);
    expect((await send('+12423570000')).status).toBe(201);
    expect(providerOf('+12423570000')).toEqual(['tencent']);
    const us = usNumber();
    const sent = await send(us);
    expect(sent.status).toBe(201);
    expect(providerOf(us)).toEqual(['twilio']);
    expect(sent.body.attempts).toEqual([expect.objectContaining({ connectorId: ids.twilio, outcome: 'sent' })]);

    const resolved = await passline.request('GET', '/api/routing/sms/resolve?to=%2B8613800138000');
    expect(resolved.body).toMatchObject({
      country: 'CN',
      rule: 0,
      chain: [{ connectorId: ids.aliyun, willTry: true }],
    });
    expect(resolved.body.to).not.toContain('13800138000');
  });

  it('fails over on a provider outage, not on a bad number; each try is in the answer and the log', async () => {
    simulator.failNext('twilio', 'server_error', 1);
    const to = usNumber();
    const sent = await send(to);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(providerOf(to)).toEqual(['tencent']);
    expect(sent.body.attempts).toEqual([
      expect.objectContaining({ connectorId: ids.twilio, outcome: 'provider_unavailable' }),
      expect.objectContaining({ connectorId: ids.tencent, outcome: 'sent' }),
    ]);
    const log = await passline.request('GET', `/api/messages?limit=5`);
    const rows = log.body.items.filter((item: { verificationId: string }) => item.verificationId === sent.body.id);
    expect(rows.map((row: { attempt: number; status: string }) => [row.attempt, row.status]).sort()).toEqual([
      [1, 'failed'],
      [2, 'sent'],
    ]);
    // The code sent by the second provider checks out.
    const text = simulator.messages({ provider: 'tencent', to }).at(-1);
    expect(text).toBeTruthy();

    // A number the provider calls invalid would be invalid everywhere: no second SMS, no second charge.
    simulator.failNext('twilio', 'invalid_number', 1);
    const bad = usNumber();
    const refused = await send(bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('delivery.invalid_recipient');
    expect(providerOf(bad)).toEqual([]);
  });

  it('opens the breaker after three failures in a row, skips the connector, then probes it after the cool-off', async () => {
    simulator.failNext('twilio', 'server_error', 1000);
    const twilioHealth = async () =>
      (await passline.request('GET', '/api/routing/health')).body.items.find(
        (item: { connectorId: string }) => item.connectorId === ids.twilio,
      );
    for (let index = 0; index < 3; index++) {
      expect((await send(usNumber())).status).toBe(201);
      expect((await twilioHealth()).state).toBe(index < 2 ? 'closed' : 'open');
    }
    expect(await twilioHealth()).toMatchObject({ state: 'open', consecutiveFailures: 3 });
    expect((await twilioHealth()).lastError).toMatch(/^provider_unavailable: /);
    expect(simulator.messages({ provider: 'tencent' })).toHaveLength(3);

    // Open: Twilio is not even tried, the send goes straight to Tencent.
    simulator.reset();
    const skipped = await send(usNumber());
    expect(skipped.body.attempts).toEqual([expect.objectContaining({ connectorId: ids.tencent, outcome: 'sent' })]);
    expect(simulator.messages({ provider: 'twilio' })).toHaveLength(0);

    // After the cool-off, real traffic probes Twilio; it works again, and the breaker closes.
    clock.advance(31_000);
    const probed = await send(usNumber());
    expect(probed.body.attempts).toEqual([expect.objectContaining({ connectorId: ids.twilio, outcome: 'sent' })]);
    const healed = await passline.request('GET', '/api/routing/health');
    expect(healed.body.items.find((item: { connectorId: string }) => item.connectorId === ids.twilio)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });
  });

  it('loses no code when the first provider goes down mid-run', async () => {
    const numbers = Array.from({ length: 24 }, usNumber);
    const failedTwilioTries = async () =>
      (await passline.request('GET', `/api/messages?connectorId=${ids.twilio}&status=failed&limit=100`)).body.items
        .length as number;
    const failedBefore = await failedTwilioTries();
    const results: unknown[] = [];
    for (const [index, to] of numbers.entries()) {
      if (index === 8) simulator.failNext('twilio', 'server_error', 1000);
      const answer = await send(to);
      results.push(answer.status === 201 ? 201 : answer.body);
    }
    expect(results).toEqual(numbers.map(() => 201));
    for (const to of numbers) expect(providerOf(to)).toHaveLength(1);
    expect(numbers.slice(0, 8).every((to) => providerOf(to)[0] === 'twilio')).toBe(true);
    expect(numbers.slice(8).every((to) => providerOf(to)[0] === 'tencent')).toBe(true);
    // Three failed tries opened the breaker: the rest went to Tencent without trying Twilio.
    expect((await failedTwilioTries()) - failedBefore).toBe(3);
    clock.advance(31_000);
  });

  it('activating a connector the simple way makes it the whole default chain, and deleting one leaves every chain', async () => {
    await passline.request('POST', `/api/connectors/${ids.tencent}/activate`);
    const routing = (await passline.request('GET', '/api/routing/sms')).body;
    expect(routing.default).toEqual([ids.tencent]);
    expect(routing.rules).toHaveLength(2);
    await passline.request('DELETE', `/api/connectors/${ids.aliyun}`);
    const after = (await passline.request('GET', '/api/routing/sms')).body;
    expect(after.rules).toEqual([{ prefixes: ['+1242'], connectors: [ids.tencent] }]);
  });
});
