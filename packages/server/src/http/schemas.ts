import { errorBodySchema } from '@passline/contracts';
import { z } from 'zod';

/** The body of every error response; the browser code checks error answers against the same schema. */
export const errorResponseSchema = errorBodySchema;

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 401: errorResponseSchema, 403: errorResponseSchema } as const;

export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });
