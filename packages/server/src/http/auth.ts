import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.ts';
import type { ApiKeyScope, ApiKeyService, Principal } from '../services/api-key-service.ts';

/** A console admin signed in through a session cookie. */
export interface AuthenticatedAdmin {
  sessionId: string;
  adminId: string;
  username: string;
  csrfToken: string;
  expiresAt: number;
}

/**
 * What the guards need of console sign-in. The console-auth slice implements it and main.ts hands
 * it to buildHttpApp, so the HTTP core never depends on the slice.
 */
export interface ConsoleSessions {
  /** The admin behind a session token, or undefined when the session is unknown or expired. */
  authenticate(token: string): Promise<AuthenticatedAdmin | undefined>;
  csrfMatches(admin: AuthenticatedAdmin, csrfToken: string | undefined): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Set when a console session (not an API key) authenticated the request. */
    admin: AuthenticatedAdmin | undefined;
  }
  interface FastifyInstance {
    /**
     * Console sessions, decorated on the root app. Route modules keep calling
     * `requireScope(apiKeys, 'admin')` and get session support without each taking one more
     * dependency.
     */
    consoleSessions: ConsoleSessions | undefined;
  }
}

export const sessionCookieName = 'passline_session';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards a route: `admin` routes need an admin key or a console session (plus its CSRF token on
 * anything but GET/HEAD); `verify` and `relay` routes take a key of that scope or an admin key. Every route under /api
 * except health, the OpenAPI document and the console's sign-in routes declares one of these. It
 * runs as an onRequest hook, before the body is read: strangers get a 401 without us parsing
 * anything.
 */
export function requireScope(apiKeys: ApiKeyService, scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    const sessionToken = request.cookies?.[sessionCookieName];
    if (!header && scope === 'admin' && sessionToken && request.server.consoleSessions) {
      const admin = await requireConsoleSession(request.server.consoleSessions, request);
      request.principal = { keyId: `console:${admin.username}`, scope: 'admin' };
      return;
    }
    if (!header) {
      throw new AppError(
        'auth.missing_credentials',
        scope === 'admin' ? 'Send an API key as "Authorization: Bearer <key>", or sign in to the console.' : undefined,
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = match?.[1] ? await apiKeys.authenticate(match[1]) : undefined;
    if (!principal) throw new AppError('auth.invalid_credentials');
    // A relay key only reaches the integration endpoints: it cannot send or check codes itself.
    if (principal.scope !== scope && principal.scope !== 'admin') {
      throw new AppError('auth.insufficient_scope');
    }
    request.principal = principal;
  };
}

/**
 * The console session behind the request's cookie, with the CSRF check for state-changing
 * methods. SameSite=Strict already keeps other sites' requests from carrying the cookie; the CSRF
 * header is the second lock for browsers or proxies that get SameSite wrong.
 */
export async function requireConsoleSession(
  sessions: ConsoleSessions,
  request: FastifyRequest,
): Promise<AuthenticatedAdmin> {
  const token = request.cookies?.[sessionCookieName];
  const admin = token ? await sessions.authenticate(token) : undefined;
  if (!admin) throw new AppError('auth.session_invalid');
  if (!safeMethods.has(request.method)) {
    const csrf = request.headers['x-csrf-token'];
    if (!sessions.csrfMatches(admin, typeof csrf === 'string' ? csrf : undefined)) {
      throw new AppError('auth.csrf_invalid');
    }
  }
  request.admin = admin;
  return admin;
}
