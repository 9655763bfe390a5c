import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { configuredKeyIds, type KeyRing } from '../crypto/keys.ts';
import { reseal, sealContext, sealedKeyId, UnreadableSecretError } from '../crypto/secret-box.ts';
import * as sealedValues from '../storage/queries/sealed-values.ts';
import type { Database } from '../storage/schema.ts';

export interface ResealCounts {
  /** Re-encrypted under the current key by this run. */
  reencrypted: number;
  /** Already under the current key. */
  alreadyCurrent: number;
  /** Rewritten by a running instance while this run was under way (under its own current key). */
  changedMeanwhile: number;
}

export interface RotationResult {
  keyId: string;
  connectorSecrets: ResealCounts;
  signingKeys: ResealCounts;
  applicationSecrets: ResealCounts;
  /** The Supabase Send SMS hook secret (none or one). */
  integrationSecrets: ResealCounts;
  /** Console admins' TOTP secrets (two-factor sign-in). */
  adminTwoFactorSecrets: ResealCounts;
  /**
   * Codes in flight hashed under another key (or before key ids). Codes cannot be re-hashed: they
   * need their key until they expire, at `lastExpiresAt` at the latest.
   */
  codesUnderOtherKeys: { count: number; lastExpiresAt: number | null };
}

/** How many stored values use each key id, for the start-up log. */
export interface KeyUsage {
  keyId: string;
  connectorSecrets: number;
  signingKeys: number;
  applicationSecrets: number;
  integrationSecrets: number;
  adminTwoFactorSecrets: number;
  codesInFlight: number;
}

export class KeyRotationError extends Error {
  override readonly name = 'KeyRotationError';
}

export type KeyRotationService = ReturnType<typeof createKeyRotationService>;

/**
 * Moves every sealed value (connector secrets, signing keys, application secrets, the Supabase hook secret, admins' TOTP secrets) under the current encryption key, so
 * the previous keys can be removed. Sealed values are few (one per connector and signing key), so
 * they are read whole, in one transaction.
 */
