import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './keys.ts';

interface SealedV1 {
  v: 1;
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per value. `context` is authenticated but not stored (the
 * connector id), so a ciphertext copied onto another row does not decrypt.
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

export function open(keys: KeyRing, sealedText: string, context: string): string {
  const sealed = JSON.parse(sealedText) as SealedV1;
  if (sealed.v !== 1) throw new Error(`unsupported sealed value version ${String(sealed.v)}`);
  if (sealed.kid !== keys.keyId) {
    throw new Error(
      `this secret was encrypted with key ${sealed.kid}, but the configured key is ${keys.keyId}; set PASSLINE_ENCRYPTION_KEY to the key it was written with`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
}
