import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/codes.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Metrics, SignInMethod } from '../metrics/create-metrics.ts';
import { type EventLogger, logEvent } from '../metrics/security-events.ts';
import { normalisePhone } from '../phone.ts';
import type { DeliveryMode, VerificationService } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import type { PasswordCheck } from './password-check.ts';
import {
  findUserByPhone,
  insertUser,
  recordUserSignIn,
  type UserRow,
  updateUserPasswordById,
} from './queries/users.ts';
import type { SignInExperience, SignInExperienceSettings } from './sign-in-experience-settings.ts';
import type { IssuedSession, TokenService, TokenSet } from './token-service.ts';
import type { VerificationGrants } from './verification-grants.ts';

export const experienceEvents = ['Register', 'SignIn', 'ForgotPassword'] as const;
export type ExperienceEvent = (typeof experienceEvents)[number];

export { type PasswordAttemptLimits, passwordAttemptLimits } from './password-check.ts';

export interface ExperienceServiceDeps {
  db: Kysely<Database>;
  verifications: VerificationService;
  grants: VerificationGrants;
  tokens: TokenService;
  settings: SignInExperienceSettings;
  clock: Clock;
  checkPassword: PasswordCheck;
  /** Sign-ins by method and outcome. */
  metrics: Metrics;
  /** `account.signed_in` and `account.sign_in_failed`. */
  logger: EventLogger;
}

export type ExperienceService = ReturnType<typeof createExperienceService>;

interface RegisterInput {
  verificationId: string;
  password?: string;
}
interface CodeSignInInput {
  verificationId: string;
}
interface PasswordSignInInput {
  phone: string;
  password: string;
  ip?: string;
}

