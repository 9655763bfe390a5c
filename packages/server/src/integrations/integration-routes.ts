import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { SettingsService } from '../services/settings-service.ts';
import type { VerificationService } from '../services/verification-service.ts';

export interface IntegrationDeps {
  clock: Clock;
  keys: KeyRing;
  settings: SettingsService;
  verifications: VerificationService;
  apiKeys: ApiKeyService;
  logger: Logger;
}

/** Passline as the SMS backend of Logto (HTTP SMS connector) and Supabase Auth (Send SMS hook) (being built). */
export function integrationRoutes(_deps: IntegrationDeps): FastifyPluginAsyncZod {
  return async () => {};
}
