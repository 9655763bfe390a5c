import { ConnectorError, type ConnectorErrorKind } from '@passline/connector-kit';

export const providerName = 'Sinch';
/** Sinch's table of the SMS REST API's HTTP statuses and error codes. */
export const statusCodesUrl = 'https://developers.sinch.com/docs/sms/api-reference/status-codes/';

/** What Sinch answered, as far as it could be read. */
export interface SinchFailure {
  httpStatus: number;
  code: string | undefined;
  text: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  from: string;
  servicePlanId: string;
  region: string;
  endpoint: string;
}

interface Rule {
  kind: ConnectorErrorKind;
  advice(context: SendContext): string;
}

const credentials: Rule = {
  kind: 'invalid_config',
  advice: ({ servicePlanId, region }) =>
    `the API token was refused for service plan ${servicePlanId}; check that servicePlanId and apiToken are the pair shown together under SMS > APIs in the Sinch dashboard, and that region (${region}) is the plan's region`,
};
const notFound: Rule = {
  kind: 'invalid_config',
  advice: ({ servicePlanId, endpoint }) =>
    `Sinch found no service plan ${servicePlanId} at ${endpoint}: check servicePlanId and that region matches the region the plan was created in`,
};
const rateLimited: Rule = {
  kind: 'rate_limited',
  advice: () => 'the service plan sent more requests per second than Sinch allows it; Sinch did not take this one',
};
const badRecipient: Rule = {
  kind: 'invalid_recipient',
  advice: ({ to }) => `${to} is not a number Sinch can send an SMS to`,
};
const badSender: Rule = {
  kind: 'invalid_config',
  advice: ({ from }) =>
    `the sender ${from} was refused: use a number or short code assigned to this service plan (in international form), or an alphanumeric sender ID allowed in the recipient's country`,
};
const malformedRequest: Rule = {
  kind: 'provider_rejected',
  advice: () =>
    'Sinch could not read the request Passline sent; if a proxy sits in front of the endpoint, check that it passes JSON bodies through unchanged',
};

/** Sinch's error codes for sending a batch (HTTP 400, 401, 403, 404, 429), by what the admin can do. */
const rules: Record<string, Rule> = {
  // 400: the request's syntax.
  syntax_invalid_json: malformedRequest,
  // Sinch uses this one code for every field; pickRule reads its text for the sender.
  syntax_invalid_parameter_format: badRecipient,
  syntax_constraint_violation: {
    kind: 'invalid_config',
    advice: () =>
      "the message broke one of Sinch's constraints (a text longer than 2000 characters, or a sender or recipient Sinch does not allow); see Sinch's text below",
  },
  missing_parameter: {
    kind: 'invalid_config',
    advice: () => 'Sinch missed a required field (from, to or body): check that "from" is set',
  },
  // 401 and 403: who is asking, and what the account may do.
  unauthorized: credentials,
  forbidden: credentials,
  blocked_account: {
    kind: 'provider_rejected',
    advice: () => 'Sinch has blocked this account; only Sinch support or your account manager can lift it',
  },
  unprovisioned_region: {
    kind: 'invalid_config',
    advice: ({ region }) =>
      `the account is not provisioned in region ${region}: set region to the one shown next to the service plan in the dashboard`,
  },
  illegal_number_type: {
    kind: 'invalid_recipient',
    advice: ({ to }) => `${to} is a type of number (landline, premium, ...) Sinch does not send SMS to in its region`,
  },
  missing_callback_url: {
    kind: 'invalid_config',
    advice: () =>
      'the service plan asks for delivery reports without a callback URL; turn delivery reports off for the plan in the Sinch dashboard (Passline does not take Sinch receipts)',
  },
  unknown_group: {
    kind: 'provider_rejected',
    advice: () =>
      'Sinch refers to a group this service plan does not have; Passline never sends to groups, so contact Sinch support',
  },
  unknown_campaign: {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `sending to ${to} needs a registered campaign (US 10DLC, for one) that this service plan lacks: register it in the Sinch dashboard`,
  },
  // 404 and 429.
  not_found: notFound,
  too_many_requests: rateLimited,
};

/** Turns a Sinch error answer into the kit's error, keeping Sinch's code, text and the docs link. */
export function sinchError(failure: SinchFailure, context: SendContext): ConnectorError {
  const rule = pickRule(failure);
  const code = failure.code ?? `HTTP ${failure.httpStatus}`;
  const said = failure.text ? ` Sinch said: "${failure.text}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${code}): ${rule.advice(context)}.${said} Details: ${statusCodesUrl}`,
    {
      providerCode: failure.code,
      providerMessage: failure.text,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.kind === 'rate_limited' ? failure.retryAfterSeconds : undefined,
    },
  );
}

function pickRule(failure: SinchFailure): Rule {
  // Server errors first: whatever code comes with them, the batch was not created.
  if (failure.httpStatus >= 500) {
    return {
      kind: 'provider_unavailable',
      advice: ({ endpoint }) => `${endpoint} answered HTTP ${failure.httpStatus}; try again later`,
    };
  }
  // A malformed sender is the admin's to fix, a malformed recipient the user's.
  if (failure.code === 'syntax_invalid_parameter_format' && /\bfrom\b|sender/i.test(failure.text ?? '')) {
    return badSender;
  }
  const byCode = failure.code === undefined ? undefined : rules[failure.code];
  if (byCode) return byCode;
  if (failure.httpStatus === 401 || failure.httpStatus === 403) return credentials;
  if (failure.httpStatus === 404) return notFound;
  if (failure.httpStatus === 429) return rateLimited;
  return { kind: 'provider_rejected', advice: () => "see Sinch's status code table for this code" };
}

/** For answers that are not a Sinch REST API body at all. */
export function unreadableAnswer(httpStatus: number, endpoint: string): ConnectorError {
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without a Sinch API body; check region or endpoint and any proxy in between.`,
    { httpStatus },
  );
}

export { parseRetryAfter } from '@passline/connector-kit';
