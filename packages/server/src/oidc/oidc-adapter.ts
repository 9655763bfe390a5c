import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../clock.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import * as payloads from './queries/oidc-payloads.ts';

/**
 * oidc-provider's storage on Passline's database, for both engines. One table holds every model's
 * records. The id of a code or token is the secret itself, so rows are keyed by its SHA-256, and the
 * stored JSON leaves it out (it comes back from the id asked for). Every write resolves only once
 * committed: oidc-provider answers the browser itself, outside Fastify's `durably` hook, so an
 * authorization code is durable before the redirect that carries it leaves.
 *
 * Sessions are the one model also found by another key (`uid`, from an interaction), and that
 * lookup must give the session's id back: their JSON keeps it. Device codes (found by user code) are
 * not enabled.
 */
export function createOidcAdapterFactory(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  /** The Client model is the applications table, not this one. */
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>;
}): (model: string) => Adapter {
  const { db, durably, clock } = deps;
  const key = (id: string) => createHash('sha256').update(id).digest('base64url');

  function restore(row: payloads.OidcPayloadRow | undefined, id: string): AdapterPayload | undefined {
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    payload.jti = id;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    return payload;
  }

  return (model: string): Adapter => {
    if (model === 'Client') {
      return {
        find: (id: string) => deps.findClient(id),
        upsert: async () => {
          throw new Error('applications are managed through /api/applications');
        },
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: async () => undefined,
        destroy: async () => undefined,
        revokeByGrantId: async () => undefined,
      };
    }
    return {
      async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
        const now = clock.now();
        const { jti, consumed: _consumed, ...rest } = payload;
        const stored = model === 'Session' ? { jti, ...rest } : rest;
        await durably(() =>
          payloads.upsertOidcPayload(db, {
            model,
            id: key(id),
            payload: JSON.stringify(stored),
            // A grant's own id is what its tokens point to: kept in the clear to revoke them by it.
            grant_id: model === 'Grant' ? id : (payload.grantId ?? null),
            uid: payload.uid ?? null,
            user_code: payload.userCode ?? null,
            account_id: payload.accountId ?? null,
            client_id: payload.clientId ?? null,
            created_at: now,
            expires_at: typeof expiresIn === 'number' && expiresIn > 0 ? now + expiresIn * 1000 : null,
            consumed_at: null,
          }),
        );
      },
      async find(id: string) {
        return restore(await payloads.findOidcPayload(db, model, key(id), clock.now()), id);
      },
      async findByUid(uid: string) {
        const row = await payloads.findOidcPayloadBy(db, model, 'uid', uid, clock.now());
        const id = row ? (JSON.parse(row.payload) as AdapterPayload).jti : undefined;
        return id === undefined ? undefined : restore(row, id);
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id: string) {
        await durably(() => payloads.consumeOidcPayload(db, model, key(id), clock.now()));
      },
      async destroy(id: string) {
        await durably(() => payloads.deleteOidcPayload(db, model, key(id)));
      },
      async revokeByGrantId(grantId: string) {
        await durably(() => payloads.deleteOidcPayloadsByGrant(db, model, grantId));
      },
    };
  };
}
