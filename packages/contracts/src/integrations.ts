import * as z from 'zod/mini';

/**
 * Passline as the SMS backend of other identity servers: Logto's HTTP SMS connector and Supabase
 * Auth's Send SMS hook. The settings hold only the Supabase hook secret, which is write-only: the
 * answer says whether it is set, never what it is.
 */

/** What Supabase shows when it generates a hook secret: `v1,whsec_<base64>` (`whsec_<base64>` is accepted too). */
export const supabaseHookSecretPattern = /^(v1,)?whsec_[A-Za-z0-9+/]+={0,2}$/;

export const integrationSettingsSchema = z
  .object({
    logto: z.object({
      /** The URL to paste as the HTTP SMS connector's Endpoint in the Logto console. */
      endpoint: z.string(),
    }),
    supabase: z.object({
      /** The URL to paste as the Send SMS hook's HTTPS endpoint in the Supabase dashboard. */
      endpoint: z.string(),
      hookSecretSet: z.boolean(),
      /** When the hook secret was last set or cleared. */
      updatedAt: z.nullable(z.string()),
    }),
  })
  .check(z.describe('IntegrationSettings'));
export type IntegrationSettings = z.infer<typeof integrationSettingsSchema>;

export const integrationSettingsPatchSchema = z
  .strictObject({
    supabase: z.optional(
      z.strictObject({
        /** The secret as Supabase shows it; null or an empty string clears it. */
        hookSecret: z.nullable(
          z.string().check(
            z.maxLength(200),
            z.refine((value) => value.trim() === '' || supabaseHookSecretPattern.test(value.trim()), {
              message: 'must be the secret Supabase shows, like v1,whsec_…',
            }),
          ),
        ),
      }),
    ),
  })
  .check(z.describe('IntegrationSettingsPatch'));
export type IntegrationSettingsPatch = z.infer<typeof integrationSettingsPatchSchema>;

/** The answer to Logto's HTTP SMS connector: any 2xx tells Logto the message is on its way. */
export const relayResultSchema = z
  .object({
    status: z.literal('sent'),
    /** The number the code went to, masked. */
    to: z.string(),
  })
  .check(z.describe('RelayResult'));
export type RelayResult = z.infer<typeof relayResultSchema>;
