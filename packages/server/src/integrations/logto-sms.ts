import { isIP } from 'node:net';
import { z } from 'zod';
import type { VerificationUsage } from '../services/verification-service.ts';
import { relayedCodeSchema } from './relayed-code.ts';

/**
 * The request Logto's HTTP SMS connector (@logto/connector-http-sms) sends: `{ to, type, payload,
 * ip? }`, JSON, with the Authorization header configured in the Logto console. `type` is Logto's
 * template type; `payload` carries the code and the user's language. Unknown fields are ignored,
 * so a newer Logto that sends more still works.
 */
export const logtoSmsRequestSchema = z.object({
  to: z.string().min(1).max(40).describe('The phone number; Logto stores numbers without the leading +.'),
  type: z.string().min(1).max(64).describe('Logto template type: SignIn, Register, ForgotPassword, Generic, ...'),
  payload: z.looseObject({
    code: relayedCodeSchema,
    locale: z.string().max(35).optional(),
    uiLocales: z.string().max(200).optional(),
  }),
  ip: z.string().max(100).optional().describe("The end user's IP address, for Passline's per-IP limits."),
});
export type LogtoSmsRequest = z.infer<typeof logtoSmsRequestSchema>;

/**
 * Logto's template types that Passline has a usage (and so a template) for. Every other type —
 * Test, UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa, and whatever a
 * later Logto adds — goes out with the Generic template: the code is what matters, and every
 * connector has a Generic template.
 */
const usageByLogtoType: Record<string, VerificationUsage> = {
  SignIn: 'SignIn',
  Register: 'Register',
  ForgotPassword: 'ForgotPassword',
  Generic: 'Generic',
};

export function usageForLogtoType(type: string): VerificationUsage {
  return Object.hasOwn(usageByLogtoType, type) ? (usageByLogtoType[type] as VerificationUsage) : 'Generic';
}

/** Logto keeps numbers as digits without the `+` (`15551234567`); Passline wants E.164. */
export function internationalNumber(raw: string): string {
  const trimmed = raw.trim();
  return /^\d+$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

/** Logto's resolved language wins; else the first of the request's ui_locales. */
export function localeOf(payload: LogtoSmsRequest['payload']): string | undefined {
  return payload.locale || payload.uiLocales?.split(/\s+/).find(Boolean) || undefined;
}

/** An address that is not an IP is dropped rather than refused: the per-IP limit just does not apply. */
export function clientIpOf(ip: string | undefined): string | undefined {
  return ip && isIP(ip) ? ip : undefined;
}