/** Register, sign in, reset a password: each a verified code (or a password) turned into tokens. */
export function createExperienceService(deps: ExperienceServiceDeps) {
  const { db, grants, tokens, clock } = deps;

  function requireEnabled(settings: SignInExperience, what: 'signUp' | 'phoneSignIn' | 'password'): void {
    if (settings[what]) return;
    if (what === 'signUp') throw new AppError('experience.registration_disabled');
    if (what === 'phoneSignIn') {
      throw new AppError('experience.phone_sign_in_disabled');
    }
    throw new AppError('experience.password_disabled');
  }

  /**
   * Anti-enumeration: a SignIn or ForgotPassword code for a number without an account takes the same
   * path as any other (same limits, same stored verification, same answer), and only the provider
   * call is left out, because such a code could never be used.
   */
  function deliveryFor(event: ExperienceEvent, hasAccount: boolean, settings: SignInExperience): DeliveryMode {
    if (event === 'Register' || hasAccount) return 'background';
    if (event === 'SignIn' && settings.signUp) return 'background';
    return 'suppressed';
  }

  function newUser(phone: string, passwordHash: string | null): UserRow {
    const now = clock.now();
    return {
      id: newId('usr'),
      phone,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
      suspended_at: null,
      // Every new account is made by a sign-in (registration, or sign-in with sign-up on).
      last_sign_in_at: now,
    };
  }

  /**
   * What a sign-in starts once it has proved who the user is, in the same transaction: a refresh
   * token for the Experience API; nothing for OpenID Connect, whose session is the provider's.
   */
  type StartSession<S> = (trx: Kysely<Database>, user: UserRow) => Promise<S>;
  const newSession: StartSession<IssuedSession> = (trx, user) => tokens.createRefreshToken(trx, user.id);
  const noSession: StartSession<undefined> = async () => undefined;

  /** Counts and logs a sign-in's outcome: who signed in, or the error code of the refusal. */
  async function reported<S>(
    method: SignInMethod,
    via: 'experience' | 'oidc',
    signIn: () => Promise<{ user: UserRow; session: S }>,
  ): Promise<{ user: UserRow; session: S }> {
    try {
      const signedIn = await signIn();
      deps.metrics.signIn(method, 'success');
      logEvent(deps.logger, 'account.signed_in', { userId: signedIn.user.id, method, via });
      return signedIn;
    } catch (error) {
      if (isAppError(error)) {
        deps.metrics.signIn(method, error.code);
        logEvent(deps.logger, 'account.sign_in_failed', { method, via, reason: error.code });
      }
      throw error;
    }
  }

  async function withTokens(signedIn: { user: UserRow; session: IssuedSession }, issuer: string): Promise<TokenSet> {
    return tokens.tokenSet(signedIn.user, signedIn.session, issuer);
  }

  /** Every sign-in ends here: a suspended account goes no further, and the time is recorded. */
  async function recordSignIn(trx: Kysely<Database>, user: UserRow): Promise<void> {
    if (user.suspended_at !== null) throw new AppError('account.suspended');
    await recordUserSignIn(trx, user.id, clock.now());
  }

  async function registerUser<S>(input: RegisterInput, start: StartSession<S>): Promise<{ user: UserRow; session: S }> {
    const settings = await deps.settings.get();
    requireEnabled(settings, 'signUp');
    if (input.password !== undefined) requireEnabled(settings, 'password');
    const phone = await grants.inspect(input.verificationId, 'Register');
    const user = newUser(phone, input.password !== undefined ? await hashPassword(input.password) : null);
    const session = await db.transaction().execute(async (trx) => {
      await grants.consume(trx, input.verificationId);
      if (!(await insertUser(trx, user))) {
        throw new AppError('account.phone_taken');
      }
      return start(trx, user);
    });
    return { user, session };
  }

  async function signInUser<S>(input: CodeSignInInput, start: StartSession<S>): Promise<{ user: UserRow; session: S }> {
    const settings = await deps.settings.get();
    requireEnabled(settings, 'phoneSignIn');
    const phone = await grants.inspect(input.verificationId, 'SignIn');
    return db.transaction().execute(async (trx) => {
      await grants.consume(trx, input.verificationId);
      let user = await findUserByPhone(trx, phone);
      if (!user) {
        if (!settings.signUp) throw new AppError('account.not_found');
        const created = newUser(phone, null);
        user = (await insertUser(trx, created)) ? created : await findUserByPhone(trx, phone);
        if (!user) throw new Error('user vanished while signing in');
      }
      await recordSignIn(trx, user);
      return { user, session: await start(trx, user) };
    });
  }

  async function passwordUser<S>(
    input: PasswordSignInInput,
    start: StartSession<S>,
  ): Promise<{ user: UserRow; session: S }> {
    requireEnabled(await deps.settings.get(), 'password');
    const phone = normalisePhone(input.phone);
    const user = await deps.checkPassword({
      phone,
      password: input.password,
      ip: input.ip,
      loadUser: () => findUserByPhone(db, phone),
    });
    const session = await db.transaction().execute(async (trx) => {
      await recordSignIn(trx, user);
      return start(trx, user);
    });
    return { user, session };
  }

  return {
    async sendCode(input: {
      phone: string;
      event: ExperienceEvent;
      locale?: string;
      ip?: string;
      /** The client's challenge solution, when protection asks for one. */
      challenge?: string;
    }): Promise<{ verificationId: string; expiresAt: string }> {
      const settings = await deps.settings.get();
      requireEnabled(
        settings,
        input.event === 'Register' ? 'signUp' : input.event === 'SignIn' ? 'phoneSignIn' : 'password',
      );
      const phone = normalisePhone(input.phone);
      const account = await findUserByPhone(db, phone);
      const sent = await deps.verifications.send(
        {
          to: phone,
          usage: input.event,
          locale: input.locale,
          ip: input.ip,
        },
        {
          delivery: deliveryFor(input.event, account !== undefined, settings),
          source: 'experience',
          challenge: { solution: input.challenge },
        },
      );
      await grants.record(sent.id, input.event);
      return { verificationId: sent.id, expiresAt: sent.expiresAt };
    },

    async verifyCode(input: {
      verificationId: string;
      code: string;
    }): Promise<{ verificationId: string; verified: true }> {
      await grants.checkCode(input.verificationId, input.code);
      return { verificationId: input.verificationId, verified: true };
    },

    register: async (input: RegisterInput, issuer: string): Promise<TokenSet> =>
      withTokens(await reported('register', 'experience', () => registerUser(input, newSession)), issuer),
    signIn: async (input: CodeSignInInput, issuer: string): Promise<TokenSet> =>
      withTokens(await reported('code', 'experience', () => signInUser(input, newSession)), issuer),
    /** Attempts are limited and answered alike whether or not the account exists (`checkPassword`). */
    signInWithPassword: async (input: PasswordSignInInput, issuer: string): Promise<TokenSet> =>
      withTokens(await reported('password', 'experience', () => passwordUser(input, newSession)), issuer),

    /**
     * The same three steps for an OpenID Connect interaction: who signed in, with no Passline
     * session (the provider keeps its own).
     */
    identify: {
      register: async (input: RegisterInput) =>
        (await reported('register', 'oidc', () => registerUser(input, noSession))).user,
      signIn: async (input: CodeSignInInput) =>
        (await reported('code', 'oidc', () => signInUser(input, noSession))).user,
      password: async (input: PasswordSignInInput) =>
        (await reported('password', 'oidc', () => passwordUser(input, noSession))).user,
    },

    /** Sets a new password and signs out every session; the code grants nothing else. */
    async resetPassword(input: { verificationId: string; password: string }): Promise<void> {
      requireEnabled(await deps.settings.get(), 'password');
      const phone = await grants.inspect(input.verificationId, 'ForgotPassword');
      const passwordHash = await hashPassword(input.password);
      await db.transaction().execute(async (trx) => {
        await grants.consume(trx, input.verificationId);
        const user = await findUserByPhone(trx, phone);
        if (!user) throw new AppError('account.not_found');
        await updateUserPasswordById(trx, user.id, passwordHash, clock.now());
        await tokens.revokeAllForUser(trx, user.id);
      });
    },
  };
}
