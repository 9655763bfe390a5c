import { z } from 'zod';

export const phoneInputSchema = z
  .string()
  .min(3)
  .max(32)
  .describe('Phone number in international format, e.g. +12015550123.');
export const verificationIdSchema = z.string().min(1).max(100);
export const codeSchema = z.string().regex(/^\d{4,10}$/, 'a code is 4 to 10 digits');
export const newPasswordSchema = z.string().min(8, 'at least 8 characters').max(256);
export const localeSchema = z
  .string()
  .min(2)
  .max(35)
  .optional()
  .describe(
    "The recipient's language (BCP 47, e.g. pt-BR) for the template; without it, the first language of the Accept-Language header.",
  );

// The response schemas are shared with the hosted pages, which check answers against them.
export { sentCodeSchema, tokenSetSchema, userSchema } from '@passline/contracts';

export const publicRoute = { security: [] } as const;
export const userRoute = { security: [{ accessToken: [] }] } as const;
