import type { ChallengeDescription } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { EventLogger } from '../metrics/security-events.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { BackgroundTasks } from '../services/background-tasks.ts';
import type { RateLimiter } from '../services/limits/rate-limiter.ts';
import type { RoutedDeliver } from '../services/routing/routed-delivery.ts';
import type { SmsRoutingService } from '../services/routing/sms-routing.ts';
import type { SettingsService } from '../services/settings-service.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import { type AccountService, createAccountService } from './account-service.ts';
import { createExperienceService, type ExperienceService } from './experience-service.ts';
import { createPasswordCheck, type PasswordAttemptLimits } from './password-check.ts';
import { createPhoneChangeNotice, type NoticeLogger } from './phone-change-notice.ts';
import { accountRoutes } from './routes/account-routes.ts';
import { experienceRoutes } from './routes/experience-routes.ts';
import { createHostedPageRenderer, type HostedPageRenderer, hostedPageRoutes } from './routes/hosted-pages.ts';
import { signInExperienceRoutes } from './routes/sign-in-experience-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { createSignInExperienceSettings, type SignInExperienceSettings } from './sign-in-experience-settings.ts';
import { createTokenService, type TokenService } from './token-service.ts';
import { createVerificationGrants } from './verification-grants.ts';

export interface Accounts {
  tokens: TokenService;
  experience: ExperienceService;
  account: AccountService;
  signInExperience: SignInExperienceSettings;
  /** Renders the hosted pages (OpenID Connect interactions show them too). */
  pages: HostedPageRenderer;
  /** Every end-user route: Experience API, account, tokens, JWKS, settings and the hosted pages. */
  routes(deps: { apiKeys: ApiKeyService }): FastifyPluginAsyncZod;
}

/** End-user accounts on top of the verification service: one factory, wired by main.ts. */
export function createAccounts(deps: {
  db: Kysely<Database>;
  verifications: VerificationService;
  verificationSettings: SettingsService;
  /** Send the notice to the old number after a phone change. */
  routing: Pick<SmsRoutingService, 'chainFor'>;
  deliverRouted: RoutedDeliver;
  /** Runs that notice after the answer. */
  background: BackgroundTasks;
  logger: NoticeLogger & EventLogger;
  /** Sign-ins and refresh-token reuse. */
  metrics: Metrics;
  limiter: RateLimiter;
  /** The challenge protection asks the Experience API's clients to solve (GET /api/experience/challenge). */
  describeChallenge: (clientIp: string) => Promise<ChallengeDescription>;
  keys: KeyRing;
  clock: Clock;
  cacheMs?: number;
  /** Issuer and audience of access tokens: PASSLINE_PUBLIC_URL, or the local address (config.ts). */
  issuer: () => string;
  passwordLimits?: PasswordAttemptLimits;
}): Accounts {
  const { db, clock, issuer } = deps;
  const tokens = createTokenService({ db, keys: deps.keys, clock, metrics: deps.metrics, logger: deps.logger });
  const signInExperience = createSignInExperienceSettings({
    db,
    clock,
    cacheMs: deps.cacheMs,
  });
  const grants = createVerificationGrants({ db, verifications: deps.verifications, clock });
  const checkPassword = createPasswordCheck({
    limiter: deps.limiter,
    limits: deps.passwordLimits,
  });
  const experience = createExperienceService({
    db,
    verifications: deps.verifications,
    grants,
    tokens,
    settings: signInExperience,
    clock,
    checkPassword,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  const account = createAccountService({
    db,
    verifications: deps.verifications,
    grants,
    tokens,
    settings: signInExperience,
    checkPassword,
    phoneChangeNotice: createPhoneChangeNotice({
      routing: deps.routing,
      deliverRouted: deps.deliverRouted,
      logger: deps.logger,
      background: deps.background,
    }),
    clock,
  });
  const pages = createHostedPageRenderer({ signInExperience, verificationSettings: deps.verificationSettings });
  return {
    tokens,
    experience,
    account,
    signInExperience,
    pages,
    routes:
      ({ apiKeys }) =>
      async (app) => {
        await app.register(experienceRoutes({ experience, describeChallenge: deps.describeChallenge, issuer }));
        await app.register(accountRoutes({ account, tokens, issuer }));
        await app.register(tokenRoutes({ tokens, issuer }));
        await app.register(signInExperienceRoutes({ signInExperience, apiKeys }));
        await app.register(hostedPageRoutes({ render: pages }));
      },
  };
}
