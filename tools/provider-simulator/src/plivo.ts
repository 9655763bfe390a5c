import { randomUUID } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * Plivo's Message API (`POST /v1/Account/{auth_id}/Message/`): HTTP Basic auth with the Auth ID and
 * Auth Token, a JSON body `{ src | powerpack_uuid, dst, text }`, 202 with
 * `{ api_id, message, message_uuid: [...] }`, and errors as `{ api_id, error }`.
 */
const apiPrefix = '/v1/Account/';
const messagePath = /^\/v1\/Account\/([^/]+)\/Message\/?$/;
// Plivo takes numbers in E.164 form with or without the leading +.
const number = /^\+?[1-9]\d{1,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;
const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const maxTextLength = 1600;

export const plivoSimulation: ProviderSimulation = {
  name: 'plivo',
  matches: (request) => request.url.pathname.startsWith(apiPrefix),
  handle(request, state) {
    const apiId = randomUUID();
    const answer = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => ({
      status,
      headers,
      body: { api_id: apiId, ...body },
    });
    const error = (status: number, text: string, headers?: Record<string, string>): SimulatedResponse =>
      answer(status, { error: text }, headers);

    // Failures of Plivo's own infrastructure come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error') return error(500, 'unexpected error');

    const account = authenticate(request, state);
    if (!account) return error(401, 'authentication failed', { 'WWW-Authenticate': 'Basic realm="Plivo API"' });
    const route = messagePath.exec(request.url.pathname);
    if (!route || request.method !== 'POST') return error(404, 'not found');
    // A request for another account's resources is refused like wrong credentials.
    if (decodeURIComponent(route[1] ?? '') !== account) return error(401, 'authentication failed');

    const body = readJson(request);
    if (!body) return error(400, 'invalid json data');
    const { src, dst, text, powerpack_uuid: powerpack } = body;
    if (typeof dst !== 'string' || !dst) return error(400, 'Missing mandatory parameter: dst');
    if (typeof text !== 'string' || !text) return error(400, 'Missing mandatory parameter: text');
    if (src !== undefined && powerpack !== undefined) {
      return error(400, 'Both powerpack_uuid and src cannot be specified');
    }
    if (src === undefined && powerpack === undefined) {
      return error(400, 'Either src or powerpack_uuid should be specified');
    }
    if (src !== undefined && (typeof src !== 'string' || !(number.test(src) || alphanumericSender.test(src)))) {
      return error(400, `src parameter not valid: ${String(src)}`);
    }
    if (powerpack !== undefined && (typeof powerpack !== 'string' || !uuid.test(powerpack))) {
      return error(400, 'powerpack_uuid not valid');
    }
    if (!number.test(dst)) return error(400, `invalid dst parameter: ${dst}`);
    if ([...text].length > maxTextLength) return error(400, 'text parameter length exceeds 1600 characters');

    if (state.failure === 'rate_limited') return error(429, 'too many requests', { 'Retry-After': '1' });
    if (state.failure === 'invalid_number') return error(400, `invalid dst parameter: ${dst}`);
    if (state.failure === 'rejected') return error(403, 'message to this destination is not allowed for this account');

    const messageId = randomUUID();
    const sender = typeof src === 'string' ? src : String(powerpack);
    state.deliver({ provider: 'plivo', to: dst, text, sender, messageId });
    return answer(202, { message: 'message(s) queued', message_uuid: [messageId] });
  },
};

/** The account the Basic credentials belong to, or undefined when they are not the simulator's. */
function authenticate(request: SimulatedRequest, state: ProviderState): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const { authId, authToken } = state.credentials.plivo;
  const user = decoded.slice(0, colon);
  return user === authId && decoded.slice(colon + 1) === authToken ? user : undefined;
}

function readJson(request: SimulatedRequest): Record<string, unknown> | undefined {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !type.toLowerCase().startsWith('application/json')) return undefined;
  try {
    const parsed: unknown = JSON.parse(request.rawBody);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
