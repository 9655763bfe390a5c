import { type DeliveryReceipt, ReceiptRejected, type ReceiptSupport } from '@passline/connector-kit';
import type { AliyunSmsConfig } from './config.ts';

/**
 * Aliyun's SMS status reports (SmsReport) by HTTP batch push: once the admin enters Passline's URL
 * in the SMS console, Aliyun POSTs a JSON array of reports, one per message, each with the `biz_id`
 * SendSms returned. Aliyun signs nothing, so the URL carries Passline's per-connector secret.
 */
export const aliyunReceipts: ReceiptSupport<AliyunSmsConfig> = {
  authentication: 'url-secret',
  callbackUrl: 'provider-console',
  parse(request) {
    return reportsOf(request.body).map(readReport);
  },
  // Aliyun retries a push whose answer does not carry code 0.
  acknowledgement: {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ code: 0, msg: '接收成功' }),
  },
};

function reportsOf(body: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ReceiptRejected('The body is not JSON: Aliyun pushes status reports as a JSON array.');
  }
  if (!Array.isArray(parsed)) throw new ReceiptRejected('Aliyun pushes status reports as a JSON array.');
  return parsed;
}

/** One report: `success` true is delivered, false undelivered with `err_code` (e.g. `MK:0001`). */
function readReport(report: unknown): DeliveryReceipt {
  if (typeof report !== 'object' || report === null) throw new ReceiptRejected('A status report is not an object.');
  const fields = report as Record<string, unknown>;
  const messageId = fields.biz_id;
  const success = typeof fields.success === 'string' ? { true: true, false: false }[fields.success] : fields.success;
  if (typeof messageId !== 'string' || messageId === '' || typeof success !== 'boolean') {
    throw new ReceiptRejected('A status report lacks biz_id or success.');
  }
  const receipt: DeliveryReceipt = { messageId, status: success ? 'delivered' : 'undelivered' };
  if (!success && typeof fields.err_code === 'string' && fields.err_code !== '') receipt.errorCode = fields.err_code;
  const at = chinaTime(fields.report_time);
  if (at !== undefined) receipt.at = at;
  return receipt;
}

const localTime = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `2017-01-01 00:00:00`: Aliyun's report times are China Standard Time (UTC+8), without a zone. */
function chinaTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !localTime.test(value)) return undefined;
  const at = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(at) ? undefined : at;
}
