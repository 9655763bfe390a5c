// Delivery receipts: a provider's callback saying whether a message reached the phone. A connector
// that supports them declares how its provider authenticates callbacks and parses them; the server
// receives them at /api/webhooks/{factoryId}/status, finds the message by the provider's message id
// and records the outcome (never moving a final status back).

/** What one callback says about one message. */
export interface DeliveryReceipt {
  /** The provider's message id, as `sendMessage` returned it. */
  messageId: string;
  /**
   * `delivered` and `undelivered` are final; `pending` is an intermediate report (queued, sent to
   * the carrier) that the server may ignore.
   */
  status: 'delivered' | 'undelivered' | 'pending';
  /** The provider's (or carrier's) error code for `undelivered`. */
  errorCode?: string;
  /** When the provider says it happened, in milliseconds since the epoch, if it says. */
  at?: number;
}

/** The callback request as the server received it; `url` is the full public URL it was sent to. */
export interface ReceiptRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body (form-encoded or JSON, as the provider sends it). */
  body: string;
}

export interface ReceiptSupport<Config = unknown> {
  /**
   * `signature`: the provider signs its callbacks and `parse` verifies the signature with the
   * config (Twilio's `X-Twilio-Signature`). `url-secret`: the provider signs nothing, so the server
   * checks a per-connector secret in the callback URL before `parse` runs (Aliyun, Tencent).
   */
  authentication: 'signature' | 'url-secret';
  /**
   * `per-message`: the server passes `statusCallbackUrl` with every send and the connector hands it
   * to the provider (Twilio's `StatusCallback`). `provider-console`: the admin pastes the URL the
   * console shows into the provider's console once.
   */
  callbackUrl: 'per-message' | 'provider-console';
  /**
   * Verifies (for `signature`) and parses one callback. Throws `ReceiptRejected` when the request is
   * not authentic or not a callback of this provider; the server answers 403 and changes nothing.
   */
  parse(request: ReceiptRequest, config: Config): DeliveryReceipt[];
  /** The body the provider expects back (Aliyun and Tencent want a JSON result); default: empty 204. */
  acknowledgement?: { status: number; contentType: string; body: string };
}

const receiptRejectedBrand = Symbol.for('passline.receipt-rejected');

/** A callback that is forged, tampered with or malformed: refused with 403, nothing recorded. */
export class ReceiptRejected extends Error {
  readonly [receiptRejectedBrand] = true;
  override readonly name = 'ReceiptRejected';
}

export function isReceiptRejected(error: unknown): error is ReceiptRejected {
  return (
    error instanceof ReceiptRejected ||
    (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[receiptRejectedBrand] === true)
  );
}

/**
 * The body of a provider that pushes its reports as one JSON array of objects (Aliyun, Tencent),
 * each report an object; anything else is not its callback.
 */
export function jsonReportArray(body: string, provider: string): Array<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ReceiptRejected(`The body is not JSON: ${provider} sends status reports as a JSON array.`);
  }
  if (!Array.isArray(parsed)) throw new ReceiptRejected(`${provider} sends status reports as a JSON array.`);
  return parsed.map((report) => {
    if (typeof report !== 'object' || report === null) throw new ReceiptRejected('A status report is not an object.');
    return report as Record<string, unknown>;
  });
}

const chinaLocalTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * `2017-01-01 00:00:00` in China Standard Time (UTC+8), as Aliyun and Tencent write report times
 * without a zone, in milliseconds; undefined for anything else.
 */
export function chinaStandardTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !chinaLocalTime.test(value)) return undefined;
  const at = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(at) ? undefined : at;
}
