import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { VerificationService, VerificationUsage } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import * as experienceVerifications from './queries/experience-verifications.ts';

export type VerificationGrants = ReturnType<typeof createVerificationGrants>;

/**
 * Turns an approved code into one permission: for its event, its number, its account (phone
 * linking), once, and only while the code is still valid. Verifications issued by the
 * server-to-server Verification API are unknown here, so they grant nothing to end users.
 */
export function createVerificationGrants(deps: {
  db: Kysely<Database>;
  verifications: VerificationService;
  clock: Clock;
}) {
  const notFound = () => new AppError('verification.not_found');

  return {
    async record(verificationId: string, event: VerificationUsage, userId: string | null = null): Promise<void> {
      await experienceVerifications.insertExperienceVerification(deps.db, {
        verification_id: verificationId,
        event,
        user_id: userId,
        created_at: deps.clock.now(),
        consumed_at: null,
      });
    },

    /** Checks a code of an experience verification (attempt limits live in the verification service). */
    async checkCode(verificationId: string, code: string): Promise<void> {
      if (!(await experienceVerifications.findExperienceVerificationById(deps.db, verificationId))) throw notFound();
      await deps.verifications.check(verificationId, code);
    },

    /**
     * Everything that must hold before a grant is used, read before the caller's transaction opens.
     * Returns the verified number.
     */
    async inspect(verificationId: string, event: VerificationUsage, userId: string | null = null): Promise<string> {
      const record = await experienceVerifications.findExperienceVerificationById(deps.db, verificationId);
      const verification = record ? await deps.verifications.find(verificationId) : undefined;
      if (!record || !verification) throw notFound();
      if (record.event !== event || verification.usage !== event || record.user_id !== userId) {
        throw new AppError(
          'experience.verification_mismatch',
          `This verification was issued for another purpose; request a ${event} code.`,
        );
      }
      if (record.consumed_at !== null) {
        throw new AppError('verification.already_used', 'This verification was already used.');
      }
      switch (verification.status) {
        case 'approved':
          if (verification.expiresAt <= deps.clock.now()) {
            throw new AppError('verification.expired');
          }
          return verification.phone;
        case 'pending':
          throw new AppError('experience.not_verified');
        case 'expired':
          throw new AppError('verification.expired');
        case 'exhausted':
          throw new AppError('verification.too_many_attempts');
        case 'cancelled':
          throw new AppError('verification.cancelled');
      }
    },

    /** The atomic part, inside the caller's transaction: only one request can use a verification. */
    async consume(trx: Kysely<Database>, verificationId: string): Promise<void> {
      if (!(await experienceVerifications.consumeExperienceVerification(trx, verificationId, deps.clock.now()))) {
        throw new AppError('verification.already_used', 'This verification was already used.');
      }
    },
  };
}
