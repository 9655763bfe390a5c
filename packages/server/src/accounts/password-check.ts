import { ipLimitKey } from '../client-ip.ts';
import { decoyPasswordHash, verifyPassword } from '../crypto/passwords.ts';
import { AppError } from '../errors.ts';
import type { LimitRule, RateLimiter } from '../services/limits/rate-limiter.ts';
import type { UserRow } from './queries/users.ts';

/** Password attempts (successful ones included) per number and per IP. */
export interface PasswordAttemptLimits {
  perPhone: { limit: number; windowMs: number };
  perIp: { limit: number; windowMs: number };
}

export const passwordAttemptLimits: PasswordAttemptLimits = {
  perPhone: { limit: 10, windowMs: 15 * 60_000 },
  perIp: { limit: 50, windowMs: 3_600_000 },
};

export type PasswordCheck = ReturnType<typeof createPasswordCheck>;

/**
 * Checks a password for a number: sign-in and re-authentication share one budget per number and
 * per IP, so a stolen session cannot guess the password faster than a stranger could.
 */
export function createPasswordCheck(deps: { limiter: RateLimiter; limits?: PasswordAttemptLimits }) {
  const limits = deps.limits ?? passwordAttemptLimits;

  /**
   * Every attempt counts against the number's and the IP's budget, whether or not the account
   * exists, and unknown numbers are checked against a decoy hash: answers, limits and timing are
   * the same for both. Returns the account whose password matched.
   */
  return async function checkPassword(input: {
    phone: string;
    password: string;
    ip?: string;
    /** Read after the attempt is counted. */
    loadUser: () => Promise<UserRow | undefined>;
  }): Promise<UserRow> {
    const rules: LimitRule[] = [
      { key: `password-phone:${input.phone}`, ...limits.perPhone, code: 'rate_limit.password_attempts' },
    ];
    if (input.ip) {
      rules.push({ key: `password-ip:${ipLimitKey(input.ip)}`, ...limits.perIp, code: 'rate_limit.password_attempts' });
    }
    const decision = await deps.limiter.consume(rules);
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError(
        'rate_limit.password_attempts',
        `Too many password attempts; try again in ${retryAfterSeconds} s, or sign in with a code.`,
        { retryAfterSeconds },
        retryAfterSeconds,
      );
    }
    const user = await input.loadUser();
    const matches = await verifyPassword(input.password, user?.password_hash ?? (await decoyPasswordHash()));
    if (!user?.password_hash || !matches) {
      throw new AppError('experience.invalid_credentials');
    }
    return user;
  };
}
