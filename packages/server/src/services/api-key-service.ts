import { createHash } from 'node:crypto';
import type { ApiKeyScope } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { generateApiKey, hashApiKey, newId } from '../crypto/codes.ts';
import { AppError } from '../errors.ts';
import type { ApiKeyRow } from '../storage/queries/api-keys.ts';
import * as apiKeyQueries from '../storage/queries/api-keys.ts';
import type { Database } from '../storage/schema.ts';

export type { ApiKeyScope };

/**
 * The Account SID a verify key answers to in Twilio-style Basic auth (`AC` + 32 hex). Derived from
 * the key's id, so it needs no column and never changes; it names the key, the key itself is the
 * secret (Twilio's auth token).
 */
export function accountSidFor(keyId: string): string {
  return `AC${createHash('sha256').update(`passline:account-sid:${keyId}`).digest('hex').slice(0, 32)}`;
}

export interface ApiKeyView {
  id: string;
  name: string;
  scope: ApiKeyScope;
  /** The first characters, enough to recognise a key in a list. */
  prefix: string;
  /** Verify keys only (see accountSidFor). */
  accountSid: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Principal {
  keyId: string;
  scope: ApiKeyScope;
}

const view = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  scope: row.scope,
  prefix: row.key_prefix,
  accountSid: row.scope === 'verify' ? accountSidFor(row.id) : null,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
});

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/**
 * API keys are stored as SHA-256 hashes only. Lookups are cached per instance for `cacheMs` so a
 * busy API does not read the key table on every request; a revoke on this instance applies at
 * once, on other instances within `cacheMs`.
 */
export function createApiKeyService(deps: { db: Kysely<Database>; clock: Clock; cacheMs?: number }) {
  const cacheMs = deps.cacheMs ?? 5000;
  const cache = new Map<string, { principal: Principal | undefined; until: number }>();
  const lastUsedWritten = new Map<string, number>();

  return {
    async create(input: { name: string; scope: ApiKeyScope }): Promise<{ key: string; apiKey: ApiKeyView }> {
      const key = generateApiKey();
      const row: ApiKeyRow = {
        id: newId('key'),
        name: input.name,
        scope: input.scope,
        key_hash: hashApiKey(key),
        key_prefix: key.slice(0, 9),
        created_at: deps.clock.now(),
        last_used_at: null,
        revoked_at: null,
      };
      await apiKeyQueries.insertApiKey(deps.db, row);
      return { key, apiKey: view(row) };
    },

    async list(): Promise<ApiKeyView[]> {
      return (await apiKeyQueries.listApiKeys(deps.db)).map(view);
    },

    async revoke(id: string): Promise<void> {
      const revoked = await apiKeyQueries.revokeApiKeyById(deps.db, id, deps.clock.now());
      cache.clear();
      if (!revoked) throw new AppError('request.invalid', `No active API key "${id}".`);
    },

    async authenticate(key: string): Promise<Principal | undefined> {
      const now = deps.clock.now();
      const keyHash = hashApiKey(key);
      const hit = cache.get(keyHash);
      if (hit && hit.until > now) return hit.principal;
      const row = await apiKeyQueries.findApiKeyByHash(deps.db, keyHash);
      const principal = row && row.revoked_at === null ? { keyId: row.id, scope: row.scope } : undefined;
      if (cache.size > 10_000) cache.clear();
      // Only known keys are cached: a key created a moment ago by the CLI must work at once.
      if (principal) cache.set(keyHash, { principal, until: now + cacheMs });
      // "Last used" is for humans reviewing keys; writing it at most once a minute keeps it off the hot path.
      if (principal && (lastUsedWritten.get(principal.keyId) ?? 0) < now - 60_000) {
        lastUsedWritten.set(principal.keyId, now);
        void apiKeyQueries.updateApiKeyLastUsed(deps.db, principal.keyId, now).catch(() => undefined);
      }
      return principal;
    },
  };
}
