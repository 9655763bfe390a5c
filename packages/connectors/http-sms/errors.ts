import { ConnectorError, type ConnectorErrorKind, parseRetryAfter } from '@passline/connector-kit';

export const providerName = 'The HTTP SMS endpoint';

/** How much of the receiver's answer goes into the error: enough to read, too little to flood a log. */
export const maxQuotedLength = 200;

/** What the receiver answered. */
export interface ReceiverAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** What the request was about, and the values that must never be quoted back. */
export interface SendContext {
  to: string;
  /** Origin and path of the endpoint: the query string may carry a token, so it is left out. */
  endpoint: string;
  /** The Authorization value, the signing secret and the code: blanked wherever the answer repeats them. */
  secrets: readonly string[];
}

interface Rule {
  kind: ConnectorErrorKind;
  advice(context: SendContext, answer: ReceiverAnswer): string;
}

const refusedCredentials: Rule = {
  kind: 'invalid_config',
  advice: () =>
    'the endpoint refused who is asking: check that "authorization" is the exact header value it expects and, if it checks signatures, that "signingSecret" is the secret it verifies with',
};
const wrongUrl: Rule = {
  kind: 'invalid_config',
  advice: ({ endpoint }) => `nothing at ${endpoint} takes a POST: check the endpoint URL (path included)`,
};
const throttled: Rule = {
  kind: 'rate_limited',
  advice: () => 'the endpoint asked Passline to slow down and did not take this message',
};
const badRecipient: Rule = {
  kind: 'invalid_recipient',
  advice: ({ to }) => `the endpoint cannot deliver to ${to} (HTTP 422 is its answer for a number it cannot send to)`,
};
const unreadableRequest: Rule = {
  kind: 'provider_rejected',
  advice: () =>
    'the endpoint could not use the request (HTTP 400); check that it reads the JSON body documented in the http-sms README, and any proxy in between',
};
const refused: Rule = {
  kind: 'provider_rejected',
  advice: () => 'the endpoint refused the message',
};
const unavailable: Rule = {
  kind: 'provider_unavailable',
  advice: () => 'the endpoint failed to handle the message; try again later and check its logs',
};
const redirected: Rule = {
  kind: 'invalid_config',
  advice: (_context, answer) =>
    `the endpoint redirects to ${quoteLocation(answer.headers.get('location'))}; set the endpoint to the final URL (Passline does not follow redirects, which would send the code and its credentials to an address nobody configured)`,
};

/** The receiver contract of the README, status by status. */
function pickRule(status: number): Rule {
  if (status >= 500) return unavailable;
  if (status === 401 || status === 403) return refusedCredentials;
  if (status === 404 || status === 405 || status === 410) return wrongUrl;
  if (status === 408 || status === 429) return throttled;
  if (status === 422) return badRecipient;
  if (status === 400) return unreadableRequest;
  if (status >= 400) return refused;
  if (status >= 300) return redirected;
  return unavailable;
}

/** Turns a non-2xx answer into the kit's error, quoting a short, blanked copy of what the receiver said. */
export function receiverError(answer: ReceiverAnswer, context: SendContext): ConnectorError {
  const rule = pickRule(answer.status);
  const said = quoteAnswer(answer.text, context.secrets);
  const providerCode = readCode(answer.json, context.secrets);
  return new ConnectorError(
    rule.kind,
    `${providerName} ${context.endpoint} answered HTTP ${answer.status}: ${rule.advice(context, answer)}.${said ? ` It said: "${said}".` : ''}`,
    {
      providerCode,
      providerMessage: said || undefined,
      httpStatus: answer.status,
      retryAfterSeconds: rule.kind === 'rate_limited' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined,
    },
  );
}

/** The answer's text on one line, cut short, with every secret and the code blanked. */
export function quoteAnswer(text: string, secrets: readonly string[]): string {
  let quoted = text.replace(/\s+/g, ' ').trim();
  for (const value of secrets) {
    if (value.length >= 4) quoted = quoted.split(value).join('[redacted]');
  }
  return quoted.length > maxQuotedLength ? `${quoted.slice(0, maxQuotedLength)}…` : quoted;
}

/** An error code the receiver put in its JSON (`code` or `error`), when it is a short word. */
function readCode(json: unknown, secrets: readonly string[]): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { code, error } = json as Record<string, unknown>;
  const candidate = typeof code === 'string' ? code : typeof error === 'string' ? error : undefined;
  if (candidate === undefined || !/^[A-Za-z0-9_.:-]{1,64}$/.test(candidate)) return undefined;
  return secrets.includes(candidate) ? undefined : candidate;
}

function quoteLocation(location: string | null): string {
  if (!location) return 'another address (no Location header)';
  // Origin and path only, as for the endpoint: a query string may carry a token.
  const withoutQuery = location.split(/[?#]/)[0] ?? '';
  return withoutQuery.length > maxQuotedLength ? `${withoutQuery.slice(0, maxQuotedLength)}…` : withoutQuery;
}
