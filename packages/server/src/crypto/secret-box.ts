import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type KeyRing, keyById } from './keys.ts';

interface SealedV1 {
  v: 1;
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

/**
 * A sealed value that none of the configured keys opens. `keyId` says which key wrote it;
 * `keyMissing` tells a key that is not configured apart from a value that is damaged.
 */
export class UnreadableSecretError extends Error {
  override readonly name = 'UnreadableSecretError';
  constructor(
    message: string,
    readonly keyId: string | undefined,
    readonly keyMissing: boolean,
  ) {
    super(message);
  }
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per value, always under the current key. `context` is
 * authenticated but not stored (the connector id), so a ciphertext copied onto another row does
 * not decrypt.
 */
export function seal(keys: KeyRing, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed: SealedV1 = {
    v: 1,
    kid: keys.keyId,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  return JSON.stringify(sealed);
}

/** Opens a value with the key that sealed it (current or previous), chosen by its key id. */
export function open(keys: KeyRing, sealedText: string, context: string): string {
  const sealed = parseSealed(sealedText);
  const key = keyById(keys, sealed.kid);
  if (!key) {
    throw new UnreadableSecretError(
      `it was encrypted with key id ${sealed.kid}, which is not configured (the current key is ${keys.keyId}); set PASSLINE_ENCRYPTION_KEY to that key, or add it to PASSLINE_ENCRYPTION_KEYS_PREVIOUS`,
      sealed.kid,
      true,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new UnreadableSecretError(
      `it does not decrypt with key id ${sealed.kid}, which wrote it: the stored value is damaged or was copied from another row`,
      sealed.kid,
      false,
    );
  }
}

/** Re-seals a value under the current key; undefined when it already is (so a rerun changes nothing). */
export function reseal(keys: KeyRing, sealedText: string, context: string): string | undefined {
  if (sealedKeyId(sealedText) === keys.keyId) return undefined;
  return seal(keys, open(keys, sealedText, context), context);
}

/** The key id a value was sealed with, without opening it. */
export function sealedKeyId(sealedText: string): string {
  return parseSealed(sealedText).kid;
}

function parseSealed(sealedText: string): SealedV1 {
  let sealed: SealedV1;
  try {
    sealed = JSON.parse(sealedText) as SealedV1;
  } catch {
    throw new UnreadableSecretError('the stored value is not a sealed value', undefined, false);
  }
  if (sealed?.v !== 1 || typeof sealed.kid !== 'string') {
    throw new UnreadableSecretError(`unsupported sealed value version ${String(sealed?.v)}`, undefined, false);
  }
  return sealed;
}

/**
 * The authenticated context of each kind of sealed value, bound to its row: the services that
 * seal and open them and `passline keys rotate` must agree on it.
 */
export const sealContext = {
  connector: (connectorId: string) => `connector:${connectorId}`,
  signingKey: (signingKeyId: string) => `signing-key:${signingKeyId}`,
  applicationSecret: (applicationId: string) => `application:${applicationId}`,
  /** A secret copied onto another admin does not open. */
  adminTotp: (adminId: string) => `admin-totp:${adminId}`,
  integration: (integrationId: string) => `integration:${integrationId}`,
};
