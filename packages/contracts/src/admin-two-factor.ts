import * as z from 'zod/mini';
import { consoleSessionSchema } from './console-session.ts';

/**
 * A correct password when the admin still owes a second factor: no session yet, only a token for
 * the next step. `code`: send a TOTP or recovery code; `enrolment`: two-factor sign-in is required
 * and this admin has none, so they set it up now.
 */
export const signInPendingSchema = z
  .object({
    secondFactor: z.enum(['code', 'enrolment']),
    pendingToken: z.string().check(z.describe('Send it with the next step; it lasts 5 minutes.')),
    expiresAt: z.string(),
  })
  .check(z.describe('SignInPending'));
export type SignInPending = z.infer<typeof signInPendingSchema>;

/** An admin's own two-factor state (never the secret). */
export const twoFactorStatusSchema = z
  .object({
    enabled: z.boolean(),
    enabledAt: z.nullable(z.string()),
    recoveryCodesLeft: z.number(),
    required: z.boolean().check(z.describe('Two-factor sign-in is required for every admin.')),
  })
  .check(z.describe('TwoFactorStatus'));
export type TwoFactorStatus = z.infer<typeof twoFactorStatusSchema>;

/** A started enrolment: shown once, to be scanned or typed into an authenticator app. */
export const twoFactorEnrolmentSchema = z
  .object({
    secret: z.string().check(z.describe('The base32 secret, for typing in by hand.')),
    otpauthUri: z.string(),
    qrCodeDataUrl: z.string().check(z.describe('The otpauth URI as an SVG QR code (data: URL).')),
  })
  .check(z.describe('TwoFactorEnrolment'));
export type TwoFactorEnrolment = z.infer<typeof twoFactorEnrolmentSchema>;

/** Recovery codes, shown once: only their hashes are stored. Each one signs in once. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) }).check(z.describe('RecoveryCodes'));
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

/** Enrolment finished during sign-in: the session, and the recovery codes shown once. */
export const enrolledSessionSchema = z
  .object({ session: consoleSessionSchema, recoveryCodes: z.array(z.string()) })
  .check(z.describe('EnrolledSession'));
export type EnrolledSession = z.infer<typeof enrolledSessionSchema>;

/** The console's sign-in answer: a session, or the second step it still needs. */
export const signInResultSchema = z.union([consoleSessionSchema, signInPendingSchema]);
export type SignInResult = z.infer<typeof signInResultSchema>;

export const adminSecuritySettingsSchema = z
  .object({
    requireTwoFactor: z._default(
      z
        .boolean()
        .check(
          z.describe(
            'Every admin needs two-factor sign-in; one without it sets it up right after the password. Turning it on ends the sessions of admins without it.',
          ),
        ),
      false,
    ),
  })
  .check(z.describe('AdminSecuritySettings'));
export type AdminSecuritySettings = z.infer<typeof adminSecuritySettingsSchema>;
