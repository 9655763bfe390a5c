import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

// RFC 6238 with what every authenticator app supports: SHA-1, 6 digits, 30-second steps.
const period = 30;
const digits = 6;
/** Codes from the step before and after the current one are accepted too (clock drift, slow typing). */
const window = 1;

export const totpIssuer = 'Passline';

/** A new 160-bit secret (RFC 4226's recommended length), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = 'admin'): TOTP {
  return new TOTP({ issuer: totpIssuer, label, algorithm: 'SHA1', digits, period, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, username: string): string {
  return totpOf(secret, username).toString();
}

/** The QR code of the URI as an SVG data URL: the console shows it as an image, no script needed. */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * The time step a code belongs to, when it is valid for `now` within the window; undefined
 * otherwise. The caller refuses a step it has already accepted. otpauth compares in constant time.
 */
export function matchingTotpStep(secret: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / period) + delta;
}

/** The TOTP code for a time (tests and nothing else need to make codes; kept beside the check). */
export function totpCodeAt(secret: string, now: number): string {
  return totpOf(secret).generate({ timestamp: now });
}
