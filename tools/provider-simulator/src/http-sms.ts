import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ProviderSimulation, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * A receiver for the generic HTTP SMS connector (`http-sms`), at `POST /http-sms/messages`: it
 * does what the connector's README asks of a receiver. It checks the Authorization header, verifies
 * the Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature), reads the
 * Logto-compatible body `{ to, type, payload: { code, ... }, text? }` and answers 200 `{ messageId }`.
 * A receiver that demands both is the strict end of the contract; the connector's tests use it to
 * prove both are sent and correct.
 */
export const httpSmsPath = '/http-sms/messages';
const pathPrefix = '/http-sms/';
const e164 = /^\+[1-9]\d{6,14}$/;
const usagePattern = /^[A-Z][A-Za-z0-9]{1,39}$/;
/** The Retry-After the simulated throttling asks for, in seconds. */
export const httpSmsRetryAfterSeconds = 3;

interface ReceivedBody {
  to: string;
  type: string;
  payload: Record<string, string>;
  text: string | undefined;
}

export const httpSmsSimulation: ProviderSimulation = {
  name: 'http',
  matches: (request) => request.url.pathname.startsWith(pathPrefix),
  handle(request, state) {
    // The receiver's own outages come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error')
      return problem(500, 'internal_error', 'The SMS gateway behind this endpoint failed');

    if (request.url.pathname !== httpSmsPath)
      return problem(404, 'not_found', `No receiver at ${request.url.pathname}`);
    if (request.method !== 'POST') {
      return { ...problem(405, 'method_not_allowed', 'Only POST is accepted'), headers: { allow: 'POST' } };
    }
    const { authorization, signingSecret } = state.credentials.http;
    if (!sameSecret(header(request, 'authorization') ?? '', authorization)) {
      return problem(401, 'unauthorized', 'Missing or wrong Authorization header');
    }
    const signature = verifySignature(request, signingSecret);
    if (signature !== undefined) return problem(401, 'invalid_signature', signature);

    const body = readBody(request);
    if (typeof body === 'string') return problem(400, 'invalid_request', body);
    if (!e164.test(body.to)) return problem(422, 'invalid_number', `Cannot deliver to ${body.to}`);

    if (state.failure === 'rate_limited') {
      return {
        ...problem(429, 'rate_limited', 'Too many messages, slow down'),
        headers: { 'retry-after': String(httpSmsRetryAfterSeconds) },
      };
    }
    if (state.failure === 'invalid_number') return problem(422, 'invalid_number', `Cannot deliver to ${body.to}`);
    if (state.failure === 'rejected') return problem(400, 'rejected', 'The gateway refused this message');

    const messageId = `sim_${randomBytes(12).toString('hex')}`;
    state.deliver({
      provider: 'http',
      to: body.to,
      text: body.text ?? describeWithoutText(body),
      templateCode: body.type,
      params: body.payload,
      messageId,
    });
    return { status: 200, body: { messageId } };
  },
};

/** What a receiver that renders its own text would send: the code, or the notice's usage. */
function describeWithoutText(body: ReceivedBody): string {
  const code = body.payload.code;
  return code === undefined ? `notice: ${body.type}` : `code: ${code}`;
}

function header(request: SimulatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Compares digests, so neither the length nor the content of the expected value leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Why the Standard Webhooks signature does not hold, or undefined when it does. */
function verifySignature(request: SimulatedRequest, signingSecret: string): string | undefined {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = header(request, name);
    if (value === undefined) return `Missing ${name} header: this receiver only takes signed requests`;
    headers[name] = value;
  }
  try {
    new Webhook(signingSecret).verify(request.rawBody, headers, { jsonParse: false });
    return undefined;
  } catch (error) {
    return `Signature check failed: ${(error as Error).message}`;
  }
}

/** The Logto-compatible body, or why it is not one. */
function readBody(request: SimulatedRequest): ReceivedBody | string {
  const type = header(request, 'content-type');
  if (!type?.toLowerCase().startsWith('application/json')) return 'Content-Type must be application/json';
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody);
  } catch {
    return 'The body is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'The body must be a JSON object';
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.to !== 'string') return '"to" must be a string';
  if (typeof fields.type !== 'string' || !usagePattern.test(fields.type))
    return '"type" must be a usage such as SignIn';
  const payload = fields.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return '"payload" must be an object';
  if (!Object.values(payload).every((value) => typeof value === 'string')) return '"payload" values must be strings';
  if (fields.text !== undefined && typeof fields.text !== 'string') return '"text" must be a string when present';
  return {
    to: fields.to,
    type: fields.type,
    payload: payload as Record<string, string>,
    text: fields.text as string | undefined,
  };
}

function problem(status: number, error: string, message: string): SimulatedResponse {
  return { status, body: { error, message } };
}