export function createKeyRotationService(deps: { db: Kysely<Database>; keys: KeyRing; clock: Clock }) {
  const { db, keys, clock } = deps;

  const tables = [
    {
      name: 'connectorSecrets' as const,
      label: 'connector',
      list: sealedValues.listSealedConnectorSecrets,
      replace: sealedValues.replaceSealedConnectorSecrets,
      context: sealContext.connector,
    },
    {
      name: 'signingKeys' as const,
      label: 'signing key',
      list: sealedValues.listSealedSigningKeys,
      replace: sealedValues.replaceSealedSigningKey,
      context: sealContext.signingKey,
    },
    {
      name: 'applicationSecrets' as const,
      label: 'application',
      list: sealedValues.listSealedApplicationSecrets,
      replace: sealedValues.replaceSealedApplicationSecret,
      context: sealContext.applicationSecret,
    },
    {
      name: 'integrationSecrets' as const,
      label: 'integration',
      list: sealedValues.listSealedHookSecrets,
      replace: sealedValues.replaceSealedHookSecret,
      context: sealContext.integration,
    },
    {
      name: 'adminTwoFactorSecrets' as const,
      label: 'admin two-factor secret',
      list: sealedValues.listSealedAdminTotpSecrets,
      replace: sealedValues.replaceSealedAdminTotpSecret,
      context: sealContext.adminTotp,
    },
  ];

  return {
    /**
     * Re-encrypts, all or nothing: a value that no configured key opens stops the run before
     * anything is committed, and the error names every such value and its key id. A second run
     * changes nothing.
     */
    async rotate(): Promise<RotationResult> {
      const counts = await db.transaction().execute(async (trx) => {
        const problems: string[] = [];
        const result = {} as Record<(typeof tables)[number]['name'], ResealCounts>;
        for (const table of tables) {
          const tally: ResealCounts = { reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0 };
          for (const row of await table.list(trx)) {
            let next: string | undefined;
            try {
              next = reseal(keys, row.sealed, table.context(row.id));
            } catch (error) {
              if (!(error instanceof UnreadableSecretError)) throw error;
              problems.push(`${table.label} ${row.id}: ${error.message}`);
              continue;
            }
            if (next === undefined) tally.alreadyCurrent += 1;
            else if (await table.replace(trx, row.id, row.sealed, next)) tally.reencrypted += 1;
            else tally.changedMeanwhile += 1;
          }
          result[table.name] = tally;
        }
        if (problems.length > 0) {
          throw new KeyRotationError(
            `Nothing was changed: ${problems.length} stored value${problems.length === 1 ? '' : 's'} cannot be decrypted with the configured keys:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
          );
        }
        return result;
      });
      const others = (await sealedValues.countCodesInFlightByKeyId(db, clock.now())).filter(
        (group) => group.keyId !== keys.keyId,
      );
      return {
        keyId: keys.keyId,
        ...counts,
        codesUnderOtherKeys: {
          count: others.reduce((sum, group) => sum + group.count, 0),
          lastExpiresAt: others.length ? Math.max(...others.map((group) => group.lastExpiresAt)) : null,
        },
      };
    },

    usage,

    /** Lines for the start-up log: values whose key is not configured, and values that await rotation. */
    async startupNotes(): Promise<Array<{ level: 'warn' | 'info'; message: string }>> {
      const configured = new Set(configuredKeyIds(keys));
      const notes: Array<{ level: 'warn' | 'info'; message: string }> = [];
      for (const keyUsage of await usage()) {
        if (keyUsage.keyId === keys.keyId) continue;
        const sealed = describeSealed(keyUsage);
        if (!configured.has(keyUsage.keyId)) {
          if (sealed) {
            notes.push({
              level: 'warn',
              message: `Stored secrets were encrypted with key id ${keyUsage.keyId}, which is not configured (${sealed}): they cannot be decrypted, and the features that need them answer 503. Set PASSLINE_ENCRYPTION_KEY to that key, or add it to PASSLINE_ENCRYPTION_KEYS_PREVIOUS.`,
            });
          }
          if (keyUsage.codesInFlight > 0) {
            notes.push({
              level: 'warn',
              message: `${plural(keyUsage.codesInFlight, 'verification code')} in flight ${keyUsage.codesInFlight === 1 ? 'was' : 'were'} issued under key id ${keyUsage.keyId}, which is not configured: they cannot be checked, and their users must request a new code.`,
            });
          }
        } else if (sealed) {
          notes.push({
            level: 'info',
            message: `Stored secrets still use the previous key id ${keyUsage.keyId} (${sealed}); run \`passline keys rotate\` to re-encrypt them under key id ${keys.keyId}.`,
          });
        }
      }
      return notes;
    },
  };

  /** Stored values per key id, the current key first, then previous keys, then any other. */
  async function usage(): Promise<KeyUsage[]> {
    const byKeyId = new Map<string, KeyUsage>(
      configuredKeyIds(keys).map((keyId) => [
        keyId,
        {
          keyId,
          connectorSecrets: 0,
          signingKeys: 0,
          applicationSecrets: 0,
          integrationSecrets: 0,
          adminTwoFactorSecrets: 0,
          codesInFlight: 0,
        },
      ]),
    );
    const entry = (keyId: string) => {
      let found = byKeyId.get(keyId);
      if (!found) {
        found = {
          keyId,
          connectorSecrets: 0,
          signingKeys: 0,
          applicationSecrets: 0,
          integrationSecrets: 0,
          adminTwoFactorSecrets: 0,
          codesInFlight: 0,
        };
        byKeyId.set(keyId, found);
      }
      return found;
    };
    for (const table of tables) {
      for (const row of await table.list(db)) {
        try {
          entry(sealedKeyId(row.sealed))[table.name] += 1;
        } catch {
          // A value without a readable key id is reported when it is used; it names no key to configure.
        }
      }
    }
    for (const group of await sealedValues.countCodesInFlightByKeyId(db, clock.now())) {
      // Hashes from before key ids were checked against every configured key; they name none.
      if (group.keyId !== null) entry(group.keyId).codesInFlight += group.count;
    }
    return [...byKeyId.values()];
  }
}

function describeSealed(usage: KeyUsage): string {
  return [
    usage.connectorSecrets ? plural(usage.connectorSecrets, 'connector secret') : '',
    usage.signingKeys ? plural(usage.signingKeys, 'token signing key') : '',
    usage.applicationSecrets ? plural(usage.applicationSecrets, 'application secret') : '',
    usage.integrationSecrets ? plural(usage.integrationSecrets, 'integration hook secret') : '',
    usage.adminTwoFactorSecrets ? plural(usage.adminTwoFactorSecrets, 'admin two-factor secret') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
