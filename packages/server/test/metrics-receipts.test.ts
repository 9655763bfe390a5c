import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { parseExposition } from './metrics-text.ts';
import { addConnector, loggedMessage, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';

// A real provider round trip (the simulator's Twilio, over HTTP): the provider call timed per
// connector and factory, delivery receipts counted by status, and an undelivered one logged as
// `delivery.failed` with the provider's error code.

describeEachEngine('metrics: provider calls and delivery receipts', (database) => {
  let passline: TestPassline & { origin: string };
  let simulator: ProviderSimulator;
  let connectorId = '';
  const next = numbers('twilio', 6000);

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startReceiptsPassline(database());
    connectorId = (await addConnector(passline, simulator, 'twilio')).id;
  });
  afterAll(async () => {
    await passline.close();
    await simulator.close();
  });

  const scrape = async () => parseExposition(await passline.metrics.render());

  it('counts receipts by status, times the provider, and logs an undelivered message', async () => {
    const delivered = await sendCode(passline, next());
    await simulator.receiptsSettled();
    simulator.receiptsNext('twilio', 'undelivered', { errorCode: '30005' });
    const undelivered = await sendCode(passline, next());
    await simulator.receiptsSettled();
    expect((await loggedMessage(passline, delivered)).delivery?.status).toBe('delivered');
    expect((await loggedMessage(passline, undelivered)).delivery?.status).toBe('undelivered');

    const metrics = await scrape();
    expect(metrics.value('passline_delivery_receipts_total', { factory: 'twilio-sms', status: 'delivered' })).toBe(1);
    expect(metrics.value('passline_delivery_receipts_total', { factory: 'twilio-sms', status: 'undelivered' })).toBe(1);
    const provider = { connector: connectorId, factory: 'twilio-sms', outcome: 'sent' };
    expect(metrics.value('passline_provider_request_duration_seconds_count', provider)).toBe(2);
    expect(metrics.value('passline_provider_request_duration_seconds_sum', provider)).toBeGreaterThan(0);
    expect(
      metrics.value('passline_verifications_sent_total', { outcome: 'sent', connector: connectorId, country: 'US' }),
    ).toBe(2);

    const failures = passline
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((line) => line.event === 'delivery.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      stage: 'receipt',
      connector: connectorId,
      factory: 'twilio-sms',
      providerCode: '30005',
    });
  });
});
