import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { normalisePhone } from '../phone.ts';
import type { Clock } from '../services/clock.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import { findUserById, type UserRow, updateUserPhoneById } from './queries/users.ts';
import type { VerificationGrants } from './verification-grants.ts';

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
  clock: Clock;
}) {
  const { db, grants } = deps;

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
    return user;
  }

  return {
    async get(userId: string): Promise<AccountView> {
      return view(await load(userId));
    },

    /**
     * Sends a Generic code to the new number, bound to this account. It is sent even when the
     * number belongs to another account: refusing here would tell any signed-in user which numbers
     * are registered. The refusal comes after the code is proven, in `linkPhone`.
     */
    async sendLinkCode(
      userId: string,
      input: { phone: string; locale?: string; ip?: string },
    ): Promise<{ verificationId: string; expiresAt: string }> {
      await load(userId);
      const phone = normalisePhone(input.phone);
      const sent = await deps.verifications.send(
        {
          to: phone,
          usage: 'Generic',
          ...(input.locale ? { locale: input.locale } : {}),
          ...(input.ip ? { ip: input.ip } : {}),
        },
        { delivery: 'background' },
      );
      await grants.record(sent.id, 'Generic', userId);
      return { verificationId: sent.id, expiresAt: sent.expiresAt };
    },

    async linkPhone(userId: string, verificationId: string): Promise<{ phone: string }> {
      await load(userId);
      const phone = await grants.inspect(verificationId, 'Generic', userId);
      await db.transaction().execute(async (trx) => {
        await grants.consume(trx, verificationId);
        if (!(await updateUserPhoneById(trx, userId, phone, deps.clock.now()))) {
          throw new AppError('account.phone_unavailable', 'This number cannot be linked to your account.');
        }
      });
      return { phone };
    },
  };
}
