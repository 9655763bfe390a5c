import * as z from 'zod/mini';

/** The end user a token set belongs to. */
export const userSchema = z.object({ id: z.string(), phone: z.string().check(z.describe('E.164.')) });

/** What a sign-in, a registration, a re-authentication or a refresh answers. */
export const tokenSetSchema = z
  .object({
    user: userSchema,
    accessToken: z.string().check(z.describe('ES256 JWT, valid 15 minutes; verify it with /.well-known/jwks.json.')),
    refreshToken: z.string().check(z.describe('Opaque, single use, valid 30 days; exchange it at POST /api/token.')),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().check(z.describe('Seconds until the access token expires.')),
  })
  .check(z.describe('TokenSet'));
export type TokenSet = z.infer<typeof tokenSetSchema>;

/** A code is on its way: the verification to check it against. */
export const sentCodeSchema = z.object({ verificationId: z.string(), expiresAt: z.string() });
export type SentCode = z.infer<typeof sentCodeSchema>;

/** The code of a verification was right. */
export const verifiedCodeSchema = z.object({ verificationId: z.string(), verified: z.literal(true) });

/** The signed-in end user's account (GET /api/account). */
export const accountSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.describe('Account'));
export type Account = z.infer<typeof accountSchema>;

/** The account's number after a change (POST /api/account/phone). */
export const phoneChangedSchema = z.object({ phone: z.string() });

/** An OpenID Connect interaction step is done: the browser continues at `redirectTo`. */
export const interactionRedirectSchema = z.object({ redirectTo: z.string() });
