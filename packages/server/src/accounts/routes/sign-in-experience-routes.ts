import { signInExperienceSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { audit } from '../../http/audit.ts';
import { requireScope } from '../../http/auth.ts';
import { authErrors, errorResponseSchema } from '../../http/schemas.ts';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { type SignInExperienceSettings, signInExperiencePatchSchema } from '../sign-in-experience-settings.ts';

/** Which end-user flows are on: the admin API behind the console's sign-in experience page. */
export function signInExperienceRoutes(deps: {
  signInExperience: SignInExperienceSettings;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

    app.get(
      '/api/settings/sign-in-experience',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Sign-in experience settings',
          response: { 200: signInExperienceSchema, ...authErrors },
        },
      },
      async () => deps.signInExperience.get(),
    );

    app.patch(
      '/api/settings/sign-in-experience',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Turn phone sign-in, sign-up or passwords on or off',
          body: signInExperiencePatchSchema,
          response: { 200: signInExperienceSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.signInExperience.get();
        const after = await deps.signInExperience.update(request.body);
        await audit(request, 'settings.update', { type: 'settings', id: 'sign-in-experience' }, { before, after });
        return after;
      },
    );
  };
}
