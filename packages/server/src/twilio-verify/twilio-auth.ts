import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.ts';
import { type ApiKeyService, accountSidFor } from '../services/api-key-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on /v2 requests once Basic auth succeeded: the Account SID the key answers to. */
    twilioAccountSid: string | undefined;
  }
}

/** `Authorization: Basic base64(user:password)`, split at the first colon (keys contain none). */
function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Twilio's authentication: HTTP Basic with the Account SID as user and the API key as password
 * (Twilio's auth token). The key is found by its hash, as on every other route; the SID must be the
 * one derived from that key. The SID is not a secret (it names the key), so comparing it in
 * constant time is belt and braces, but cheap. Verify and admin keys are accepted.
 */
export function requireTwilioAccount(apiKeys: ApiKeyService): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) {
      throw new AppError('auth.missing_credentials', 'Send the Account SID and API key as HTTP Basic credentials.');
    }
    const principal = credentials.password ? await apiKeys.authenticate(credentials.password) : undefined;
    if (!principal) throw new AppError('auth.invalid_credentials');
    if (principal.scope !== 'verify' && principal.scope !== 'admin') throw new AppError('auth.insufficient_scope');
    const accountSid = accountSidFor(principal.keyId);
    if (!sameText(credentials.user, accountSid)) throw new AppError('auth.invalid_credentials');
    request.principal = principal;
    request.twilioAccountSid = accountSid;
  };
}

/** The authenticated Account SID (the hook above always ran before a handler). */
export function accountOf(request: FastifyRequest): string {
  const sid = request.twilioAccountSid;
  if (!sid) throw new AppError('auth.missing_credentials');
  return sid;
}
