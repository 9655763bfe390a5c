import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { freePort } from './oidc-test-app.ts';
import { addConnector, loggedMessage, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';

describeEachEngine(
  'delivery receipts with two instances on one database',
  (database) => {
    let first: TestPassline & { origin: string };
    let second: TestPassline & { origin: string };
    let simulator: ProviderSimulator;
    const next = { twilio: numbers('twilio', 4000), aliyun: numbers('aliyun', 4000) };

    beforeAll(async () => {
      simulator = await startProviderSimulator();
      // Behind one public address: every callback the providers make lands on the second instance.
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      second = await startReceiptsPassline(database(), { cacheMs: 0, port, publicUrl });
      first = await startReceiptsPassline(database(), { cacheMs: 0, publicUrl });
    });
    afterAll(async () => {
      await first.close();
      await second.close();
      await simulator.close();
    });

    it('a receipt received by one instance updates the row the other wrote (Twilio and Aliyun)', async () => {
      await addConnector(first, simulator, 'twilio');
      const twilioSend = await sendCode(first, next.twilio());
      await simulator.receiptsSettled();
      expect(simulator.receipts({ provider: 'twilio' }).every((receipt) => receipt.url.startsWith(second.origin))).toBe(
        true,
      );
      expect((await loggedMessage(first, twilioSend)).delivery?.status).toBe('delivered');

      const aliyun = await addConnector(first, simulator, 'aliyun');
      // The URL the second instance shows is the one the first would show: same key, same address.
      const shown = (await second.request('GET', `/api/connectors/${aliyun.id}`)).body.receiptUrl;
      expect(shown).toBe(aliyun.receiptUrl);
      simulator.setReportUrl('aliyun', shown);
      simulator.receiptsNext('aliyun', 'undelivered', { errorCode: 'IC:0015' });
      const aliyunSend = await sendCode(first, next.aliyun());
      await simulator.receiptsSettled();
      expect(simulator.receipts({ provider: 'aliyun' }).map((receipt) => receipt.responseStatus)).toEqual([200]);
      expect((await loggedMessage(first, aliyunSend)).delivery).toMatchObject({
        status: 'undelivered',
        errorCode: 'IC:0015',
      });
    });
  },
  {
    sqlite: 'SQLite is single-instance by design: one process owns the file; several instances share PostgreSQL',
  },
);
