import * as z from 'zod/mini';

/** Whether the first admin still has to be created (GET /api/admin/setup). */
export const setupStatusSchema = z.object({ setupRequired: z.boolean() });

/** A console session: who is signed in and the CSRF token its changes need. */
export const consoleSessionSchema = z
  .object({
    username: z.string(),
    csrfToken: z.string().check(z.describe('Send it back as the x-csrf-token header on POST, PATCH and DELETE.')),
    expiresAt: z.string().check(z.describe('The latest the session can last; it also ends after 12 hours unused.')),
  })
  .check(z.describe('ConsoleSession'));
export type ConsoleSession = z.infer<typeof consoleSessionSchema>;
