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
 * The issuer and audience of access tokens: the configured public URL, or else the origin the
 * request came to (behind a trusted proxy, see PASSLINE_TRUST_PROXY, the forwarded one).
 */
export function issuerOf(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Guards an end-user route: `Authorization: Bearer <access token>`, checked against our own keys. */
export function requireUser(tokens: TokenService, publicUrl: string | undefined): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('auth.missing_credentials', 'Send an access token as "Authorization: Bearer <token>".');
    }
    try {
      const claims = await tokens.verifyAccessToken(match[1], issuerOf(request, publicUrl));
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
