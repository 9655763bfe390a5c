import type { IncomingMessage, ServerResponse } from 'node:http';
import { interactionRedirectSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import type { ExperienceService } from '../../accounts/experience-service.ts';
import { type HostedPageRenderer, hostedFlows, type InteractionView } from '../../accounts/routes/hosted-pages.ts';
import {
  newPasswordSchema,
  phoneInputSchema,
  publicRoute,
  verificationIdSchema,
} from '../../accounts/routes/schemas.ts';
import { AppError } from '../../errors.ts';
import { errorResponseSchema } from '../../http/schemas.ts';
import type { ApplicationService } from '../application-service.ts';
import { asIssuerRequest } from '../issuer-request.ts';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
/** oidc-provider reads its cookies from Node's own request and response. */
type Raw = { req: IncomingMessage; res: ServerResponse };

const params = z.strictObject({ uid: z.string().min(1).max(100) });
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  429: errorResponseSchema,
} as const;

/**
 * The hosted pages inside an OpenID Connect sign-in. oidc-provider sends the browser to
 * /interaction/:uid (its cookie is scoped to that path, so every step posts under it); the page
 * runs the same phone-code, password, registration and password-reset steps as /sign-in, and each
 * finishing step answers where the browser goes next: back to oidc-provider, which redirects to
 * the application.
 */
export function interactionRoutes(deps: {
  provider: () => Promise<Provider>;
  experience: ExperienceService;
  applications: ApplicationService;
  render: HostedPageRenderer;
  issuer: () => string;
}): FastifyPluginAsyncZod {
  const rawOf = (request: { raw: IncomingMessage; ip: string }, reply: { raw: ServerResponse }): Raw => ({
    req: asIssuerRequest(request.raw, deps.issuer(), request.ip),
    res: reply.raw,
  });

  /** The interaction behind this browser's cookie, if it is the one in the URL. */
  async function interactionOf(uid: string, raw: Raw) {
    const provider = await deps.provider();
    let details: Interaction;
    try {
      details = await provider.interactionDetails(raw.req, raw.res);
    } catch {
      throw new AppError('oidc.interaction_expired');
    }
    if (details.uid !== uid) throw new AppError('oidc.interaction_expired');
    return { provider, details };
  }

  async function viewOf(details: Interaction): Promise<InteractionView & { firstParty: boolean }> {
    const clientId = String(details.params.client_id ?? '');
    const application = await deps.applications.get(clientId).catch(() => undefined);
    return { uid: details.uid, clientName: application?.name ?? clientId, firstParty: application?.first_party === 1 };
  }

  async function finish(
    uid: string,
    raw: Raw,
    result: (details: Interaction, provider: Provider) => Promise<InteractionResults>,
  ): Promise<{ redirectTo: string }> {
    const { provider, details } = await interactionOf(uid, raw);
    const outcome = await result(details, provider);
    return {
      redirectTo: await provider.interactionResult(raw.req, raw.res, outcome, { mergeWithLastSubmission: false }),
    };
  }

  /** Grants what the application asked for and has not been granted yet. */
  async function consent(details: Interaction, provider: Provider): Promise<InteractionResults> {
    const accountId = details.session?.accountId;
    if (!accountId) throw new AppError('oidc.interaction_expired');
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return { consent: existing ? {} : { grantId } };
  }

  const login = (accountId: string, amr: string): InteractionResults => ({
    login: { accountId, amr: [amr], remember: true },
  });

  return async (app) => {
    const route = { schema: { hide: true, params } };

    app.get('/interaction/:uid', route, async (request, reply) => {
      let found: Awaited<ReturnType<typeof interactionOf>>;
      try {
        found = await interactionOf(request.params.uid, rawOf(request, reply));
      } catch {
        return deps.render(reply, 'message', {
          title: 'This sign-in has expired',
          lead: 'Go back to the application and sign in again.',
          status: 400,
        });
      }
      const { provider, details } = found;
      const view = await viewOf(details);
      if (details.prompt.name === 'consent') {
        if (view.firstParty) {
          // The deployment's own applications need no one's permission to read its own users.
          const redirectTo = await provider.interactionResult(
            request.raw,
            reply.raw,
            await consent(details, provider),
            {
              mergeWithLastSubmission: true,
            },
          );
          return reply.redirect(redirectTo, 303);
        }
        const asked = (details.prompt.details as { missingOIDCScope?: string[] }).missingOIDCScope ?? [];
        return deps.render(reply, 'consent', {
          title: `Allow ${view.clientName}?`,
          lead: `${view.clientName} asks for access to your account.`,
          interaction: { ...view, scopes: asked.filter((scope) => scope !== 'openid') },
        });
      }
      return deps.render(reply, 'sign-in', {
        ...hostedFlows['sign-in'],
        lead: `Sign in to continue to ${view.clientName}.`,
        interaction: view,
      });
    });

    for (const flow of ['register', 'forgot-password'] as const) {
      app.get(`/interaction/:uid/${flow}`, route, async (request, reply) => {
        const { details } = await interactionOf(request.params.uid, rawOf(request, reply));
        return deps.render(reply, flow, { ...hostedFlows[flow], interaction: await viewOf(details) });
      });
    }

    const post = (body: z.ZodType, summary: string) => ({
      schema: {
        ...publicRoute,
        hide: true,
        summary,
        params,
        body,
        response: { 200: interactionRedirectSchema, ...errors },
      },
    });

    app.post(
      '/interaction/:uid/sign-in',
      post(z.strictObject({ verificationId: verificationIdSchema }), 'Sign in with a verified SignIn code'),
      async (request, reply) =>
        finish(request.params.uid, rawOf(request, reply), async () =>
          login((await deps.experience.identify.signIn(request.body as { verificationId: string })).id, 'sms'),
        ),
    );

    app.post(
      '/interaction/:uid/sign-in/password',
      post(
        z.strictObject({ phone: phoneInputSchema, password: z.string().min(1).max(256) }),
        'Sign in with a password',
      ),
      async (request, reply) =>
        finish(request.params.uid, rawOf(request, reply), async () => {
          const body = request.body as { phone: string; password: string };
          return login((await deps.experience.identify.password({ ...body, ip: request.ip })).id, 'pwd');
        }),
    );

    app.post(
      '/interaction/:uid/register',
      post(
        z.strictObject({ verificationId: verificationIdSchema, password: newPasswordSchema.optional() }),
        'Create an account with a verified Register code',
      ),
      async (request, reply) =>
        finish(request.params.uid, rawOf(request, reply), async () =>
          login(
            (await deps.experience.identify.register(request.body as { verificationId: string; password?: string })).id,
            'sms',
          ),
        ),
    );

    app.post('/interaction/:uid/consent', post(z.strictObject({}), 'Allow the application'), async (request, reply) =>
      finish(request.params.uid, rawOf(request, reply), consent),
    );

    app.post('/interaction/:uid/abort', post(z.strictObject({}), 'Cancel the sign-in'), async (request, reply) =>
      finish(request.params.uid, rawOf(request, reply), async () => ({
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      })),
    );
  };
}
