import { noContentSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { errorResponseSchema } from '../../http/schemas.ts';
import type { TokenService } from '../token-service.ts';
import { publicRoute, tokenSetSchema } from './schemas.ts';

/** The token endpoint, sign-out (revocation) and the public keys. */
export function tokenRoutes(deps: { tokens: TokenService; issuer: () => string }): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['Tokens'];

    app.post(
      '/api/token',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Exchange a refresh token for a new token set (the refresh token rotates)',
          description:
            'OAuth 2.0 refresh grant with a JSON body. Presenting a refresh token a second time revokes every token of that sign-in.',
          body: z.strictObject({
            grant_type: z.string().min(1).max(100),
            refresh_token: z.string().min(1).max(200),
          }),
          response: { 200: tokenSetSchema, 400: errorResponseSchema },
        },
      },
      async (request, reply) => {
        if (request.body.grant_type !== 'refresh_token') {
          throw new AppError('token.unsupported_grant_type');
        }
        const tokens = await deps.tokens.refresh(request.body.refresh_token, deps.issuer());
        return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(tokens);
      },
    );

    app.post(
      '/api/token/revoke',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Sign out: revoke a refresh token and every token rotated from the same sign-in',
          description: 'Answers 204 for unknown tokens too (RFC 7009).',
          body: z.strictObject({ token: z.string().min(1).max(200) }),
          response: { 204: noContentSchema, 400: errorResponseSchema },
        },
      },
      async (request, reply) => {
        await deps.tokens.revoke(request.body.token);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/.well-known/jwks.json',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Public keys that verify access tokens (JWKS)',
          response: {
            200: z.object({
              keys: z.array(
                z.object({
                  kty: z.string(),
                  crv: z.string(),
                  x: z.string(),
                  y: z.string(),
                  kid: z.string(),
                  alg: z.string(),
                  use: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=300').send((await deps.tokens.jwks()) as never),
    );
  };
}
