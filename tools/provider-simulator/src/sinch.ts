import { randomBytes } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * Sinch's SMS REST API (`POST /xms/v1/{service_plan_id}/batches`, served per region at
 * `https://{region}.sms.api.sinch.com`): a Bearer API token, a JSON body `{ from, to: [...], body }`,
 * 201 with the batch, and errors as `{ code, text }`.
 */
const apiPrefix = '/xms/v1/';
const batchesPath = /^\/xms\/v1\/([^/]+)\/batches$/;
const msisdn = /^\+?[1-9]\d{2,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;
const maxBodyLength = 2000;

export const sinchSimulation: ProviderSimulation = {
  name: 'sinch',
  matches: (request) => request.url.pathname.startsWith(apiPrefix),
  handle(request, state) {
    // Failures of Sinch's own infrastructure come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error') return sinchError(500, 'internal_error', 'Internal server error');

    const { servicePlanId, apiToken } = state.credentials.sinch;
    if (bearerToken(request) !== apiToken) return sinchError(401, 'unauthorized', 'Unauthorized');
    const route = batchesPath.exec(request.url.pathname);
    if (!route || request.method !== 'POST') return sinchError(404, 'not_found', 'Resource not found');
    // The token belongs to one service plan; another plan's batches are off limits to it.
    if (decodeURIComponent(route[1] ?? '') !== servicePlanId) {
      return sinchError(403, 'forbidden', 'Requested service plan is not accessible with this token');
    }

    const batch = readBatch(request);
    if (typeof batch === 'string') return sinchError(400, 'syntax_invalid_json', batch);
    const { from, to, body } = batch;
    if (from === undefined) return constraint('from', 'must not be null');
    if (to === undefined || to.length === 0) return constraint('to', 'must not be empty');
    if (body === undefined) return constraint('body', 'must not be null');
    if ([...body].length > maxBodyLength) return constraint('body', `size must be at most ${maxBodyLength}`);
    if (!msisdn.test(from) && !alphanumericSender.test(from)) {
      return sinchError(400, 'syntax_invalid_parameter_format', `Invalid from address: ${from}`);
    }
    const invalid = to.find((number) => !msisdn.test(number));
    if (invalid !== undefined) return invalidMsisdn(invalid);
    const [recipient = ''] = to;

    if (state.failure === 'rate_limited') return sinchError(429, 'too_many_requests', 'Too many requests');
    if (state.failure === 'invalid_number') return invalidMsisdn(recipient);
    if (state.failure === 'rejected') return sinchError(403, 'blocked_account', 'Account is blocked');

    const messageId = batchId();
    for (const number of to) state.deliver({ provider: 'sinch', to: number, text: body, sender: from, messageId });
    return { status: 201, body: batchResource({ messageId, from, to, body, state }) };
  },
};

function bearerToken(request: SimulatedRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** The batch's fields, or why the body is not the JSON Sinch expects. */
function readBatch(request: SimulatedRequest): { from?: string; to?: string[]; body?: string } | string {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !type.toLowerCase().startsWith('application/json')) {
    return 'Content-Type must be application/json';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody);
  } catch {
    return 'Invalid JSON in request body';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Request body must be an object';
  const { from, to, body } = parsed as Record<string, unknown>;
  if (from !== undefined && typeof from !== 'string') return 'from must be a string';
  if (body !== undefined && typeof body !== 'string') return 'body must be a string';
  if (to !== undefined && !(Array.isArray(to) && to.every((number) => typeof number === 'string'))) {
    return 'to must be an array of strings';
  }
  return { from, to: to as string[] | undefined, body };
}

function constraint(field: string, problem: string): SimulatedResponse {
  return sinchError(400, 'syntax_constraint_violation', `${field}: ${problem}`);
}

function invalidMsisdn(number: string): SimulatedResponse {
  return sinchError(400, 'syntax_invalid_parameter_format', `Invalid MSISDN: ${number}`);
}

function sinchError(status: number, code: string, text: string): SimulatedResponse {
  return { status, body: { code, text } };
}

function batchResource(batch: { messageId: string; from: string; to: string[]; body: string; state: ProviderState }) {
  const created = batch.state.now();
  // Sinch echoes numbers without the leading "+".
  const bare = (number: string) => number.replace(/^\+/, '');
  return {
    id: batch.messageId,
    to: batch.to.map(bare),
    from: msisdn.test(batch.from) ? bare(batch.from) : batch.from,
    canceled: false,
    body: batch.body,
    type: 'mt_text',
    created_at: created.toISOString(),
    modified_at: created.toISOString(),
    delivery_report: 'none',
    expire_at: new Date(created.getTime() + 3 * 24 * 3600 * 1000).toISOString(),
    flash_message: false,
  };
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A 26-character id in Crockford base32, the shape of Sinch's batch ids. */
function batchId(): string {
  return [...randomBytes(26)].map((byte) => crockford[byte % 32]).join('');
}
