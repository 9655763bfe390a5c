import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPassline } from './app.ts';
import { testConfig } from './engines.ts';
import { addConnector, loggedMessage, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';

/**
 * A provider that got its acknowledgement does not send the receipt again, so the answer may leave
 * only once the receipt is committed. SQLite commits in groups a moment after the write, so a second
 * connection (which sees committed rows only) looks at the moment the answer is handed over.
 * (PostgreSQL commits each statement before it resolves; see durability.test.ts.)
 */
describe('a delivery receipt is acknowledged only once it is committed (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passline-receipts-durable-'));
  const file = join(dir, 'passline.db');
  let passline: TestPassline & { origin: string };
  let simulator: ProviderSimulator;
  let reader: Database.Database;

  beforeAll(async () => {
    // Time enough to note the message's provider id before its receipts arrive.
    simulator = await startProviderSimulator({ receiptDelayMs: 500 });
    passline = await startReceiptsPassline({ engine: 'sqlite', config: testConfig({ engine: 'sqlite', file }, dir) });
    reader = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    reader?.close();
    await passline?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the acknowledgement to the socket with the delivery status already committed', async () => {
    let watched = '';
    const committedStatus = () =>
      (
        reader.prepare('select delivery_status from messages where provider_message_id = ?').get(watched) as
          | { delivery_status: string | null }
          | undefined
      )?.delivery_status;
    const seenAtEnd: Array<string | null | undefined> = [];
    // Runs beside the app's own request listener, so end() is wrapped before the handler calls it.
    passline.app.server.on('request', (request, response: ServerResponse) => {
      if (!request.url?.startsWith('/api/webhooks/')) return;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        seenAtEnd.push(committedStatus());
        return end(...args);
      }) as typeof response.end;
    });
    const connector = await addConnector(passline, simulator, 'aliyun');
    simulator.setReportUrl('aliyun', connector.receiptUrl ?? undefined);
    simulator.receiptsNext('aliyun', 'undelivered');
    const verificationId = await sendCode(passline, numbers('aliyun', 5000)());
    watched = (await loggedMessage(passline, verificationId)).providerMessageId ?? '';
    expect(committedStatus()).toBeNull();
    await simulator.receiptsSettled();
    expect(simulator.receipts().map((receipt) => receipt.responseStatus)).toEqual([200]);
    expect(seenAtEnd).toEqual(['undelivered']);
  });
});
