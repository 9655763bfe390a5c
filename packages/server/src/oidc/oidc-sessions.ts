import type { Kysely } from 'kysely';
import type { UserSessionRecord, UserSessionSource } from '../accounts/user-admin/user-session-source.ts';
import type { Clock } from '../clock.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import type { ApplicationService } from './application-service.ts';
import { deleteOidcPayloadsByAccount, listGrantsOfAccount } from './queries/oidc-payloads.ts';

/** An end user's OpenID Connect sign-ins, one per application grant, for the users admin. */
export function createOidcSessions(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  applications: ApplicationService;
}): UserSessionSource {
  return {
    async list(userId: string): Promise<UserSessionRecord[]> {
      const grants = await listGrantsOfAccount(deps.db, userId, deps.clock.now());
      const names = await deps.applications.names([...new Set(grants.map((grant) => grant.clientId))]);
      return grants.map((grant) => ({
        id: grant.grantId,
        kind: 'application',
        application: { id: grant.clientId, name: names.get(grant.clientId) ?? grant.clientId },
        createdAt: grant.createdAt,
        lastUsedAt: grant.lastUsedAt,
        expiresAt: grant.expiresAt,
      }));
    },
    /** Grants, sessions, codes and tokens: each application must sign the user in again. */
    async revokeAll(userId: string): Promise<number> {
      const grants = await listGrantsOfAccount(deps.db, userId, deps.clock.now());
      await deps.durably(() => deleteOidcPayloadsByAccount(deps.db, userId));
      return grants.length;
    },
  };
}
