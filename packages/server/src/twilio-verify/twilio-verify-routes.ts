import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';

export interface TwilioVerifyDeps {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  verifications: VerificationService;
  apiKeys: ApiKeyService;
  logger: Logger;
  /** The public origin, for the `url` fields Twilio's resources carry. */
  publicUrl: () => string;
}

/** The Twilio Verify v2-compatible API under /v2 (being built). */
export function twilioVerifyRoutes(_deps: TwilioVerifyDeps): FastifyPluginAsyncZod {
  return async () => {};
}
