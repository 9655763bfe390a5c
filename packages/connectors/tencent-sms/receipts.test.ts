import { isReceiptRejected, type ReceiptRequest } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { tencentSmsConnector } from './index.ts';
import { tencentReceipts } from './receipts.ts';

// The callback as Tencent documents it ("SMS Sending Status Notification"):
// https://www.tencentcloud.com/document/api/382/43547 — a JSON array, times in UTC+8.
const documented = {
  user_receive_time: '2015-10-17 08:03:04',
  nationcode: '86',
  mobile: '13xxxxxxxxx',
  report_status: 'SUCCESS',
  errmsg: 'DELIVRD',
  description: '用户短信送达成功',
  sid: 'xxxxxxx',
};

const request = (body: string): ReceiptRequest => ({
  method: 'POST',
  url: 'https://id.example.com/api/webhooks/tencent-sms/status?connector=con_t&token=t',
  headers: { 'content-type': 'application/json' },
  body,
});
const parse = (body: unknown) => tencentReceipts.parse(request(JSON.stringify(body)), undefined as never);

describe('tencent-sms receipts', () => {
  it('declares reports sent to a URL set in the Tencent console, guarded by a URL secret', () => {
    expect(tencentSmsConnector.receipts).toBe(tencentReceipts);
    expect(tencentReceipts.authentication).toBe('url-secret');
    expect(tencentReceipts.callbackUrl).toBe('provider-console');
  });

  it('answers with the body Tencent expects, result 0', () => {
    expect(tencentReceipts.acknowledgement?.status).toBe(200);
    expect(JSON.parse(tencentReceipts.acknowledgement?.body ?? '')).toEqual({ result: 0, errmsg: 'OK' });
  });

  it('reads the documented report: sid, SUCCESS, user_receive_time in China Standard Time', () => {
    expect(parse([documented])).toEqual([
      { messageId: 'xxxxxxx', status: 'delivered', at: Date.UTC(2015, 9, 17, 0, 3, 4) },
    ]);
  });

  it('reads FAIL with the code in errmsg, and several reports in one callback', () => {
    const failed = { ...documented, sid: '2106:1234', report_status: 'FAIL', errmsg: 'MK:0001' };
    const receipts = parse([documented, failed]);
    expect(receipts.map((receipt) => receipt.status)).toEqual(['delivered', 'undelivered']);
    expect(receipts[1]).toMatchObject({ messageId: '2106:1234', errorCode: 'MK:0001' });
    expect(parse([])).toEqual([]);
  });

  it('refuses malformed callbacks as a whole, with ReceiptRejected', () => {
    const bad = [
      '',
      '{"result":0}',
      JSON.stringify(documented),
      JSON.stringify([null]),
      JSON.stringify([{ ...documented, sid: '' }]),
      JSON.stringify([{ ...documented, report_status: 'success' }]),
      JSON.stringify([{ ...documented, report_status: 'PENDING' }]),
    ];
    for (const body of bad) {
      let error: unknown;
      try {
        tencentReceipts.parse(request(body), undefined as never);
      } catch (caught) {
        error = caught;
      }
      expect(isReceiptRejected(error), body).toBe(true);
    }
  });
});
