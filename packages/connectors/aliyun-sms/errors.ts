import {
  ConnectorError,
  type ConnectorErrorKind,
  type ProviderResponse,
  parseRetryAfter,
} from '@passline/connector-kit';

/** The body Aliyun answers SendSms with, success or failure, whatever the HTTP status. */
export interface AliyunBody {
  Code?: unknown;
  Message?: unknown;
  RequestId?: unknown;
  BizId?: unknown;
}

interface Mapping {
  kind: ConnectorErrorKind;
  /** What the admin should do, appended to the provider's code. */
  advice: string;
}

const rateLimited: Mapping = {
  kind: 'rate_limited',
  advice: 'Aliyun is throttling sends (per-number or per-account flow control); try again later',
};

/** Codes whose fix is in Passline's config or the Aliyun console, with the field to look at. */
const exact: Record<string, Mapping> = {
  'isv.BUSINESS_LIMIT_CONTROL': rateLimited,
  'isv.MOBILE_NUMBER_ILLEGAL': { kind: 'invalid_recipient', advice: 'Aliyun does not accept this phone number' },
  'isv.MOBILE_COUNT_OVER_LIMIT': { kind: 'invalid_recipient', advice: 'too many phone numbers in one request' },
  'isv.SMS_TEMPLATE_ILLEGAL': {
    kind: 'invalid_config',
    advice: 'check the template code: it must exist in this Aliyun account and be approved',
  },
  'isv.TEMPLATE_MISSING_PARAMETERS': {
    kind: 'invalid_config',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${code} is Aliyun's template variable syntax.
    advice: 'the approved template must use exactly one variable, ${code}',
  },
  'isv.SMS_SIGNATURE_ILLEGAL': {
    kind: 'invalid_config',
    advice: 'check signName: it must match an approved signature exactly',
  },
  'isv.SMS_SIGN_ILLEGAL': { kind: 'invalid_config', advice: 'check signName: this signature may not be used' },
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': {
    kind: 'invalid_config',
    advice:
      'the signature and template types do not match; use a general-purpose signature or a verification-code template',
  },
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': {
    kind: 'invalid_config',
    advice:
      'an international template was used for a mainland China number; give this usage { "china", "overseas" } codes',
  },
  SignatureDoesNotMatch: {
    kind: 'invalid_config',
    advice:
      'the request signature was refused; check the AccessKey secret (and that the endpoint is not rewriting requests)',
  },
  IncompleteSignature: {
    kind: 'invalid_config',
    advice: 'the request signature was refused; check the AccessKey secret',
  },
  'InvalidAccessKeyId.NotFound': { kind: 'invalid_config', advice: 'check the AccessKey ID: Aliyun does not know it' },
  'InvalidAccessKeyId.Inactive': {
    kind: 'invalid_config',
    advice: 'the AccessKey is disabled; enable it or create a new one in the RAM console',
  },
  'isp.RAM_PERMISSION_DENY': {
    kind: 'invalid_config',
    advice: 'the AccessKey has no permission to send SMS; grant its RAM user AliyunDysmsFullAccess (or dysms:SendSms)',
  },
  'InvalidTimeStamp.Expired': {
    kind: 'invalid_config',
    advice: "the request time was refused; check the server's clock",
  },
  'isp.SYSTEM_ERROR': { kind: 'provider_unavailable', advice: 'Aliyun had an internal error' },
  ServiceUnavailable: { kind: 'provider_unavailable', advice: 'Aliyun is temporarily unavailable' },
  InternalError: { kind: 'provider_unavailable', advice: 'Aliyun had an internal error' },
};

/**
 * Seconds to wait when Aliyun throttles without saying how long, documented in the README: the
 * shortest flow-control window (per minute), so a caller never waits longer than it has to.
 */
export const defaultRetryAfterSeconds = 60;

// Flow-control refusals name their window: "触发分钟级流控Permits:1" (per minute), "触发小时级流控
// Permits:5" (per hour), "触发天级流控Permits:10" (per day). English wording naming the window is read too.
const flowControlWindows: Array<[RegExp, number]> = [
  [/分钟级|\bminute/i, 60],
  [/小时级|\bhour/i, 3600],
  [/天级|\bday\b|\bdaily\b/i, 86_400],
];

/** How long to wait after a throttling answer: a Retry-After header, else the window Aliyun names, else the default. */
export function aliyunRetryAfter(response: ProviderResponse, providerMessage: string | undefined): number {
  const header = parseRetryAfter(response.headers.get('retry-after'));
  if (header !== undefined) return header;
  const named = flowControlWindows.find(([pattern]) => providerMessage !== undefined && pattern.test(providerMessage));
  return named ? named[1] : defaultRetryAfterSeconds;
}

function mappingFor(code: string, httpStatus: number): Mapping {
  const known = exact[code];
  if (known) return known;
  if (code.startsWith('Throttling')) return rateLimited;
  if (httpStatus >= 500) return { kind: 'provider_unavailable', advice: 'Aliyun had a server error' };
  if (code.startsWith('isp.')) return { kind: 'provider_unavailable', advice: 'Aliyun had a platform error' };
  // Balance, account, IP-region and content refusals (isv.*) and anything else Aliyun may add.
  return { kind: 'provider_rejected', advice: 'Aliyun refused the message; see its message for the reason' };
}

/** Turns any answer other than `Code: "OK"` into the kit's error, keeping Aliyun's own details. */
export function aliyunError(response: ProviderResponse): ConnectorError {
  const body = asBody(response.json);
  const code = typeof body?.Code === 'string' ? body.Code : undefined;
  const providerMessage = typeof body?.Message === 'string' ? body.Message : undefined;
  const providerRequestId =
    (typeof body?.RequestId === 'string' ? body.RequestId : undefined) ??
    response.headers.get('x-acs-request-id') ??
    undefined;
  const details = { providerCode: code, providerMessage, providerRequestId, httpStatus: response.status };

  if (!code) {
    const hint = response.status >= 500 ? '' : '; check that endpoint points at the Dysmsapi service';
    return new ConnectorError(
      'provider_unavailable',
      `Aliyun SMS answered HTTP ${response.status} with a body Passline could not read${hint}.`,
      details,
    );
  }
  const mapping = mappingFor(code, response.status);
  const reason = providerMessage ? ` "${providerMessage}"` : '';
  const retryAfterSeconds = mapping.kind === 'rate_limited' ? aliyunRetryAfter(response, providerMessage) : undefined;
  return new ConnectorError(mapping.kind, `Aliyun SMS refused the message (${code}${reason}): ${mapping.advice}.`, {
    ...details,
    retryAfterSeconds,
  });
}

export function asBody(json: unknown): AliyunBody | undefined {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as AliyunBody) : undefined;
}
