import { verificationSettingsSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { type SettingsService, verificationSettingsPatchSchema } from '../../services/settings-service.ts';
import { audit } from '../audit.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

/** The verification settings (Management API). */
export function settingsRoutes(deps: { settings: SettingsService; apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

    app.get(
      '/api/settings/verification',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Verification settings',
          response: { 200: verificationSettingsSchema, ...authErrors },
        },
      },
      async () => deps.settings.getVerificationSettings(),
    );

    app.patch(
      '/api/settings/verification',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Change verification settings',
          body: verificationSettingsPatchSchema,
          response: { 200: verificationSettingsSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.settings.getVerificationSettings();
        const after = await deps.settings.updateVerificationSettings(request.body);
        await audit(request, 'settings.update', { type: 'settings', id: 'verification' }, { before, after });
        return after;
      },
    );
  };
}
