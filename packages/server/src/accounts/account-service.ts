import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { normalisePhone } from '../phone.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import type { PasswordCheck } from './password-check.ts';
import type { PhoneChangeNotice } from './phone-change-notice.ts';
import { findUserById, type UserRow, updateUserPhoneById } from './queries/users.ts';
import type { SignInExperienceSettings } from './sign-in-experience-settings.ts';
import type { EndUser, TokenService, TokenSet } from './token-service.ts';
import type { VerificationGrants } from './verification-grants.ts';

/**
 * How recent the last real authentication (a code or the password, never a refresh) must be to
 * replace the phone number: whoever holds only a refresh token must prove the account again.
 */
export const recentAuthenticationMs = 5 * 60_000;

/** The template of re-authentication codes: they prove the current number, like a sign-in. */
const reauthenticationEvent = 'SignIn';

export interface AccountView {
  id: string;
  phone: string;
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export type AccountService = ReturnType<typeof createAccountService>;

/** What a signed-in end user can do with their own account. */
export function createAccountService(deps: {
  db: Kysely<Database>;
  verifications: VerificationService;
  grants: VerificationGrants;
  tokens: TokenService;
  settings: SignInExperienceSettings;
  checkPassword: PasswordCheck;
  phoneChangeNotice: PhoneChangeNotice;
  clock: Clock;
}) {
  const { db, grants, tokens, clock } = deps;

  function view(user: UserRow): AccountView {
    return {
      id: user.id,
      phone: user.phone,
      hasPassword: user.password_hash !== null,
      createdAt: new Date(user.created_at).toISOString(),
      updatedAt: new Date(user.updated_at).toISOString(),
    };
  }

  async function load(userId: string): Promise<UserRow> {
    const user = await findUserById(db, userId);
    // A valid token for a deleted account is as good as no token.
    if (!user) throw new AppError('auth.invalid_token', 'The account of this access token no longer exists.');
    // Every account route loads the user first: a suspended account's access tokens (15 minutes at
    // most) read and change nothing, and cannot re-authenticate into a new session.
    if (user.suspended_at !== null) throw new AppError('account.suspended');
    return user;
  }

  function requireRecentAuthentication(endUser: EndUser): void {
    if (endUser.authTime !== undefined && clock.now() - endUser.authTime <= recentAuthenticationMs) return;
    throw new AppError(
      'account.reauthentication_required',
      `Changing the phone number needs a sign-in from the last ${recentAuthenticationMs / 60_000} minutes. ` +
        'Re-authenticate with a code to your current number (POST /api/account/reauthentication/verification-code, ' +
        'verify it, then POST /api/account/reauthentication with the verificationId) or with your password ' +
        '(POST /api/account/reauthentication with the password), and use the new access token.',
      { maxAgeSeconds: recentAuthenticationMs / 1000 },
    );
  }

  return {
    async get(userId: string): Promise<AccountView> {
      return view(await load(userId));
    },

    /** Sends a SignIn code to the account's current number, bound to this account. */
    async sendReauthenticationCode(
      endUser: EndUser,
      input: { locale?: string; ip?: string },
    ): Promise<{ verificationId: string; expiresAt: string }> {
      const user = await load(endUser.id);
      const sent = await deps.verifications.send(
        {
          to: user.phone,
          usage: reauthenticationEvent,
          locale: input.locale,
          ip: input.ip,
        },
        { delivery: 'background', source: 'account' },
      );
      await grants.record(sent.id, reauthenticationEvent, user.id);
      return { verificationId: sent.id, expiresAt: sent.expiresAt };
    },

    /**
     * Proves the signed-in user again, with a verified re-authentication code for the current number
     * or with the password, and returns tokens whose `auth_time` is now. The session stays the same
     * (same `sid`); its previous refresh token is spent.
     */
    async reauthenticate(
      endUser: EndUser,
      input: { verificationId: string } | { password: string; ip?: string },
      issuer: string,
    ): Promise<TokenSet> {
      const user = await load(endUser.id);
      if ('password' in input) {
        if (!(await deps.settings.get()).password) {
          throw new AppError('experience.password_disabled');
        }
        await deps.checkPassword({
          phone: user.phone,
          password: input.password,
          ip: input.ip,
          loadUser: async () => user,
        });
        const session = await db.transaction().execute((trx) => tokens.reauthenticate(trx, user.id, endUser.sessionId));
        return tokens.tokenSet(user, session, issuer);
      }
      const phone = await grants.inspect(input.verificationId, reauthenticationEvent, user.id);
      if (phone !== user.phone) {
        // The number changed since the code was sent: it proves a number the account no longer uses.
        throw new AppError(
          'experience.verification_mismatch',
          'This code was sent to a number the account no longer uses; request a new one.',
        );
      }
      const session = await db.transaction().execute(async (trx) => {
        await grants.consume(trx, input.verificationId);
        return tokens.reauthenticate(trx, user.id, endUser.sessionId);
      });
      return tokens.tokenSet(user, session, issuer);
    },

    /**
     * Sends a Generic code to the new number, bound to this account. It is sent even when the
     * number belongs to another account: refusing here would tell any signed-in user which numbers
     * are registered. The refusal comes after the code is proven, in `linkPhone`. A stale session
     * is refused before anything is sent.
     */
    async sendLinkCode(
      endUser: EndUser,
      input: { phone: string; locale?: string; ip?: string },
    ): Promise<{ verificationId: string; expiresAt: string }> {
      requireRecentAuthentication(endUser);
      await load(endUser.id);
      const phone = normalisePhone(input.phone);
      const sent = await deps.verifications.send(
        {
          to: phone,
          usage: 'Generic',
          locale: input.locale,
          ip: input.ip,
        },
        { delivery: 'background', source: 'account' },
      );
      await grants.record(sent.id, 'Generic', endUser.id);
      return { verificationId: sent.id, expiresAt: sent.expiresAt };
    },

    /**
     * Replaces the number with a verified one. Needs a recent authentication; ends every other
     * session of the account (this one goes on); tells the old number in the background.
     */
    async linkPhone(endUser: EndUser, verificationId: string): Promise<{ phone: string }> {
      requireRecentAuthentication(endUser);
      await load(endUser.id);
      const phone = await grants.inspect(verificationId, 'Generic', endUser.id);
      const oldPhone = await db.transaction().execute(async (trx) => {
        await grants.consume(trx, verificationId);
        const before = await findUserById(trx, endUser.id);
        if (!before) throw new AppError('auth.invalid_token', 'The account of this access token no longer exists.');
        if (!(await updateUserPhoneById(trx, endUser.id, phone, clock.now()))) {
          throw new AppError('account.phone_unavailable');
        }
        if (before.phone === phone) return undefined;
        await tokens.revokeOtherSessions(trx, endUser.id, endUser.sessionId);
        return before.phone;
      });
      if (oldPhone) deps.phoneChangeNotice.sendInBackground(oldPhone, endUser.id);
      return { phone };
    },
  };
}
