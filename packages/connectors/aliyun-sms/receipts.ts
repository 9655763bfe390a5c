import {
  chinaStandardTime,
  type DeliveryReceipt,
  jsonReportArray,
  ReceiptRejected,
  type ReceiptSupport,
} from '@passline/connector-kit';
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
    return jsonReportArray(request.body, 'Aliyun').map(readReport);
  },
  // Aliyun retries a push whose answer does not carry code 0.
  acknowledgement: {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ code: 0, msg: '接收成功' }),
  },
};

/** One report: `success` true is delivered, false undelivered with `err_code` (e.g. `MK:0001`). */
function readReport(fields: Record<string, unknown>): DeliveryReceipt {
  const messageId = fields.biz_id;
  const success = typeof fields.success === 'string' ? { true: true, false: false }[fields.success] : fields.success;
  if (typeof messageId !== 'string' || messageId === '' || typeof success !== 'boolean') {
    throw new ReceiptRejected('A status report lacks biz_id or success.');
  }
  const receipt: DeliveryReceipt = { messageId, status: success ? 'delivered' : 'undelivered' };
  if (!success && typeof fields.err_code === 'string' && fields.err_code !== '') receipt.errorCode = fields.err_code;
  const at = chinaStandardTime(fields.report_time);
  if (at !== undefined) receipt.at = at;
  return receipt;
}
