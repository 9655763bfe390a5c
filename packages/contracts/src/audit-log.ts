import * as z from 'zod/mini';

/**
 * Who made an audited change: a console admin, an API key (by name and id), the CLI, the
 * first-run setup token, or nobody known (a failed console sign-in).
 */
export const auditActorTypes = ['admin', 'api_key', 'cli', 'setup', 'anonymous'] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

/** The actions Passline records, in families (`connector.*`, …). Names are stable. */
export const auditActions = [
  'connector.create',
  'connector.update',
  'connector.activate',
  'connector.delete',
  'routing.update',
  'settings.update',
  'protection.update',
  'protection.block_clear',
  'api_key.create',
  'api_key.revoke',
  'admin.create',
  'admin.sign_in',
  'admin.sign_in_failed',
  'admin.locked_out',
  'admin.sign_out',
  'admin.two_factor_enable',
  'admin.two_factor_disable',
  'admin.recovery_code_used',
  'admin.recovery_codes_regenerate',
  'admin.security_update',
  'user.suspend',
  'user.unsuspend',
  'user.delete',
  'user.sessions_revoke',
  'application.create',
  'application.update',
  'application.delete',
  'application.secret_rotate',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** One audit log entry (GET /api/audit-log). Secrets never appear in `before` or `after`. */
export const auditEntrySchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    actor: z.object({
      type: z.enum(auditActorTypes),
      id: z.nullable(z.string()).check(z.describe('The admin id (adm_…) or API key id (key_…).')),
      name: z.nullable(z.string()).check(z.describe("The admin's username or the API key's name.")),
    }),
    ip: z.nullable(z.string()).check(z.describe('The client address (behind trusted proxies, the forwarded one).')),
    action: z.string().check(z.describe('A stable name such as connector.update; see docs/api.md.')),
    target: z.object({
      type: z.string().check(z.describe('connector, routing, settings, api_key, admin, user, application, …')),
      id: z.nullable(z.string()),
    }),
    before: z.nullable(z.unknown()).check(z.describe('The state before the change, secrets redacted; null on create.')),
    after: z.nullable(z.unknown()).check(z.describe('The state after the change, secrets redacted; null on delete.')),
  })
  .check(z.describe('AuditEntry'));
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.nullable(z.string()),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
