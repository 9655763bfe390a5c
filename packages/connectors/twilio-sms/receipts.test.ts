import { readFileSync } from 'node:fs';
import { isReceiptRejected, parseConnectorConfig, type ReceiptRequest } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { twilioSmsConnector } from './index.ts';
import { receiptStatus, twilioReceipts } from './receipts.ts';
import { computeTwilioSignature } from './signature.ts';

interface Vector {
  id: string;
  source: string;
  inputs: { auth_token: string; url: string; params: Record<string, string> };
  expected: { x_twilio_signature: string };
}
const vectors = (
  JSON.parse(readFileSync(new URL('./receipt-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }
).vectors;

const accountSID = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-receipts-test-token';
const config = (token = authToken) =>
  parseConnectorConfig(twilioSmsConnector, {
    accountSID,
    authToken: token,
    fromMessagingServiceSID: 'MG0123456789abcdef0123456789abcdef',
  });
const url = 'https://id.example.com/api/webhooks/twilio-sms/status?connector=con_abc';

/** A status callback as Twilio sends it: form-encoded, signed over the URL and sorted parameters. */
function callback(params: Record<string, string>, options: { token?: string; url?: string } = {}): ReceiptRequest {
  const signature = computeTwilioSignature(options.token ?? authToken, options.url ?? url, params);
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}

const statusParams = (status: string, extra: Record<string, string> = {}) => ({
  AccountSid: accountSID,
  ApiVersion: '2010-04-01',
  From: '+15017122661',
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  MessageStatus: status,
  SmsSid: 'SM0123456789abcdef0123456789abcdef',
  SmsStatus: status,
  To: '+14155550123',
  ...extra,
});

describe('twilio-sms receipts', () => {
  it('declares signed callbacks passed with every message, answered with an empty 2xx', () => {
    expect(twilioSmsConnector.receipts).toBe(twilioReceipts);
    expect(twilioReceipts.authentication).toBe('signature');
    expect(twilioReceipts.callbackUrl).toBe('per-message');
    expect(twilioReceipts.acknowledgement).toBeUndefined();
  });

  for (const vector of vectors) {
    it(`checks the signature as Twilio documents it (${vector.id})`, () => {
      const { auth_token: token, url: vectorUrl, params } = vector.inputs;
      const request = (signature: string): ReceiptRequest => ({
        method: 'POST',
        url: vectorUrl,
        headers: { 'X-Twilio-Signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      // The documented example is a voice webhook: its signature is accepted, and only then is it
      // refused for not being a message status callback.
      expect(() => twilioReceipts.parse(request(vector.expected.x_twilio_signature), config(token))).toThrow(
        /not a message status callback/,
      );
      const flipped = `${vector.expected.x_twilio_signature.startsWith('A') ? 'B' : 'A'}${vector.expected.x_twilio_signature.slice(1)}`;
      expect(() => twilioReceipts.parse(request(flipped), config(token))).toThrow(/X-Twilio-Signature does not match/);
      expect(() => twilioReceipts.parse(request(vector.expected.x_twilio_signature), config('54321'))).toThrow(
        /X-Twilio-Signature does not match/,
      );
    });
  }

  it('maps delivered, undelivered (with its ErrorCode) and failed; the rest is pending', () => {
    const parse = (status: string, extra?: Record<string, string>) =>
      twilioReceipts.parse(callback(statusParams(status, extra)), config());
    expect(parse('delivered')).toEqual([{ messageId: 'SM0123456789abcdef0123456789abcdef', status: 'delivered' }]);
    expect(parse('undelivered', { ErrorCode: '30003' })).toEqual([
      { messageId: 'SM0123456789abcdef0123456789abcdef', status: 'undelivered', errorCode: '30003' },
    ]);
    expect(parse('failed', { ErrorCode: '30008' })[0]).toMatchObject({ status: 'undelivered', errorCode: '30008' });
    expect(parse('failed')[0]).toEqual({ messageId: 'SM0123456789abcdef0123456789abcdef', status: 'undelivered' });
    for (const status of ['queued', 'sending', 'sent', 'accepted', 'scheduled', 'some_future_status']) {
      expect(parse(status)[0]?.status, status).toBe('pending');
    }
    expect(receiptStatus('read')).toBe('delivered');
  });

  it('keeps parameters Twilio adds without notice in the signed text', () => {
    const receipts = twilioReceipts.parse(
      callback(statusParams('delivered', { RawDlrDoneDate: '2501011200', ChannelToAddress: '+1415555XXXX' })),
      config(),
    );
    expect(receipts[0]?.status).toBe('delivered');
  });

  it('refuses a forged callback: wrong token, tampered body, another URL, no signature', () => {
    const forged = [
      callback(statusParams('delivered'), { token: 'someone-else' }),
      { ...callback(statusParams('undelivered')), body: new URLSearchParams(statusParams('delivered')).toString() },
      callback(statusParams('delivered'), { url: url.replace('con_abc', 'con_other') }),
      { ...callback(statusParams('delivered')), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ];
    for (const request of forged) {
      let error: unknown;
      try {
        twilioReceipts.parse(request, config());
      } catch (caught) {
        error = caught;
      }
      expect(isReceiptRejected(error), String(error)).toBe(true);
    }
  });

  it('refuses a signed callback that is malformed or for another account', () => {
    const { MessageSid: _sid, ...withoutSid } = statusParams('delivered');
    expect(() => twilioReceipts.parse(callback(withoutSid), config())).toThrow(/not a message status callback/);
    expect(() =>
      twilioReceipts.parse(callback(statusParams('delivered', { AccountSid: 'AC'.padEnd(34, '9') })), config()),
    ).toThrow(/another Twilio account/);
    const garbage = callback({});
    expect(() => twilioReceipts.parse({ ...garbage, body: '%%%&&&' }, config())).toThrow();
  });
});
