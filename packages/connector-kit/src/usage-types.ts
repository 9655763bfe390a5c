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
export type UsageType = RequiredUsageType | (string & {});

/** The usage that stands in when a connector has no template for the requested one. */
export const fallbackUsageType: RequiredUsageType = 'Generic';
