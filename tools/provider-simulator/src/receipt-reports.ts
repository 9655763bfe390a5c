import { createHmac } from 'node:crypto';
import type { DeliveredMessage, ProviderCredentials } from './types.ts';

// What each provider POSTs when it learns a message's fate, in its own wire format. Written from
// the providers' documentation, independently of the connectors' parsers, so the two check each other.

/** One report about one message: a final outcome, or Twilio's intermediate `sent`. */
export type ReportOutcome = { kind: 'sent' } | { kind: 'delivered' } | { kind: 'undelivered'; errorCode: string };

export interface ReportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Each provider's error code for an undelivered message when the test names none. */
export const defaultErrorCodes = {
  twilio: '30003',
  aliyun: 'IC:0015',
  tencent: 'UNDELIV',
  plivo: '80',
  vonage: '1',
  // Sinch's delivery-report code for an unroutable message; the simulator sends no Sinch receipts yet.
  sinch: '402',
  // The simulator sends no receipts for these yet; the codes are the providers' "undeliverable" ones.
  infobip: 'EC_ABSENT_SUBSCRIBER',
  sns: 'FAILURE',
  http: 'undelivered',
} as const;

/**
 * Twilio: a form-encoded POST to the message's `StatusCallback`, signed in `X-Twilio-Signature`
 * with the Auth Token: base64 HMAC-SHA1 over the URL followed by each parameter's name and value,
 * sorted by name.
 */
export function twilioReport(
  message: DeliveredMessage,
  outcome: ReportOutcome,
  credentials: ProviderCredentials['twilio'],
  url: string,
): ReportRequest {
  const status = outcome.kind;
  const params: Record<string, string> = {
    AccountSid: credentials.accountSid,
    ApiVersion: '2010-04-01',
    MessageSid: message.messageId,
    MessageStatus: status,
    SmsSid: message.messageId,
    SmsStatus: status,
    To: message.to,
  };
  if (message.sender?.startsWith('MG')) params.MessagingServiceSid = message.sender;
  else if (message.sender) params.From = message.sender;
  if (outcome.kind === 'undelivered') params.ErrorCode = outcome.errorCode;
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return {
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': createHmac('sha1', credentials.authToken).update(signed, 'utf8').digest('base64'),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** Aliyun SmsReport, HTTP batch push: a JSON array of reports with times in China Standard Time. */
export function aliyunReport(message: DeliveredMessage, outcome: ReportOutcome, url: string, at: Date): ReportRequest {
  const success = outcome.kind === 'delivered';
  const report = {
    phone_number: message.to,
    send_time: chinaTime(message.receivedAt),
    report_time: chinaTime(at),
    success,
    err_code: outcome.kind === 'undelivered' ? outcome.errorCode : 'DELIVERED',
    err_msg: success ? '用户接收成功' : '用户接收失败',
    sms_size: '1',
    biz_id: message.messageId,
    out_id: '',
  };
  return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify([report]) };
}

/** Tencent Cloud SMS status callback: a JSON array of reports; `sid` is SendSms's SerialNo. */
export function tencentReport(message: DeliveredMessage, outcome: ReportOutcome, url: string, at: Date): ReportRequest {
  const success = outcome.kind === 'delivered';
  const { nationcode, mobile } = splitNumber(message.to);
  const report = {
    user_receive_time: chinaTime(at),
    nationcode,
    mobile,
    report_status: success ? 'SUCCESS' : 'FAIL',
    errmsg: outcome.kind === 'undelivered' ? outcome.errorCode : 'DELIVRD',
    description: success ? '用户短信送达成功' : '用户短信接收失败',
    sid: message.messageId,
  };
  return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify([report]) };
}

/** `2017-01-01 08:00:00` in UTC+8, the form both Chinese providers use. */
export function chinaTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Tencent reports the country code apart; the simulator knows China (+86) and the NANP (+1). */
function splitNumber(e164: string): { nationcode: string; mobile: string } {
  const digits = e164.replace(/^\+/, '');
  const nationcode = digits.startsWith('86') ? '86' : digits.startsWith('1') ? '1' : digits.slice(0, 2);
  return { nationcode, mobile: digits.slice(nationcode.length) };
}
