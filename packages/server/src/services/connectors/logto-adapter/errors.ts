import { ConnectorError, type ConnectorErrorKind, isConnectorError } from '@passline/connector-kit';

/**
 * Logto's `ConnectorErrorCodes` (connector-kit 5) and the Passline kind each becomes. Codes for
 * social sign-in never come from an SMS connector but are listed so nothing falls through silently.
 */
const kindByLogtoCode: Record<string, ConnectorErrorKind> = {
  invalid_config: 'invalid_config',
  invalid_config_guard: 'invalid_config',
  invalid_metadata: 'invalid_config',
  unexpected_type: 'invalid_config',
  not_implemented: 'invalid_config',
  invalid_certificate: 'invalid_config',
  template_not_found: 'template_not_found',
  template_not_supported: 'template_not_found',
  rate_limit_exceeded: 'rate_limited',
  // A spent quota lasts until it is raised: a refusal, not a throttle to wait out.
  usage_limit_exceeded: 'provider_rejected',
  // The provider answered with something the connector could not read.
  invalid_response: 'provider_unavailable',
  invalid_request_parameters: 'provider_rejected',
  insufficient_request_parameters: 'provider_rejected',
  authorization_failed: 'provider_rejected',
  general: 'provider_rejected',
  social_auth_code_invalid: 'provider_rejected',
  social_invalid_access_token: 'provider_rejected',
  social_invalid_id_token: 'provider_rejected',
};

/** Network failures `got` (Logto connectors' HTTP client) reports by Node error code. */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

interface LogtoErrorShape {
  code: string;
  data?: unknown;
  message?: string;
}

/** A Logto `ConnectorError`, recognised by shape: the adapter never imports Logto's kit. */
export function isLogtoConnectorError(error: unknown): error is Error & LogtoErrorShape {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    Object.hasOwn(kindByLogtoCode, (error as unknown as { code: string }).code) &&
    'data' in error
  );
}

/**
 * Any error a Logto connector throws, as a Passline `ConnectorError`: its `ConnectorError` codes by
 * the table above (a config error keeps its zod issues), an HTTP error `got` let through by its
 * status, a network failure as the provider being unavailable.
 */
export function fromLogtoError(error: unknown, connectorName: string): ConnectorError {
  if (isConnectorError(error)) return error;
  if (isLogtoConnectorError(error)) return fromLogtoConnectorError(error, connectorName);
  const http = httpFailure(error);
  if (http) return http;
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return new ConnectorError('timeout', `${connectorName} did not answer in time.`, { cause: error });
  }
  const reason = (error as Error | null)?.message ?? String(error);
  if (typeof code === 'string' && unreachableCodes.has(code)) {
    return new ConnectorError('provider_unavailable', `${connectorName} could not reach the provider: ${reason}`, {
      providerCode: code,
      cause: error,
    });
  }
  return new ConnectorError('provider_unavailable', `${connectorName} failed unexpectedly: ${reason}`, {
    cause: error,
  });
}

function fromLogtoConnectorError(error: LogtoErrorShape, connectorName: string): ConnectorError {
  const kind = kindByLogtoCode[error.code] ?? 'provider_rejected';
  const issues = zodIssuesOf(error.data);
  const said = providerText(error.data);
  const message =
    kind === 'invalid_config' && issues
      ? `The ${connectorName} configuration is invalid: ${issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ')}`
      : `${connectorName} failed (Logto error "${error.code}")${said ? `: ${said}` : '.'}`;
  return new ConnectorError(kind, message, {
    providerCode: error.code,
    ...(said ? { providerMessage: said } : {}),
    ...(issues ? { issues } : {}),
  });
}

/** `got`'s HTTPError (a connector that rethrows it): 429 throttled, 5xx unavailable, else refused. */
function httpFailure(error: unknown): ConnectorError | undefined {
  const response = (
    error as { name?: unknown; response?: { statusCode?: unknown; body?: unknown; headers?: Record<string, unknown> } }
  )?.response;
  if ((error as { name?: unknown })?.name !== 'HTTPError' || typeof response?.statusCode !== 'number') return undefined;
  const status = response.statusCode;
  const kind: ConnectorErrorKind =
    status === 429 ? 'rate_limited' : status >= 500 ? 'provider_unavailable' : 'provider_rejected';
  const retryAfter = Number(response.headers?.['retry-after']);
  const said = typeof response.body === 'string' ? response.body.slice(0, 500) : undefined;
  return new ConnectorError(kind, `The provider answered HTTP ${status}${said ? `: ${said}` : ''}`, {
    httpStatus: status,
    ...(said ? { providerMessage: said } : {}),
    ...(Number.isInteger(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** Logto's `validateConfig` throws `InvalidConfig` with the zod 3 error itself as data. */
function zodIssuesOf(data: unknown): Array<{ path: string; message: string }> | undefined {
  const issues = (data as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((issue: { path?: unknown[]; message?: unknown }) => ({
    path: Array.isArray(issue.path) ? issue.path.join('.') : '',
    message: String(issue.message ?? 'invalid'),
  }));
}

/**
 * What the provider said, as Logto connectors pass it: `{ message }`, often the raw answer body
 * (SmsAero: `{"success":false,"message":"..."}`), whose own `message` is then the provider's words.
 */
function providerText(data: unknown): string | undefined {
  if (data === undefined || data === null) return undefined;
  const message = (data as { message?: unknown }).message;
  const text = typeof data === 'string' ? data : typeof message === 'string' ? message : safeJson(data);
  if (!text) return undefined;
  return (messageInBody(text) ?? text).slice(0, 500);
}

function messageInBody(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const said = typeof body.message === 'string' ? body.message : body.error;
    return typeof said === 'string' && said ? said : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
