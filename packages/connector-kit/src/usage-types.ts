import { z } from 'zod';
import { type NoticeUsageType, type RequiredUsageType, usageTypePattern } from './vocabulary.ts';

/**
 * A usage names the scenario a code is sent for. The four required ones always exist; more can be
 * added (for example `BindNewIdentifier` or `MfaVerification`), so the type stays an open string
 * with a fixed shape rather than a closed enum.
 */
export const usageTypeSchema = z
  .string()
  .regex(usageTypePattern, 'a usage is a PascalCase name such as Register or SignIn');
export type UsageType = RequiredUsageType | NoticeUsageType | (string & {});
