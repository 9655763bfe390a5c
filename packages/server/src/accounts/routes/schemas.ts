import { z } from 'zod';

export const phoneInputSchema = z
  .string()
  .min(3)
  .max(32)
  .describe('Phone number in international format, e.g. +12015550123.');
export const verificationIdSchema = z.string().min(1).max(100);
export const codeSchema = z.string().regex(/^\d{4,10}$/, 'a code is 4 to 10 digits');
export const newPasswordSchema = z.string().min(8, 'at least 8 characters').max(256);
export const localeSchema = z.string().min(2).max(35).optional();

export const userSchema = z.object({ id: z.string(), phone: z.string().describe('E.164.') });

export const tokenSetSchema = z
  .object({
    user: userSchema,
    accessToken: z.string().describe('ES256 JWT, valid 15 minutes; verify it with /.well-known/jwks.json.'),
    refreshToken: z.string().describe('Opaque, single use, valid 30 days; exchange it at POST /api/token.'),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().describe('Seconds until the access token expires.'),
  })
  .describe('TokenSet');

export const sentCodeSchema = z.object({ verificationId: z.string(), expiresAt: z.string() });

export const publicRoute = { security: [] } as const;
export const userRoute = { security: [{ accessToken: [] }] } as const;
