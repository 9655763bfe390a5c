import { createHash, randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/codes.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { open, seal, sealContext, UnreadableSecretError } from '../crypto/secret-box.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { type EventLogger, logEvent } from '../metrics/security-events.ts';
import type { Database } from '../storage/schema.ts';
import * as refreshTokens from './queries/refresh-tokens.ts';
import { insertSigningKey, listSigningKeys, retireSigningKeys } from './queries/signing-keys.ts';
import { findUserById, type UserRow } from './queries/users.ts';

export const accessTokenSeconds = 15 * 60;
export const refreshTokenMs = 30 * 86_400_000;
/** The longest-lived token a signing key signs (OpenID Connect ID tokens: one hour), with margin. */
const retiredKeyPublishedMs = 86_400_000;
/** How long an instance trusts its list of signing keys before it looks for a rotation. */
const keyListMs = 60_000;
const algorithm = 'ES256';

export interface TokenSet {
  user: { id: string; phone: string };
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  phone_number: string;
  phone_number_verified: boolean;
  /** The session (refresh-token family) the token was issued to. */
  sid?: string;
  /** When the user last proved who they are (seconds), unchanged by refreshes; absent if unknown. */
  auth_time?: number;
}

/** A session's refresh token as just issued, and what its access tokens carry. */
/** Who is calling an end-user route, from the verified access token. */
export interface EndUser {
  id: string;
  /** The session (refresh-token family) the token belongs to; absent in tokens issued before sessions were named. */
  sessionId?: string;
  /** When the user last proved who they are, in milliseconds; absent when unknown. */
  authTime?: number;
}

export interface IssuedSession {
  refreshToken: string;
  familyId: string;
  /** Milliseconds; null for sessions issued before this was recorded. */
  authTime: number | null;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  sealedPrivateJwk: string;
  /** Decrypted at the first signature: the JWKS and token checks need no encryption key. */
  privateKey?: Promise<CryptoKey>;
}

export type TokenService = ReturnType<typeof createTokenService>;

/**
 * Access tokens are short-lived ES256 JWTs that anyone can verify with the published JWKS; refresh
 * tokens are opaque random strings stored only as hashes, rotated on every use.
 */
export function createTokenService(deps: {
  db: Kysely<Database>;
  keys: KeyRing;
  clock: Clock;
  /** Refresh-token reuse, counted and logged; optional for tests that only need tokens. */
  metrics?: Metrics;
  logger?: EventLogger;
}) {
  const { db, clock } = deps;
  let loaded: Promise<LoadedKey[]> | undefined;
  let loadedAt = 0;

  async function loadKeys(): Promise<LoadedKey[]> {
    let rows = await listSigningKeys(db);
    if (rows.length === 0) {
      await createSigningKey();
      rows = await listSigningKeys(db);
    }
    return Promise.all(
      rows.map(async (row) => {
        const publicJwk = JSON.parse(row.public_jwk) as JWK;
        return {
          kid: row.id,
          publicJwk,
          publicKey: (await importJWK(publicJwk, algorithm)) as CryptoKey,
          sealedPrivateJwk: row.private_jwk,
        };
      }),
    );
  }

  function privateKeyOf(key: LoadedKey): Promise<CryptoKey> {
    // A key that cannot be opened throws here, before anything is cached: nothing to clear later.
    key.privateKey ??= importJWK(openPrivateJwk(key), algorithm) as Promise<CryptoKey>;
    return key.privateKey;
  }

  function openPrivateJwk(key: LoadedKey): JWK {
    try {
      return JSON.parse(open(deps.keys, key.sealedPrivateJwk, sealContext.signingKey(key.kid))) as JWK;
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      throw new AppError(
        'token.signing_key_unreadable',
        `The token signing key ${key.kid} cannot be decrypted: ${error.message}.`,
        error.keyId ? { keyId: error.keyId } : undefined,
        undefined,
        { cause: error },
      );
    }
  }

  async function createSigningKey(trx: Kysely<Database> = db): Promise<void> {
    const pair = await generateKeyPair(algorithm, { extractable: true });
    const kid = newId('key');
    const { kty, crv, x, y } = await exportJWK(pair.publicKey);
    const publicJwk: JWK = { kty, crv, x, y, kid, alg: algorithm, use: 'sig' };
    await insertSigningKey(trx, {
      id: kid,
      algorithm,
      public_jwk: JSON.stringify(publicJwk),
      // The private half is encrypted at rest, bound to its kid.
      private_jwk: seal(deps.keys, JSON.stringify(await exportJWK(pair.privateKey)), sealContext.signingKey(kid)),
      created_at: clock.now(),
      retired_at: null,
    });
  }

  function signingKeys(): Promise<LoadedKey[]> {
    // Another instance may have rotated the keys: the list is read again after a minute.
    if (loaded && clock.now() - loadedAt > keyListMs) loaded = undefined;
    if (!loaded) loadedAt = clock.now();
    loaded ??= loadKeys().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  }

  async function keyForKid(kid: string | undefined): Promise<CryptoKey> {
    let found = (await signingKeys()).find((key) => key.kid === kid);
    if (!found && kid) {
      // Another instance may have added a key since this one loaded its list.
      loaded = undefined;
      found = (await signingKeys()).find((key) => key.kid === kid);
    }
    if (!found) throw new AppError('auth.invalid_token', 'The access token was not signed by this server.');
    return found.publicKey;
  }

  async function signAccessToken(
    user: Pick<UserRow, 'id' | 'phone'>,
    session: IssuedSession,
    issuer: string,
  ): Promise<string> {
    const [key] = await signingKeys();
    if (!key) throw new Error('no signing key');
    const now = Math.floor(clock.now() / 1000);
    return new SignJWT({
      phone_number: user.phone,
      phone_number_verified: true,
      sid: session.familyId,
      // OpenID Connect's name and unit (seconds).
      auth_time: session.authTime !== null ? Math.floor(session.authTime / 1000) : undefined,
    })
      .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + accessTokenSeconds)
      .setJti(newId('at'))
      .sign(await privateKeyOf(key));
  }

  function hashRefreshToken(token: string): string {
    // 256 random bits: a fast hash is enough, as for API keys.
    return createHash('sha256').update(token).digest('hex');
  }

  /**
   * Stores a new refresh token, in `trx` when the caller writes other rows with it. Nothing else
   * touches the database here: on SQLite a query outside the open transaction would wait forever.
   * Without options it starts a new session authenticated now (a sign-in); a rotation passes its
   * family and the family's authentication time on.
   */
  async function createRefreshToken(
    trx: Kysely<Database>,
    userId: string,
    session: { familyId?: string; authTime?: number | null } = {},
  ): Promise<IssuedSession> {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    const now = clock.now();
    const familyId = session.familyId ?? newId('fam');
    const authTime = session.authTime === undefined ? now : session.authTime;
    await refreshTokens.insertRefreshToken(trx, {
      id: newId('rtk'),
      user_id: userId,
      family_id: familyId,
      token_hash: hashRefreshToken(refreshToken),
      expires_at: now + refreshTokenMs,
      created_at: now,
      rotated_at: null,
      revoked_at: null,
      auth_time: authTime,
    });
    return { refreshToken, familyId, authTime };
  }

  /** The response of every grant: signs the access token (after the caller's transaction committed). */
  async function tokenSet(
    user: Pick<UserRow, 'id' | 'phone'>,
    session: IssuedSession,
    issuer: string,
  ): Promise<TokenSet> {
    return {
      user: { id: user.id, phone: user.phone },
      accessToken: await signAccessToken(user, session, issuer),
      refreshToken: session.refreshToken,
      tokenType: 'Bearer',
      expiresIn: accessTokenSeconds,
    };
  }

  const invalidGrant = () => new AppError('token.invalid_grant');

  /** A used refresh token came back: its whole session is revoked, and that is worth an alert. */
  async function reuseDetected(row: { user_id: string; family_id: string }, now: number): Promise<AppError> {
    await refreshTokens.revokeRefreshTokensByFamily(db, row.family_id, now);
    deps.metrics?.refreshTokenReused();
    logEvent(deps.logger, 'token.refresh_reuse_detected', { userId: row.user_id, sessionId: row.family_id });
    return invalidGrant();
  }

  return {
    createRefreshToken,
    tokenSet,

    /** The public keys, for `/.well-known/jwks.json`. */
    async jwks(): Promise<{ keys: JWK[] }> {
      return { keys: (await signingKeys()).map((key) => key.publicJwk) };
    },

    /** The key ids, signer first: tells the OpenID Connect provider when the keys changed. */
    async keyIds(): Promise<string[]> {
      return (await signingKeys()).map((key) => key.kid);
    },

    /**
     * The private keys, signer first, for the OpenID Connect provider (it signs ID tokens with the
     * first). Opening them needs the encryption key that sealed them.
     */
    async privateJwks(): Promise<JWK[]> {
      return (await signingKeys()).map((key) => ({ ...openPrivateJwk(key), ...key.publicJwk }));
    },

    /**
     * A new key signs from now on; the previous ones stay published a day (longer than any token
     * they signed lives), then a later rotation forgets them.
     */
    async rotateSigningKey(): Promise<string> {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await retireSigningKeys(trx, now, now - retiredKeyPublishedMs);
        await createSigningKey(trx);
      });
      loaded = undefined;
      const [signer] = await signingKeys();
      if (!signer) throw new Error('no signing key after rotation');
      return signer.kid;
    },

    async verifyAccessToken(token: string, issuer: string): Promise<AccessTokenClaims> {
      try {
        const { payload } = await jwtVerify<AccessTokenClaims>(token, (header) => keyForKid(header.kid), {
          algorithms: [algorithm],
          issuer,
          audience: issuer,
          currentDate: new Date(clock.now()),
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        return payload;
      } catch {
        throw new AppError('auth.invalid_token');
      }
    },

    /**
     * Exchanges a refresh token for a new pair. A token is good for one exchange: presenting it
     * again means it leaked (or the client is broken), and every token of that sign-in is revoked.
     */
    async refresh(token: string, issuer: string): Promise<TokenSet> {
      const now = clock.now();
      const row = await refreshTokens.findRefreshTokenByHash(db, hashRefreshToken(token));
      if (!row || row.revoked_at !== null || row.expires_at <= now) throw invalidGrant();
      if (row.rotated_at !== null) throw await reuseDetected(row, now);
      const rotated = await db.transaction().execute(async (trx) => {
        if (!(await refreshTokens.markRefreshTokenRotated(trx, row.id, now))) return undefined;
        const user = await findUserById(trx, row.user_id);
        if (!user) return undefined;
        // Suspension revokes the sessions too; this refuses a token rotated in the same instant.
        if (user.suspended_at !== null) throw new AppError('account.suspended');
        // Same session, same authentication time: a refresh never makes a session "recent".
        const session = await createRefreshToken(trx, user.id, { familyId: row.family_id, authTime: row.auth_time });
        return { user, session };
      });
      if (!rotated) {
        // Lost a race against another use of the same token: that is reuse too.
        throw await reuseDetected(row, now);
      }
      return tokenSet(rotated.user, rotated.session, issuer);
    },

    /** Sign-out: revokes the token's whole family. Unknown tokens are ignored (RFC 7009). */
    async revoke(token: string): Promise<void> {
      const row = await refreshTokens.findRefreshTokenByHash(db, hashRefreshToken(token));
      if (row) await refreshTokens.revokeRefreshTokensByFamily(db, row.family_id, clock.now());
    },

    /** Ends every session of a user (after a password reset). */
    async revokeAllForUser(trx: Kysely<Database>, userId: string): Promise<number> {
      return refreshTokens.revokeRefreshTokensByUser(trx, userId, clock.now());
    },

    /** Ends every session of a user but one (after a number change, the one that changed it). */
    async revokeOtherSessions(
      trx: Kysely<Database>,
      userId: string,
      keepFamilyId: string | undefined,
    ): Promise<number> {
      return refreshTokens.revokeRefreshTokensByUser(trx, userId, clock.now(), keepFamilyId);
    },

    /**
     * Re-authentication inside a session: its live refresh tokens are revoked and a new one, in the
     * same family (same `sid`), carries the new authentication time. A session from before `sid`
     * existed gets a new family.
     */
    async reauthenticate(trx: Kysely<Database>, userId: string, familyId: string | undefined): Promise<IssuedSession> {
      if (familyId) await refreshTokens.revokeRefreshTokensByFamily(trx, familyId, clock.now(), userId);
      return createRefreshToken(trx, userId, familyId ? { familyId } : {});
    },
  };
}
