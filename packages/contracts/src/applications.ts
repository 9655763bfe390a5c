import * as z from 'zod/mini';

/**
 * Applications are OpenID Connect clients. `web`: a server-side app, confidential, with a client
 * secret; `spa` and `native`: public clients that prove themselves with PKCE (S256).
 */
export const applicationTypes = ['web', 'spa', 'native'] as const;
export type ApplicationType = (typeof applicationTypes)[number];

export const applicationSchema = z
  .object({
    id: z.string().check(z.describe('The OAuth 2.0 `client_id`.')),
    name: z.string(),
    type: z.enum(applicationTypes),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    firstParty: z.boolean().check(z.describe('First-party applications skip the consent screen.')),
    hasClientSecret: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.describe('Application'));
export type Application = z.infer<typeof applicationSchema>;

/** The list, with what an application's developer needs to configure their OpenID Connect client. */
export const applicationListSchema = z.object({
  items: z.array(applicationSchema),
  issuer: z.string().check(z.describe('The OpenID Connect issuer (PASSLINE_PUBLIC_URL).')),
  discoveryUrl: z.string().check(z.describe('`{issuer}/.well-known/openid-configuration`.')),
});

/** A created `web` application, or a rotated secret: the only answers that carry the secret. */
export const applicationWithSecretSchema = z.extend(applicationSchema, {
  clientSecret: z.optional(z.string().check(z.describe('Shown once; store it now.'))),
});
export type ApplicationWithSecret = z.infer<typeof applicationWithSecretSchema>;

/** The body of POST /api/applications (PATCH takes the same fields, each optional, but not `type`). */
export const applicationInputLimits = { name: 100, uris: 20, uriLength: 2000 } as const;
