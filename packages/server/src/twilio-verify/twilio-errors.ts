import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../errors.ts';
import { toAppError } from '../http/errors.ts';

/**
 * Twilio's legacy error body, exactly these four fields: the SDK raises it as a RestException
 * (`code`, `status`, `moreInfo`). A body with `type` and `title` would make it raise a
 * TwilioServiceException (RFC 9457) instead, so none is ever added.
 */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

interface TwilioErrorShape {
  status: number;
  code: number;
  message: string;
}

const sendLimitCodes = new Set<ErrorCode>([
  'rate_limit.resend_cooldown',
  'rate_limit.phone',
  'rate_limit.ip',
  'rate_limit.prefix',
  'rate_limit.country',
  'rate_limit.global',
]);
// A verification Twilio would have deleted: approved, expired or canceled all read as "not found".
const goneCodes = new Set<ErrorCode>([
  'route.not_found',
  'verification.not_found',
  'verification.expired',
  'verification.cancelled',
  'verification.already_used',
]);
const outageCodes = new Set<ErrorCode>([
  'connector.none_active',
  'connector.secret_unreadable',
  'delivery.provider_unavailable',
  'delivery.timeout',
  'service.unavailable',
]);

/** The parameter a validation issue names (`body.To` → `To`), for Twilio's "Invalid parameter `To`". */
function invalidParameterMessage(error: AppError): string {
  const issues = error.details?.issues as { path: string; message: string }[] | undefined;
  const first = issues?.[0];
  if (!first) return error.message;
  const parameter = first.path.replace(/^(body|querystring|params)\.?/, '');
  return parameter ? `Invalid parameter \`${parameter}\`: ${first.message}` : `Invalid request: ${first.message}`;
}

/** Which Twilio error a Passline error is, by the codes Twilio documents for the same situation. */
export function twilioErrorFor(error: AppError, path: string): TwilioErrorShape {
  const code = error.code;
  if (code.startsWith('auth.')) {
    return { status: 401, code: 20003, message: 'Authenticate' };
  }
  if (goneCodes.has(code)) {
    return { status: 404, code: 20404, message: `The requested resource ${path} was not found` };
  }
  if (code === 'verification.too_many_attempts') {
    return { status: 429, code: 60202, message: 'Max check attempts reached' };
  }
  if (sendLimitCodes.has(code)) {
    return { status: 429, code: 60203, message: `Max send attempts reached: ${error.message}` };
  }
  if (code === 'delivery.rate_limited') return { status: 429, code: 20429, message: error.message };
  if (code === 'fraud.country_blocked') {
    return { status: 403, code: 60605, message: `Verification delivery attempt blocked: ${error.message}` };
  }
  if (code.startsWith('fraud.')) {
    return { status: 403, code: 60410, message: `Verification delivery attempt blocked: ${error.message}` };
  }
  if (code === 'phone.invalid' || code === 'delivery.invalid_recipient') {
    return { status: 400, code: 60200, message: `Invalid parameter \`To\`: ${error.message}` };
  }
  if (code === 'request.invalid') {
    const twilioCode = typeof error.details?.twilioCode === 'number' ? error.details.twilioCode : 60200;
    return { status: 400, code: twilioCode, message: invalidParameterMessage(error) };
  }
  if (outageCodes.has(code)) return { status: 503, code: 20503, message: error.message };
  if (error.status >= 500) return { status: error.status === 502 ? 502 : 500, code: 20500, message: error.message };
  return { status: error.status, code: error.status === 400 ? 60200 : 20000 + error.status, message: error.message };
}

/** The plugin's error handler: every failure under /v2 leaves as a Twilio error body. */
export function sendTwilioError(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const appError = toAppError(error, request.routeOptions.schema as Partial<Record<string, unknown>> | undefined);
  const path = request.url.split('?')[0]?.replace(/^\/v2/, '') ?? '';
  if (!appError) request.log.error({ err: error }, 'unexpected error');
  else if (appError.status >= 500) request.log.error({ err: appError }, appError.message);
  const shape = appError
    ? twilioErrorFor(appError, path)
    : { status: 500, code: 20500, message: `Internal server error (request ${String(request.id)})` };
  if (appError?.retryAfterSeconds !== undefined) reply.header('retry-after', String(appError.retryAfterSeconds));
  if (shape.status === 401) reply.header('www-authenticate', 'Basic realm="Twilio API"');
  const body: TwilioErrorBody = {
    code: shape.code,
    message: shape.message,
    more_info: `https://www.twilio.com/docs/errors/${shape.code}`,
    status: shape.status,
  };
  return reply.status(shape.status).type('application/json').send(body);
}

/** A parameter Twilio would refuse: 400 and code 60200 (or the code given) naming the parameter. */
export function invalidParameter(parameter: string, message: string, twilioCode = 60200): AppError {
  return new AppError('request.invalid', `Invalid parameter \`${parameter}\`: ${message}`, {
    issues: [{ path: parameter, message }],
    twilioCode,
  });
}
