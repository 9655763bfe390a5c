import { type DeliveryReceipt, ReceiptRejected, type ReceiptSupport } from '@passline/connector-kit';
import type { TwilioSmsConfig } from './config.ts';
import { type TwilioParams, validateTwilioSignature } from './signature.ts';

/**
 * Twilio's message status callbacks: with every send Passline passes `StatusCallback`, and Twilio
 * POSTs form-encoded updates (`MessageSid`, `MessageStatus`, `ErrorCode` ...) to it, signed with the
 * account's Auth Token in `X-Twilio-Signature` over the full URL and the sorted parameters.
 */
export const twilioReceipts: ReceiptSupport<TwilioSmsConfig> = {
  authentication: 'signature',
  callbackUrl: 'per-message',
  parse(request, config) {
    const signature = header(request.headers, 'x-twilio-signature');
    if (!signature) throw new ReceiptRejected('The callback has no X-Twilio-Signature header.');
    const params = formParams(request.body);
    if (!validateTwilioSignature({ authToken: config.authToken, signature, url: request.url, params })) {
      throw new ReceiptRejected(
        'X-Twilio-Signature does not match the Auth Token of this connector and the callback URL.',
      );
    }
    const messageId = single(params.MessageSid);
    const status = single(params.MessageStatus);
    if (!messageId || !status) {
      throw new ReceiptRejected('The callback is signed but is not a message status callback (no MessageSid).');
    }
    // A callback signed with this token but for another account (subaccounts share nothing here).
    const account = single(params.AccountSid);
    if (account !== undefined && account !== config.accountSID) {
      throw new ReceiptRejected('The callback is for another Twilio account.');
    }
    const errorCode = single(params.ErrorCode);
    const receipt: DeliveryReceipt = { messageId, status: receiptStatus(status) };
    if (receipt.status === 'undelivered' && errorCode) receipt.errorCode = errorCode;
    return [receipt];
  },
};

/**
 * `delivered` (and `read`, which only follows it) is final success; `undelivered` and `failed` are
 * final failures. The rest (`queued`, `sending`, `sent`, `accepted`, `scheduled`, and statuses
 * Twilio may add) say nothing final yet.
 */
export function receiptStatus(messageStatus: string): DeliveryReceipt['status'] {
  switch (messageStatus) {
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
      return 'undelivered';
    default:
      return 'pending';
  }
}

/** Form parameters as Twilio signed them: a repeated name keeps every value. */
function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = params[name];
    if (previous === undefined) params[name] = value;
    else params[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return params;
}

function single(value: TwilioParams[string] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
