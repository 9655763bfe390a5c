import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../storage/schema.ts';
import { listLiveFamilies, revokeLiveTokens } from './user-admin-queries.ts';
import type { UserSessionSource } from './user-session-source.ts';

/**
 * The sessions of the Experience API and the hosted pages: one per refresh-token family that still
 * has a live token. Ending them revokes the live tokens; a rotated token of the family presented
 * later counts as reuse and is refused too.
 */
export function createPasslineSessionSource(deps: { db: Kysely<Database>; clock: Clock }): UserSessionSource {
  const { db, clock } = deps;
  return {
    async list(userId) {
      const families = await listLiveFamilies(db, userId, clock.now());
      return families.map((family) => ({
        id: family.familyId,
        kind: 'passline',
        application: null,
        createdAt: family.createdAt,
        lastUsedAt: family.lastUsedAt,
        expiresAt: family.expiresAt,
      }));
    },

    async revokeAll(userId) {
      return (await revokeLiveTokens(db, userId, clock.now())).length;
    },
  };
}
