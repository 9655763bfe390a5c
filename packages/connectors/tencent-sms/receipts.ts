import { type DeliveryReceipt, ReceiptRejected, type ReceiptSupport } from '@passline/connector-kit';
import type { TencentSmsConfig } from './config.ts';

/**
 * Tencent Cloud's SMS status callback ("SMS Sending Status Notification"): once the admin enters
 * Passline's URL in the SMS console, Tencent POSTs a JSON array of reports, each with the `sid`
 * that is SendSms's `SerialNo`. Tencent signs nothing, so the URL carries Passline's secret.
 */
export const tencentReceipts: ReceiptSupport<TencentSmsConfig> = {
  authentication: 'url-secret',
  callbackUrl: 'provider-console',
  parse(request) {
    return reportsOf(request.body).map(readReport);
  },
  // Tencent counts a callback as received when the answer's result is 0.
  acknowledgement: {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ result: 0, errmsg: 'OK' }),
  },
};

function reportsOf(body: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ReceiptRejected('The body is not JSON: Tencent sends status reports as a JSON array.');
  }
  if (!Array.isArray(parsed)) throw new ReceiptRejected('Tencent sends status reports as a JSON array.');
  return parsed;
}

/** `report_status` SUCCESS is delivered; FAIL is undelivered, with the carrier's code in `errmsg`. */
function readReport(report: unknown): DeliveryReceipt {
  if (typeof report !== 'object' || report === null) throw new ReceiptRejected('A status report is not an object.');
  const fields = report as Record<string, unknown>;
  const messageId = fields.sid;
  const status = fields.report_status;
  if (typeof messageId !== 'string' || messageId === '' || (status !== 'SUCCESS' && status !== 'FAIL')) {
    throw new ReceiptRejected('A status report lacks sid or a report_status of SUCCESS or FAIL.');
  }
  const receipt: DeliveryReceipt = { messageId, status: status === 'SUCCESS' ? 'delivered' : 'undelivered' };
  if (status === 'FAIL' && typeof fields.errmsg === 'string' && fields.errmsg !== '') receipt.errorCode = fields.errmsg;
  const at = chinaTime(fields.user_receive_time);
  if (at !== undefined) receipt.at = at;
  return receipt;
}

const localTime = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `2015-10-17 08:03:04`: Tencent's times are China Standard Time (UTC+8), without a zone. */
function chinaTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !localTime.test(value)) return undefined;
  const at = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(at) ? undefined : at;
}
