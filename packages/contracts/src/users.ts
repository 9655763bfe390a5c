import * as z from 'zod/mini';

/** An end user as admins see it (GET /api/users, /api/users/:id). */
export const userSummarySchema = z
  .object({
    id: z.string(),
    phone: z.string().check(z.describe('E.164.')),
    hasPassword: z.boolean(),
    suspended: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastSignInAt: z.nullable(z.string()),
  })
  .check(z.describe('User'));
export type UserSummary = z.infer<typeof userSummarySchema>;

/**
 * One signed-in session: a refresh-token family of the Experience API and hosted pages, or a grant
 * an application holds through OpenID Connect.
 */
export const userSessionSchema = z.object({
  id: z.string(),
  kind: z.enum(['passline', 'application']),
  /** The application, for `application` sessions. */
  application: z.nullable(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.nullable(z.string()),
});
export type UserSession = z.infer<typeof userSessionSchema>;

export const userDetailsSchema = z
  .extend(userSummarySchema, { sessions: z.array(userSessionSchema) })
  .check(z.describe('UserDetails'));
export type UserDetails = z.infer<typeof userDetailsSchema>;

export const userPageSchema = z.object({
  items: z.array(userSummarySchema),
  nextCursor: z.nullable(z.string()),
});
export type UserPage = z.infer<typeof userPageSchema>;

/** POST /api/users/:id/sessions/revoke */
export const revokedSessionsSchema = z.object({ revoked: z.number() });
