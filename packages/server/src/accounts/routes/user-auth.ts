import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../../errors.ts';
import type { EndUser, TokenService } from '../token-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The end user of a route guarded by `requireUser`. */
    endUser: EndUser | undefined;
  }
}

/**
 * Guards an end-user route: `Authorization: Bearer <access token>`, checked against our own keys
 * and the issuer (PASSLINE_PUBLIC_URL, never the request's Host header).
 */
export function requireUser(tokens: TokenService, issuer: () => string): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('auth.missing_credentials', 'Send an access token as "Authorization: Bearer <token>".');
    }
    try {
      const claims = await tokens.verifyAccessToken(match[1], issuer());
      request.endUser = {
        id: claims.sub,
        sessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
        authTime: typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : undefined,
      };
    } catch (error) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
  };
}
