import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { addConnector, loggedMessage, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';
import type { Provider } from './simulator-connectors.ts';

const providers: Provider[] = ['twilio', 'aliyun', 'tencent'];

describeEachEngine('delivery receipts end to end, over HTTP, from the provider simulator', (database) => {
  let passline: TestPassline & { origin: string };
  let simulator: ProviderSimulator;
  const connectorIds = {} as Record<Provider, string>;
  const next = { twilio: numbers('twilio', 2000), aliyun: numbers('aliyun', 2000), tencent: numbers('tencent', 2000) };

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startReceiptsPassline(database());
    for (const provider of providers) {
      const connector = await addConnector(passline, simulator, provider);
      connectorIds[provider] = connector.id;
      // What an admin does once in the Aliyun and Tencent consoles.
      if (provider !== 'twilio') simulator.setReportUrl(provider, connector.receiptUrl ?? undefined);
    }
  });
  afterAll(async () => {
    await passline.close();
    await simulator.close();
  });
  beforeEach(() => simulator.reset());

  const activate = async (provider: Provider) => {
    const activated = await passline.request('POST', `/api/connectors/${connectorIds[provider]}/activate`);
    expect(activated.status).toBe(200);
  };
  /** Sends a code through the provider and waits until the simulator's receipts were answered. */
  const sendAndSettle = async (provider: Provider) => {
    await activate(provider);
    const verificationId = await sendCode(passline, next[provider]());
    await simulator.receiptsSettled();
    return loggedMessage(passline, verificationId);
  };

  it('records "delivered" from each provider, with the time it took', async () => {
    for (const provider of providers) {
      const message = await sendAndSettle(provider);
      expect(message.receiptsSupported, provider).toBe(true);
      expect(message.delivery, provider).toMatchObject({ status: 'delivered', errorCode: null });
      expect(message.delivery?.afterMs, provider).toBeGreaterThanOrEqual(0);
      // Each receipt was answered as its provider expects.
      const answers = simulator.receipts({ provider }).map((receipt) => [receipt.responseStatus, receipt.responseBody]);
      const expected = {
        twilio: [204, ''],
        aliyun: [200, JSON.stringify({ code: 0, msg: '接收成功' })],
        tencent: [200, JSON.stringify({ result: 0, errmsg: 'OK' })],
      }[provider];
      expect(answers.length, provider).toBeGreaterThan(0);
      for (const answer of answers) expect(answer, provider).toEqual(expected);
    }
  });

  it('records "undelivered" with the provider error code', async () => {
    const codes = { twilio: '30005', aliyun: 'IC:0015', tencent: 'MK:0001' };
    for (const provider of providers) {
      simulator.receiptsNext(provider, 'undelivered', { errorCode: codes[provider] });
      const message = await sendAndSettle(provider);
      expect(message.delivery, provider).toMatchObject({ status: 'undelivered', errorCode: codes[provider] });
    }
  });

  it('measures a late receipt from the send', async () => {
    simulator.receiptsNext('twilio', 'late', { delayMs: 700 });
    const message = await sendAndSettle('twilio');
    expect(message.delivery?.status).toBe('delivered');
    expect(message.delivery?.afterMs).toBeGreaterThanOrEqual(700);
  });

  it('never moves a recorded outcome: duplicated and reordered callbacks change nothing', async () => {
    for (const provider of providers) {
      simulator.receiptsNext(provider, 'duplicated');
      const duplicated = await sendAndSettle(provider);
      expect(duplicated.delivery?.status, provider).toBe('delivered');
      expect(simulator.receipts({ provider, messageId: duplicated.providerMessageId ?? '' }).length).toBeGreaterThan(1);

      // Twilio: `sent` after `delivered`; Aliyun and Tencent: a stale report of the opposite outcome.
      simulator.receiptsNext(provider, 'reordered');
      const reordered = await sendAndSettle(provider);
      expect(reordered.delivery?.status, provider).toBe('delivered');
      const reports = simulator.receipts({ provider, messageId: reordered.providerMessageId ?? '' });
      expect(reports.at(-1)?.reported, provider).toBe(provider === 'twilio' ? 'sent' : 'undelivered');
      expect(reports.every((report) => report.responseStatus >= 200 && report.responseStatus < 300)).toBe(true);
      // The stale report's time did not replace the recorded one either.
      const again = await loggedMessage(passline, reordered.verificationId as string);
      expect(again.delivery).toEqual(reordered.delivery);
    }
  });

  it('filters the message log by what the receipts said; awaiting while none has come', async () => {
    simulator.receiptsNext('aliyun', 'none');
    const silent = await sendAndSettle('aliyun');
    expect(silent.delivery).toBeNull();
    simulator.receiptsNext('aliyun', 'undelivered');
    const failed = await sendAndSettle('aliyun');
    const delivered = await sendAndSettle('aliyun');

    const ids = async (deliveryStatus: string) => {
      const page = await passline.request('GET', `/api/messages?limit=200&deliveryStatus=${deliveryStatus}`);
      expect(page.status).toBe(200);
      return (page.body.items as Array<{ id: string; delivery: { status: string } | null }>).map((item) => item.id);
    };
    const awaiting = await ids('awaiting');
    expect(awaiting).toContain(silent.id);
    expect(awaiting).not.toContain(failed.id);
    expect(awaiting).not.toContain(delivered.id);
    const undelivered = await ids('undelivered');
    expect(undelivered).toContain(failed.id);
    expect(undelivered).not.toContain(delivered.id);
    const deliveredIds = await ids('delivered');
    expect(deliveredIds).toContain(delivered.id);
    expect(deliveredIds).not.toContain(silent.id);
    expect((await passline.request('GET', '/api/messages?deliveryStatus=lost')).status).toBe(400);
  });
});
