import { z } from 'zod';

/** The usages every SMS connector must have a template for. */
export const requiredUsageTypes = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;
export type RequiredUsageType = (typeof requiredUsageTypes)[number];

/**
 * A usage names the scenario a code is sent for. The four required ones always exist; more can be
 * added (for example `BindNewIdentifier` or `MfaVerification`), so the type stays an open string
 * with a fixed shape rather than a closed enum.
 */
export const usageTypeSchema = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]{1,39}$/, 'a usage is a PascalCase name such as Register or SignIn');
export type UsageType = RequiredUsageType | NoticeUsageType | (string & {});

/**
 * Usages that carry no code: account notices such as `PhoneChanged` ("the phone number on your
 * account was changed"). They are optional (a connector without the template cannot send the
 * notice), their payload is empty, so their templates use no variables, and they never fall back
 * to `Generic`, whose text carries a code.
 */
export const noticeUsageTypes = ['PhoneChanged'] as const;
export type NoticeUsageType = (typeof noticeUsageTypes)[number];

/** Whether a usage is an account notice (no code, no variables, no fallback). */
export function isNoticeUsage(usage: string): usage is NoticeUsageType {
  return (noticeUsageTypes as readonly string[]).includes(usage);
}

/** The usage that stands in when a connector has no template for the requested one. */
export const fallbackUsageType: RequiredUsageType = 'Generic';
