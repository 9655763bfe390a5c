import type { AuditAction } from '@passline/contracts';
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditService, AuditTarget } from '../services/audit-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The audit log, decorated on the root app (like consoleSessions): every route module records
     * its changes through `audit(request, …)` without taking one more dependency.
     */
    auditLog: AuditService;
  }
}

/** Who is behind an authenticated request: the console admin, else the API key. */
export async function actorOf(request: FastifyRequest): Promise<AuditActor> {
  if (request.admin) return { type: 'admin', id: request.admin.adminId, name: request.admin.username };
  const keyId = request.principal?.keyId;
  if (keyId) return { type: 'api_key', id: keyId, name: await request.server.auditLog.apiKeyName(keyId) };
  return { type: 'anonymous', id: null, name: null };
}

/**
 * Records an administrative change made by this request, after it succeeded. `before` and `after`
 * are views that already hide secrets (the audit service redacts secret-named fields again).
 */
export async function audit(
  request: FastifyRequest,
  action: AuditAction,
  target: AuditTarget,
  change: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  await request.server.auditLog.record({
    actor: await actorOf(request),
    ip: request.ip,
    action,
    target,
    ...change,
  });
}
