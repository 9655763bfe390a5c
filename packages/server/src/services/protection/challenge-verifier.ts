import type { ChallengeDescription, ProtectionSettings } from '@passline/contracts';
import type { Clock } from '../../clock.ts';
import type { KeyRing } from '../../crypto/keys.ts';
import { AppError } from '../../errors.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { type CaptchaProvider, defaultCaptchaTimeoutMs, siteverify } from './captcha-siteverify.ts';
import { createPowChallenges } from './pow-challenge.ts';

// The challenge the Experience API may ask for before it sends a code (settings.challenge): an
// ALTCHA proof of work (pow-challenge.ts) or a CAPTCHA checked with its provider
// (captcha-siteverify.ts). Whether a send needs one (challengeMode) is the protection service's call.

export type { ChallengeDescription };

export interface ChallengeVerifier {
  /** What a client needs to solve the configured challenge: for `pow` a fresh ALTCHA challenge (the JSON the ALTCHA widget and altcha-lib's solver take), for a CAPTCHA `{ type, siteKey }`. */
  describe(settings: ProtectionSettings): Promise<ChallengeDescription>;
  /** Throws AppError('fraud.challenge_required') when `solution` is missing/empty, AppError('fraud.challenge_failed') when it is wrong, expired, malformed, or already used once. */
  verify(settings: ProtectionSettings, solution: string | undefined, clientIp: string | undefined): Promise<void>;
}

export interface ChallengeVerifierDeps {
  keys: KeyRing;
  /** PASSLINE_CHALLENGE_SECRET: the CAPTCHA provider's secret key (unused by `pow`). */
  captchaSecret: string | undefined;
  /** Remembers used proof-of-work solutions; shared through the database or Redis, so across instances. */
  limiter: RateLimiter;
  clock: Clock;
  fetch?: typeof fetch;
  /** How long the CAPTCHA provider may take to answer; default 5000 ms. */
  captchaTimeoutMs?: number;
}

export function createChallengeVerifier(deps: ChallengeVerifierDeps): ChallengeVerifier {
  const pow = createPowChallenges(deps);

  const captchaSecret = (provider: CaptchaProvider): string => {
    if (!deps.captchaSecret) {
      throw new AppError(
        'settings.invalid',
        `PASSLINE_CHALLENGE_SECRET is not set: the ${provider} challenge needs the provider's secret key in it.`,
      );
    }
    return deps.captchaSecret;
  };

  return {
    async describe(settings) {
      const type = settings.challenge;
      if (type === 'off') return { type };
      if (type === 'pow') {
        const { parameters, signature } = await pow.create(settings.challengePowMaxNumber);
        return { type, parameters, signature };
      }
      captchaSecret(type);
      if (!settings.challengeSiteKey) {
        throw new AppError(
          'settings.invalid',
          `challengeSiteKey is not set: the ${type} challenge needs the site key.`,
        );
      }
      return { type, siteKey: settings.challengeSiteKey };
    },

    async verify(settings, solution, clientIp) {
      const type = settings.challenge;
      if (type === 'off') return;
      if (type === 'pow') {
        if (!solution) throw new AppError('fraud.challenge_required');
        return pow.verify(solution);
      }
      // A missing secret first: without it no solution could pass, so asking for one would mislead.
      const secret = captchaSecret(type);
      if (!solution) throw new AppError('fraud.challenge_required');
      await siteverify({
        provider: type,
        secret,
        token: solution,
        clientIp,
        url: settings.challengeSiteverifyUrl,
        timeoutMs: deps.captchaTimeoutMs ?? defaultCaptchaTimeoutMs,
        fetch: deps.fetch ?? fetch,
      });
    },
  };
}
