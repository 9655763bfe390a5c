import { describeIssues, formatIssues, type z } from '@passline/connector-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, errorCatalog, isAppError } from '../errors.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId?: string };
}

/** Turns whatever was thrown into one of the catalogued errors. Nothing unlisted leaves the server. */
export function toAppError(error: unknown, routeSchema?: Partial<Record<string, unknown>>): AppError | undefined {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? 'body';
    const zodIssues = error.validation.map(
      (issue) =>
        ({
          ...issue.params,
          code: issue.keyword,
          path: issue.instancePath.split('/').filter(Boolean),
          message: issue.message ?? 'invalid',
        }) as unknown as z.core.$ZodIssue,
    );
    const issues = describeIssues(zodIssues, routeSchema?.[context] as z.ZodType | undefined).map((issue) => ({
      path: issue.path ? `${context}.${issue.path}` : context,
      message: issue.message,
    }));
    return new AppError('request.invalid', `Invalid request: ${formatIssues(issues)}`, { issues });
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.malformed_json');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError('request.malformed_json', `The body is not valid JSON: ${error.message}`);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('request.invalid', fastifyError.message);
  }
  return undefined;
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const appError = toAppError(error, request.routeOptions.schema as Partial<Record<string, unknown>> | undefined);
  if (!appError) {
    request.log.error({ err: error }, 'unexpected error');
    const body: ErrorBody = {
      error: { code: 'internal.error', message: errorCatalog['internal.error'].message, requestId: String(request.id) },
    };
    return reply.status(500).type('application/json').send(body);
  }
  if (appError.status >= 500) request.log.error({ err: appError }, appError.message);
  if (appError.retryAfterSeconds !== undefined) reply.header('retry-after', String(appError.retryAfterSeconds));
  const body: ErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      details: appError.details,
      requestId: appError.status >= 500 ? String(request.id) : undefined,
    },
  };
  return reply.status(errorCatalog[appError.code].status).type('application/json').send(body);
}
