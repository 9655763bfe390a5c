import {
  chinaStandardTime,
  type DeliveryReceipt,
  jsonReportArray,
  ReceiptRejected,
  type ReceiptSupport,
} from '@passline/connector-kit';
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
    return jsonReportArray(request.body, 'Tencent').map(readReport);
  },
  // Tencent counts a callback as received when the answer's result is 0.
  acknowledgement: {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ result: 0, errmsg: 'OK' }),
  },
};

/** `report_status` SUCCESS is delivered; FAIL is undelivered, with the carrier's code in `errmsg`. */
function readReport(fields: Record<string, unknown>): DeliveryReceipt {
  const messageId = fields.sid;
  const status = fields.report_status;
  if (typeof messageId !== 'string' || messageId === '' || (status !== 'SUCCESS' && status !== 'FAIL')) {
    throw new ReceiptRejected('A status report lacks sid or a report_status of SUCCESS or FAIL.');
  }
  const receipt: DeliveryReceipt = { messageId, status: status === 'SUCCESS' ? 'delivered' : 'undelivered' };
  if (status === 'FAIL' && typeof fields.errmsg === 'string' && fields.errmsg !== '') receipt.errorCode = fields.errmsg;
  const at = chinaStandardTime(fields.user_receive_time);
  if (at !== undefined) receipt.at = at;
  return receipt;
}
