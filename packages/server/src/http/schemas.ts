import { z } from 'zod';
import { errorCatalog } from '../errors.ts';

const errorCodes = Object.keys(errorCatalog) as [keyof typeof errorCatalog, ...Array<keyof typeof errorCatalog>];

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().optional(),
    }),
  })
  .describe('Error');

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 401: errorResponseSchema, 403: errorResponseSchema } as const;

export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });
