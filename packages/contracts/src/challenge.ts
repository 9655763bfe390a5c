import * as z from 'zod/mini';

/**
 * The parameters of an ALTCHA proof-of-work challenge (altcha-lib 2, the widget 3). The server
 * signs them as a whole (HMAC over their canonical JSON), so a client must send them back exactly
 * as it received them: the object is loose on purpose, because a strict one would drop a field a
 * newer altcha-lib adds and every signature would then fail.
 */
export const powChallengeParametersSchema = z.looseObject({
  algorithm: z.string(),
  nonce: z.string(),
  salt: z.string(),
  cost: z.number(),
  keyLength: z.number(),
  keyPrefix: z.string(),
  keySignature: z.optional(z.string()),
  memoryCost: z.optional(z.number()),
  parallelism: z.optional(z.number()),
  /** Unix time in seconds after which the server refuses the solution. */
  expiresAt: z.optional(z.number()),
  data: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
});
export type PowChallengeParameters = z.infer<typeof powChallengeParametersSchema>;

/**
 * What a client needs to solve the challenge the Experience API asks for
 * (GET /api/experience/challenge). For `pow` it is an ALTCHA challenge as the widget
 * (`<altcha-widget challenge="/api/experience/challenge">`) and altcha-lib's `solveChallenge` take
 * it, with `type` beside `parameters` and `signature` (both ignore it); the solution goes back as
 * the widget's payload, base64 of `{ challenge, solution }`, in the send's `challenge` field. For
 * a CAPTCHA it is the site key to render the provider's widget with; its token goes in the same
 * field.
 */
export const challengeDescriptionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('off') }),
  z.object({ type: z.literal('pow'), parameters: powChallengeParametersSchema, signature: z.string() }),
  z.object({ type: z.enum(['turnstile', 'hcaptcha', 'recaptcha']), siteKey: z.string() }),
]);
export type ChallengeDescription = z.infer<typeof challengeDescriptionSchema>;
