import { createHash, randomBytes } from 'node:crypto';
import type { SignInPending, TwoFactorEnrolment } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { verifyPassword } from '../crypto/passwords.ts';
import { AppError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import * as queries from './queries/admin-two-factor.ts';
import { findAdminById } from './queries/admins.ts';
import type { AdminRef, AdminTwoFactor } from './two-factor-service.ts';

/** The pending step after a correct password lasts this long... */
const pendingMs = 5 * 60 * 1000;
/** ...and takes this many wrong codes before the password is needed again. */
const pendingFailures = 5;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Proof for changing two-factor settings while signed in: a current code, or the password. */
export interface ReauthProof {
  code?: string | undefined;
  password?: string | undefined;
}

/**
 * The second step of console sign-in and the signed-in two-factor actions that take a code. Every
 * code or password checked here is first counted by `countAttempt` (the same per-account and
 * per-address limits as passwords), so a second factor cannot be guessed faster than a password.
 */
export function createTwoFactorSignIn<Session>(deps: {
  db: Kysely<Database>;
  clock: Clock;
  twoFactor: AdminTwoFactor;
  /** Counts one sign-in attempt against the limits; throws admin.too_many_attempts past them. */
  countAttempt(username: string, ip: string): Promise<void>;
  /** Records a refused attempt in the audit log. */
  recordFailure(username: string, ip: string): Promise<void>;
  /** Creates the session and records the sign-in. */
  finishSignIn(admin: AdminRef, ip: string, secondFactor: string): Promise<Session>;
}) {
  const { db, clock, twoFactor } = deps;

  async function pendingStep(pendingToken: string, purpose: 'verify' | 'enrol') {
    const tokenHash = sha256(pendingToken);
    const challenge = await queries.findChallenge(db, tokenHash);
    if (!challenge || challenge.purpose !== purpose || challenge.expires_at <= clock.now()) {
      throw new AppError('admin.sign_in_step_invalid');
    }
    const admin = await findAdminById(db, challenge.admin_id);
    if (!admin) throw new AppError('admin.sign_in_step_invalid');
    return { tokenHash, challenge, admin: { id: admin.id, username: admin.username } };
  }

  async function refuse(step: Awaited<ReturnType<typeof pendingStep>>, ip: string): Promise<never> {
    if (step.challenge.failures + 1 >= pendingFailures) await queries.deleteChallenge(db, step.tokenHash);
    else await queries.countChallengeFailure(db, step.tokenHash);
    await deps.recordFailure(step.admin.username, ip);
    throw new AppError('admin.two_factor_invalid');
  }

  /** Used once: of two requests with the same token, only the one that deletes it goes on. */
  async function consume(tokenHash: string): Promise<void> {
    if (!(await queries.deleteChallenge(db, tokenHash))) throw new AppError('admin.sign_in_step_invalid');
  }

  async function checkProof(admin: AdminRef, proof: ReauthProof, ip: string): Promise<void> {
    await deps.countAttempt(admin.username, ip);
    let valid = false;
    if (proof.code) valid = (await twoFactor.verify(admin, proof.code, ip)) !== undefined;
    else if (proof.password) {
      const row = await findAdminById(db, admin.id);
      valid = row !== undefined && (await verifyPassword(proof.password, row.password_hash));
    } else {
      throw new AppError('request.invalid', 'Send a current code from your authenticator app, or your password.');
    }
    if (!valid) {
      await deps.recordFailure(admin.username, ip);
      throw new AppError(proof.code ? 'admin.two_factor_invalid' : 'admin.invalid_credentials');
    }
  }

  return {
    /** After a correct password: the step that must come before a session. */
    async pending(adminId: string, purpose: 'verify' | 'enrol'): Promise<SignInPending> {
      const token = randomBytes(32).toString('base64url');
      const now = clock.now();
      await queries.deleteExpiredChallenges(db, now);
      await queries.insertChallenge(db, {
        token_hash: sha256(token),
        admin_id: adminId,
        purpose,
        failures: 0,
        created_at: now,
        expires_at: now + pendingMs,
      });
      return {
        secondFactor: purpose === 'verify' ? 'code' : 'enrolment',
        pendingToken: token,
        expiresAt: new Date(now + pendingMs).toISOString(),
      };
    },

    async completeSecondFactor(input: { pendingToken: string; code: string; ip: string }): Promise<Session> {
      const step = await pendingStep(input.pendingToken, 'verify');
      await deps.countAttempt(step.admin.username, input.ip);
      const kind = await twoFactor.verify(step.admin, input.code, input.ip);
      if (!kind) return refuse(step, input.ip);
      await consume(step.tokenHash);
      return deps.finishSignIn(step.admin, input.ip, kind);
    },

    /** Two-factor is required and this admin has none: set it up before the first session. */
    async startRequiredEnrolment(input: { pendingToken: string }): Promise<TwoFactorEnrolment> {
      const step = await pendingStep(input.pendingToken, 'enrol');
      return twoFactor.startEnrolment(step.admin);
    },

    async confirmRequiredEnrolment(input: {
      pendingToken: string;
      code: string;
      ip: string;
    }): Promise<{ session: Session; recoveryCodes: string[] }> {
      const step = await pendingStep(input.pendingToken, 'enrol');
      await deps.countAttempt(step.admin.username, input.ip);
      let recoveryCodes: string[];
      try {
        recoveryCodes = await twoFactor.confirmEnrolment(step.admin, input.code, input.ip);
      } catch (error) {
        if (error instanceof AppError && error.code === 'admin.two_factor_invalid') return refuse(step, input.ip);
        throw error;
      }
      await consume(step.tokenHash);
      return { session: await deps.finishSignIn(step.admin, input.ip, 'totp'), recoveryCodes };
    },

    /** Signed in: the first code of a started enrolment, counted like any sign-in attempt. */
    async confirmEnrolment(admin: AdminRef, code: string, ip: string): Promise<string[]> {
      await deps.countAttempt(admin.username, ip);
      try {
        return await twoFactor.confirmEnrolment(admin, code, ip);
      } catch (error) {
        if (error instanceof AppError && error.code === 'admin.two_factor_invalid') {
          await deps.recordFailure(admin.username, ip);
        }
        throw error;
      }
    },

    async disable(admin: AdminRef, proof: ReauthProof, ip: string): Promise<void> {
      if (!(await twoFactor.isEnabled(admin.id))) throw new AppError('admin.two_factor_not_enabled');
      if ((await twoFactor.settings()).requireTwoFactor) throw new AppError('admin.two_factor_required');
      await checkProof(admin, proof, ip);
      await twoFactor.disable(admin, ip);
    },

    async regenerateRecoveryCodes(admin: AdminRef, proof: ReauthProof, ip: string): Promise<string[]> {
      if (!(await twoFactor.isEnabled(admin.id))) throw new AppError('admin.two_factor_not_enabled');
      await checkProof(admin, proof, ip);
      return twoFactor.regenerateRecoveryCodes(admin, ip);
    },
  };
}
