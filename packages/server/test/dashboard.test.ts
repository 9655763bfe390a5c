import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addRollups, type RollupTable } from '../src/storage/queries/dashboard-rollups.ts';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { addConnector, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';

// The dashboard follows real traffic through the real HTTP API: sends through dev-sms, a wrong and
// a right check, a refusal; read back from the rollups for each range, priced, without numbers.

describeEachEngine('dashboard: numbers follow traffic', (database) => {
  let passline: TestPassline;
  let connectorId = '';
  let latestCode: (to: string) => Promise<string>;
  const phones = phoneSequence('212');
  const sentTo: string[] = [];

  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });
  const check = (id: string, code: string) =>
    passline.request('POST', `/api/verifications/${id}/check`, { body: { code }, key: passline.verifyKey });
  const dashboard = async (range: string) => {
    const response = await passline.request('GET', `/api/dashboard?range=${range}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    passline = await startTestPassline(database());
    ({ connectorId, latestCode } = await useDevSms(passline));
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const to = phones();
      sentTo.push(to);
      const sent = await send(to);
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
    }
    const code = await latestCode(sentTo[0] as string);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await check(ids[0] as string, wrong)).status).toBe(400);
    expect((await check(ids[0] as string, code)).status).toBe(200);
    // A second code to the same number within the resend cooldown is refused.
    expect((await send(sentTo[1] as string)).status).toBe(429);
  });
  afterAll(async () => {
    await passline?.close();
  });

  it('counts sends, checks, refusals and provider calls, by country and connector', async () => {
    const body = await dashboard('hour');
    expect(body.range).toBe('hour');
    expect(body.bucketSeconds).toBe(60);
    expect(body.series).toHaveLength(60);
    expect(body.totals).toMatchObject({ sent: 3, failed: 0, verified: 1, wrongCodes: 1, refused: 1 });
    expect(body.totals.conversion).toBeCloseTo(1 / 3);
    const sum = (field: string) => body.series.reduce((total: number, point: any) => total + point[field], 0);
    expect([sum('sent'), sum('verified'), sum('refused')]).toEqual([3, 1, 1]);
    expect(body.byCountry).toEqual([{ country: 'US', sent: 3, failed: 0, verified: 1, conversion: 1 / 3 }]);
    expect(body.byConnector).toHaveLength(1);
    expect(body.byConnector[0]).toMatchObject({
      connectorId,
      factoryId: 'dev-sms',
      sent: 3,
      verified: 1,
      conversion: 1 / 3,
      calls: 3,
      errors: 0,
    });
    expect(body.byConnector[0].errorRate).toBe(0);
    expect(body.byConnector[0].p50LatencyMs).toBeGreaterThan(0);
    expect(body.refusals).toHaveLength(1);
    expect(body.refusals[0].reason).toMatch(/^rate_limit\./);
    expect(body.refusals[0].count).toBe(1);
  });

  it('answers each range from its rollups with the same totals', async () => {
    const day = await dashboard('day');
    const month = await dashboard('30d');
    expect([day.series.length, day.bucketSeconds]).toEqual([24, 3600]);
    expect([month.series.length, month.bucketSeconds]).toEqual([30, 86400]);
    for (const body of [day, month]) {
      expect(body.totals).toMatchObject({ sent: 3, verified: 1, refused: 1 });
      expect(body.series.at(-1).sent).toBe(3);
    }
    expect((await passline.request('GET', '/api/dashboard?range=week')).status).toBe(400);
  });

  it('adds later counts to the same rollup rows (additive upserts)', async () => {
    sentTo.push(phones());
    expect((await send(sentTo.at(-1) as string)).status).toBe(201);
    expect((await dashboard('hour')).totals.sent).toBe(4);
    expect((await dashboard('30d')).totals.sent).toBe(4);
  });

  it('estimates the cost from the most specific price', async () => {
    const none = await dashboard('day');
    expect(none.cost).toEqual({ perDay: [], unpricedMessages: 4 });
    const prices = [
      { factoryId: 'dev-sms', country: '*', pricePerMessage: 0.01, currency: 'USD' },
      { connectorId, country: 'US', pricePerMessage: 0.05, currency: 'USD' },
    ];
    const put = await passline.request('PUT', '/api/dashboard/prices', { body: prices });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(prices);
    expect((await passline.request('GET', '/api/dashboard/prices')).body).toEqual(prices);
    const priced = await dashboard('30d');
    const today = new Date().toISOString().slice(0, 10);
    expect(priced.cost.unpricedMessages).toBe(0);
    expect(priced.cost.perDay).toEqual([{ day: today, currency: 'USD', amount: 0.2 }]);

    const audit = await passline.request('GET', '/api/audit-log?targetType=settings');
    expect(audit.body.items[0]).toMatchObject({ action: 'settings.update', target: { id: 'dashboard.prices' } });

    const both = await passline.request('PUT', '/api/dashboard/prices', {
      body: [{ connectorId, factoryId: 'dev-sms', country: '*', pricePerMessage: 1, currency: 'USD' }],
    });
    expect(both.status).toBe(400);
    const badCountry = await passline.request('PUT', '/api/dashboard/prices', {
      body: [{ factoryId: 'dev-sms', country: 'usa', pricePerMessage: 1, currency: 'USD' }],
    });
    expect(badCountry.status).toBe(400);
  });

  it('housekeeping deletes minute rows after 2 days, hour rows after 35, day rows after 400', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const ages: Record<RollupTable, [number, number]> = {
      dashboard_rollup_minutes: [3 * day, day],
      dashboard_rollup_hours: [36 * day, 34 * day],
      dashboard_rollup_days: [401 * day, 399 * day],
    };
    const row = { metric: 'sent', country: 'ZZ', connector: 'old', detail: '', count: 1, sum_ms: 0 };
    for (const [table, [expired, kept]] of Object.entries(ages) as Array<[RollupTable, [number, number]]>) {
      await addRollups(passline.storage.db, table, [
        { ...row, bucket: now - expired },
        { ...row, bucket: now - kept },
      ]);
    }
    await passline.housekeeping.run();
    for (const [table, [, kept]] of Object.entries(ages) as Array<[RollupTable, [number, number]]>) {
      const left = await passline.storage.db.selectFrom(table).select('bucket').where('country', '=', 'ZZ').execute();
      expect(left.map((entry) => Number(entry.bucket))).toEqual([now - kept]);
    }
  });

  it('never answers a phone number, and only to admin keys', async () => {
    for (const range of ['hour', 'day', '30d']) {
      const text = JSON.stringify(await dashboard(range));
      for (const to of sentTo) {
        expect(text).not.toContain(to);
        expect(text).not.toContain(to.slice(2));
      }
    }
    expect((await passline.request('GET', '/api/dashboard', { key: passline.verifyKey })).status).toBe(403);
    expect((await passline.request('GET', '/api/dashboard', { key: null })).status).toBe(401);
    const put = await passline.request('PUT', '/api/dashboard/prices', { body: [], key: passline.verifyKey });
    expect(put.status).toBe(403);
  });
});

// PostgreSQL only: SQLite allows one instance per database file.
describeEachEngine(
  'dashboard: two instances on one database add up',
  (database) => {
    let first: TestPassline;
    let second: TestPassline;
    const phones = phoneSequence('646');

    beforeAll(async () => {
      first = await startTestPassline(database());
      second = await startTestPassline(database());
      await useDevSms(first);
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it("counts each instance's sends once in the shared rollups", async () => {
      for (const passline of [first, second, second]) {
        const sent = await passline.request('POST', '/api/verifications', {
          body: { to: phones(), usage: 'Register' },
          key: passline.verifyKey,
        });
        expect(sent.status).toBe(201);
      }
      // Each instance flushes on its timer; the test flushes both rather than waiting.
      await first.dashboard.recorder.flush();
      await second.dashboard.recorder.flush();
      for (const passline of [first, second]) {
        const body = (await passline.request('GET', '/api/dashboard?range=hour')).body;
        expect(body.totals.sent).toBe(3);
        expect(body.byConnector[0].calls).toBe(3);
      }
    });
  },
  { sqlite: 'one instance per SQLite file' },
);

// A real provider round trip (the simulator's Twilio over HTTP): its delivery receipts are counted.
describeEachEngine('dashboard: delivery receipts', (database) => {
  let passline: TestPassline & { origin: string };
  let simulator: ProviderSimulator;
  const next = numbers('twilio', 6100);

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startReceiptsPassline(database());
    await addConnector(passline, simulator, 'twilio');
  });
  afterAll(async () => {
    await passline?.close();
    await simulator?.close();
  });

  it('counts delivered and undelivered receipts in the totals and the series', async () => {
    await sendCode(passline, next());
    await simulator.receiptsSettled();
    simulator.receiptsNext('twilio', 'undelivered', { errorCode: '30005' });
    await sendCode(passline, next());
    await simulator.receiptsSettled();
    const body = (await passline.request('GET', '/api/dashboard?range=hour')).body;
    expect(body.totals).toMatchObject({ sent: 2, delivered: 1, undelivered: 1 });
    expect(body.series.reduce((total: number, point: { delivered: number }) => total + point.delivered, 0)).toBe(1);
    expect(body.byConnector[0]).toMatchObject({
      factoryId: 'twilio-sms',
      sent: 2,
      calls: 2,
      errors: 0,
      delivered: 1,
      undelivered: 1,
    });
  });
});
