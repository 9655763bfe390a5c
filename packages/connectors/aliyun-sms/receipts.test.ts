import { isReceiptRejected, type ReceiptRequest } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { aliyunSmsConnector } from './index.ts';
import { aliyunReceipts } from './receipts.ts';

// The report as Aliyun documents it (SmsReport, HTTP batch push):
// https://help.aliyun.com/zh/sms/developer-reference/smsreport-2 — a JSON array, times in UTC+8.
const documented = {
  phone_number: '1381111****',
  send_time: '2017-01-01 00:00:00',
  report_time: '2017-01-01 00:00:00',
  success: true,
  err_code: 'DELIVERED',
  err_msg: '用户接收成功',
  sms_size: '1',
  biz_id: '12345********',
  out_id: '67890**',
};

const request = (body: string): ReceiptRequest => ({
  method: 'POST',
  url: 'https://id.example.com/api/webhooks/aliyun-sms/status?connector=con_a&token=t',
  headers: { 'content-type': 'application/json' },
  body,
});
const parse = (body: unknown) => aliyunReceipts.parse(request(JSON.stringify(body)), undefined as never);

describe('aliyun-sms receipts', () => {
  it('declares reports pushed to a URL set in the Aliyun console, guarded by a URL secret', () => {
    expect(aliyunSmsConnector.receipts).toBe(aliyunReceipts);
    expect(aliyunReceipts.authentication).toBe('url-secret');
    expect(aliyunReceipts.callbackUrl).toBe('provider-console');
  });

  it('answers with the body Aliyun expects, code 0', () => {
    expect(aliyunReceipts.acknowledgement?.status).toBe(200);
    expect(JSON.parse(aliyunReceipts.acknowledgement?.body ?? '')).toEqual({ code: 0, msg: '接收成功' });
  });

  it('reads the documented report: biz_id, delivered, report_time in China Standard Time', () => {
    expect(parse([documented])).toEqual([
      { messageId: '12345********', status: 'delivered', at: Date.UTC(2016, 11, 31, 16, 0, 0) },
    ]);
  });

  it('reads a failure with its err_code, and several reports in one push', () => {
    const failed = { ...documented, biz_id: '900619746936498440^0', success: false, err_code: 'IC:0015' };
    const receipts = parse([documented, failed]);
    expect(receipts).toHaveLength(2);
    expect(receipts[1]).toEqual({
      messageId: '900619746936498440^0',
      status: 'undelivered',
      errorCode: 'IC:0015',
      at: Date.UTC(2016, 11, 31, 16, 0, 0),
    });
    expect(parse([])).toEqual([]);
  });

  it('leaves out a time it cannot read', () => {
    expect(parse([{ ...documented, report_time: 'yesterday' }])[0]?.at).toBeUndefined();
  });

  it('refuses malformed pushes as a whole, with ReceiptRejected', () => {
    const bad = [
      'not json',
      JSON.stringify(documented),
      JSON.stringify([documented, 'x']),
      JSON.stringify([{ ...documented, biz_id: '' }]),
      JSON.stringify([{ ...documented, biz_id: 12345 }]),
      JSON.stringify([{ ...documented, success: 'maybe' }]),
      JSON.stringify([{ ...documented, success: undefined }]),
    ];
    for (const body of bad) {
      let error: unknown;
      try {
        aliyunReceipts.parse(request(body), undefined as never);
      } catch (caught) {
        error = caught;
      }
      expect(isReceiptRejected(error), body).toBe(true);
    }
  });
});
