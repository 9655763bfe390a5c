import { formatIssues } from '@passline/connector-kit';
import type { IntegrationSettings, IntegrationSettingsPatch, RelayResult } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { open, seal, sealContext, UnreadableSecretError } from '../crypto/secret-box.ts';
import { AppError } from '../errors.ts';
import { maskPhone, normalisePhone } from '../phone.ts';
import type { VerificationService } from '../services/verification-service.ts';
import { supabaseHookSecretId } from '../storage/queries/sealed-values.ts';
import type { Database } from '../storage/schema.ts';
import * as hookSecrets from './hook-secret-store.ts';
import { clientIpOf, internationalNumber, type LogtoSmsRequest, localeOf, usageForLogtoType } from './logto-sms.ts';
import {
  hookSecretUsable,
  normaliseHookSecret,
  requireSignatureHeaders,
  type SupabaseSendSms,
  supabaseSendSmsSchema,
  verifyHookSignature,
} from './supabase-hook.ts';

export const logtoSmsPath = '/api/integrations/logto/sms';
export const supabaseSendSmsPath = '/api/integrations/supabase/send-sms';

export interface IntegrationServiceDeps {
  db: Kysely<Database>;
  keys: KeyRing;
  clock: Clock;
  verifications: Pick<VerificationService, 'relay'>;
  /** The origin other products call Passline at, for the endpoint URLs the settings show. */
  publicUrl: () => string;
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;

/**
 * Passline as the SMS backend of other identity servers. They issue and check their codes; Passline
 * delivers them with its templates, routing, protection, limits and message log
 * (`verifications.relay`), and stores no code.
 */
export function createIntegrationService(deps: IntegrationServiceDeps) {
  const { db, keys, clock } = deps;
  const context = sealContext.integration(supabaseHookSecretId);

  async function settings(): Promise<IntegrationSettings> {
    const stored = await hookSecrets.findSealedHookSecret(db);
    const origin = deps.publicUrl().replace(/\/+$/, '');
    return {
      logto: { endpoint: `${origin}${logtoSmsPath}` },
      supabase: {
        endpoint: `${origin}${supabaseSendSmsPath}`,
        hookSecretSet: stored !== undefined,
        updatedAt: stored ? new Date(stored.updatedAt).toISOString() : null,
      },
    };
  }

  /** Read on every call (one primary-key read), so a secret changed on any instance applies at once. */
  async function supabaseHookSecret(): Promise<string> {
    const stored = await hookSecrets.findSealedHookSecret(db);
    if (!stored) throw new AppError('integration.not_configured');
    try {
      return open(keys, stored.sealed, context);
    } catch (error) {
      // Names the missing key id and what to set, never the secret.
      throw new AppError(
        'integration.secret_unreadable',
        `The stored Supabase hook secret cannot be decrypted: ${(error as Error).message}.`,
        error instanceof UnreadableSecretError && error.keyId ? { keyId: error.keyId } : undefined,
        undefined,
        { cause: error },
      );
    }
  }

  return {
    settings,

    /** Sets (sealed) or clears the Supabase hook secret; answers what GET answers, never the secret. */
    async updateSettings(patch: IntegrationSettingsPatch): Promise<IntegrationSettings> {
      if (patch.supabase) {
        const secret = patch.supabase.hookSecret?.trim() ?? '';
        if (secret === '') {
          await hookSecrets.deleteHookSecret(db);
        } else {
          if (!hookSecretUsable(secret)) {
            throw new AppError('settings.invalid', 'The hook secret is not a valid Standard Webhooks secret.', {
              issues: [{ path: 'supabase.hookSecret', message: 'must be the secret Supabase shows, like v1,whsec_…' }],
            });
          }
          await hookSecrets.saveSealedHookSecret(db, seal(keys, normaliseHookSecret(secret), context), clock.now());
        }
      }
      return settings();
    },

    /** Logto's HTTP SMS connector: the code goes out with the template of the usage its type maps to. */
    async relayFromLogto(request: LogtoSmsRequest, source: string): Promise<RelayResult> {
      const to = normalisePhone(internationalNumber(request.to));
      await deps.verifications.relay(
        {
          to,
          usage: usageForLogtoType(request.type),
          code: request.payload.code,
          locale: localeOf(request.payload),
          ip: clientIpOf(request.ip),
        },
        { source },
      );
      return { status: 'sent', to: maskPhone(to) };
    },

    /**
     * Supabase's Send SMS hook, given the body exactly as received: the signature is checked
     * before the body is even parsed. Returns the parsed call; nothing is sent yet.
     */
    async verifySupabaseCall(rawBody: string, headers: Record<string, unknown>): Promise<SupabaseSendSms> {
      requireSignatureHeaders(headers);
      verifyHookSignature(await supabaseHookSecret(), rawBody, headers);
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new AppError('request.malformed_json');
      }
      const parsed = supabaseSendSmsSchema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({
          path: ['body', ...issue.path].join('.'),
          message: issue.message,
        }));
        throw new AppError('request.invalid', `Invalid request: ${formatIssues(issues)}`, { issues });
      }
      return parsed.data;
    },

    /** Delivers a verified Supabase call's code (Supabase says nothing of the flow: the Generic template). */
    async relayFromSupabase(call: SupabaseSendSms): Promise<RelayResult> {
      const to = normalisePhone(internationalNumber(call.user.phone));
      await deps.verifications.relay({ to, usage: 'Generic', code: call.sms.otp }, { source: 'supabase-hook' });
      return { status: 'sent', to: maskPhone(to) };
    },
  };
}
