import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.ts';
import type { ApiKeyService, Principal } from '../services/api-key-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/**
 * Guards a route: `admin` routes need an admin key; `verify` routes take a verify or an admin key.
 * Every route under /api except health and the OpenAPI document declares one of these. It runs
 * as an onRequest hook, before the body is read: strangers get a 401 without us parsing anything.
 */
export function requireScope(apiKeys: ApiKeyService, scope: 'admin' | 'verify'): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (!header) {
      throw new AppError('auth.missing_credentials', 'Send an API key as "Authorization: Bearer <key>".');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match?.[1] ? await apiKeys.authenticate(match[1]) : undefined;
    if (!principal) throw new AppError('auth.invalid_credentials', 'The API key is unknown or revoked.');
    if (scope === 'admin' && principal.scope !== 'admin') {
      throw new AppError('auth.insufficient_scope', 'This route needs an API key with the admin scope.');
    }
    request.principal = principal;
  };
}
