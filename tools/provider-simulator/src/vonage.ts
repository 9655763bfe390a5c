import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ProviderSimulation, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * Vonage's SMS API (`POST /sms/json`): parameters as a form, JSON or query string; the API key with
 * either `api_secret` or a `sig` made with the signature secret; always HTTP 200 with
 * `{ "message-count", "messages": [{ status, ... }] }`, where a non-zero `status` is the error.
 */
const path = '/sms/json';
const numberPattern = /^[1-9]\d{6,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;
/** Vonage refuses a signed request whose timestamp is further than this from its clock. */
const maxClockSkewSeconds = 5 * 60;

export type VonageSignatureMethod = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';

export const vonageSimulation: ProviderSimulation = {
  name: 'vonage',
  matches: (request) => request.url.pathname === path,
  handle(request, state) {
    // Failures of Vonage's own infrastructure come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error') return { status: 503, body: 'Service Unavailable' };
    if (request.method !== 'POST' && request.method !== 'GET') return { status: 405, body: 'Method Not Allowed' };

    const params = readParams(request);
    const credentials = state.credentials.vonage;
    if (params.api_key !== credentials.apiKey) return refusal('4', 'Bad Credentials');
    if (params.sig !== undefined) {
      if (params.api_secret !== undefined) return refusal('32', 'Signature and api secret disallowed');
      const timestamp = Number(params.timestamp);
      const skew = Math.abs(state.now().getTime() / 1000 - timestamp);
      const expected = sign(params, credentials.signatureSecret, credentials.signatureMethod);
      if (!Number.isFinite(timestamp) || skew > maxClockSkewSeconds || !sameHex(params.sig, expected)) {
        return refusal('14', 'Invalid Signature');
      }
    } else if (params.api_secret !== credentials.apiSecret) {
      return refusal('4', 'Bad Credentials');
    }

    if (state.failure === 'rate_limited')
      return refusal('1', 'Throughput Rate Exceeded - please wait [ 1000 ] and retry');
    const from = params.from;
    const to = params.to;
    const text = params.text;
    if (!from) return refusal('2', 'Missing from param');
    if (!to) return refusal('2', 'Missing to param');
    if (!text) return refusal('2', 'Missing text param');
    if (state.failure === 'invalid_number' || !numberPattern.test(to)) return refusal('3', 'Invalid to address');
    if (!numberPattern.test(from) && !alphanumericSender.test(from))
      return refusal('15', 'Illegal Sender Address - rejected');
    if (state.failure === 'rejected') return refusal('7', 'Number barred.');

    const count = parts(text, params.type === 'unicode');
    const messages = Array.from({ length: count }, () => ({
      to,
      'message-id': randomBytes(8).toString('hex').toUpperCase(),
      status: '0',
      'remaining-balance': '14.97000000',
      'message-price': '0.03330000',
      network: '23410',
    }));
    state.deliver({ provider: 'vonage', to, text, sender: from, messageId: messages[0]?.['message-id'] ?? '' });
    return { status: 200, body: { 'message-count': String(count), messages } };
  },
};

/** Vonage's `sig` as the SMS API checks it (see packages/connectors/vonage-sms/signature.ts). */
export function sign(params: Readonly<Record<string, string>>, secret: string, method: VonageSignatureMethod): string {
  const text = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash')
    return createHash('md5')
      .update(text + secret, 'utf8')
      .digest('hex');
  return createHmac(method, secret).update(text, 'utf8').digest('hex');
}

function sameHex(given: string, expected: string): boolean {
  const left = Buffer.from(given.toLowerCase());
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readParams(request: SimulatedRequest): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(request.url.searchParams);
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(request.rawBody)));
  } else if (type.startsWith('application/json')) {
    try {
      const body: unknown = JSON.parse(request.rawBody);
      if (typeof body === 'object' && body !== null) {
        for (const [name, value] of Object.entries(body)) {
          if (typeof value === 'string' || typeof value === 'number') params[name] = String(value);
        }
      }
    } catch {
      // Vonage reads an unparsable body as no parameters at all.
    }
  }
  return params;
}

function refusal(status: string, errorText: string): SimulatedResponse {
  return { status: 200, body: { 'message-count': '1', messages: [{ status, 'error-text': errorText }] } };
}

function parts(text: string, unicode: boolean): number {
  const length = [...text].length;
  const [single, multi] = unicode ? [70, 67] : [160, 153];
  return length <= single ? 1 : Math.ceil(length / multi);
}
