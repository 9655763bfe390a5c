import { ConnectorError, type ConnectorErrorKind } from '@passline/connector-kit';

export const providerName = 'Amazon SNS';
/** The errors Publish itself documents. */
export const publishErrorsUrl = 'https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors';
/** The errors every AWS Query API action may return (signature, credentials, throttling ...). */
export const commonErrorsUrl = 'https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html';

/** What SNS answered, as far as it could be read. */
export interface SnsFailure {
  httpStatus: number;
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  accessKeyId: string;
  region: string;
  endpoint: string;
  senderId: string | undefined;
  originationNumber: string | undefined;
}

interface Rule {
  kind: ConnectorErrorKind;
  docs: string;
  advice(context: SendContext): string;
}

const invalidRecipient: Rule = {
  kind: 'invalid_recipient',
  docs: publishErrorsUrl,
  advice: ({ to }) => `${to} is not a phone number SNS can publish an SMS to`,
};
const optedOut: Rule = {
  kind: 'provider_rejected',
  docs: publishErrorsUrl,
  advice: ({ to, region }) =>
    `${to} has opted out of SMS from this AWS account (its owner replied STOP); SNS sends it nothing until the number is opted back in (SNS console > Text messaging > Opted-out phone numbers, region ${region})`,
};
const badSender: Rule = {
  kind: 'invalid_config',
  docs: publishErrorsUrl,
  advice: ({ senderId, originationNumber }) =>
    `SNS refused the sender settings (senderId ${senderId ?? 'not set'}, originationNumber ${originationNumber ?? 'not set'}): the origination number must belong to this account in this region, and a sender ID must be allowed (and in some countries registered) for the destination country`,
};
const badParameter: Rule = {
  kind: 'provider_rejected',
  docs: publishErrorsUrl,
  advice: () => 'SNS refused a value of the message; see its text below',
};
const notAuthorized: Rule = {
  kind: 'invalid_config',
  docs: publishErrorsUrl,
  advice: ({ accessKeyId, to }) =>
    `the IAM identity of access key ${accessKeyId} may not publish SMS: give it an IAM policy that allows sns:Publish. If the account is still in the SMS sandbox, ${to} must also be a verified destination number (SNS console > Text messaging > Sandbox destination phone numbers)`,
};
const unknownKey: Rule = {
  kind: 'invalid_config',
  docs: commonErrorsUrl,
  advice: ({ accessKeyId, region }) =>
    `AWS does not know access key ${accessKeyId} in ${region}: check accessKeyId (it may have been deleted or deactivated in IAM), that a session token is set for temporary (ASIA...) keys, and that the region is enabled for the account`,
};
const badSignature: Rule = {
  kind: 'invalid_config',
  docs: commonErrorsUrl,
  advice: ({ accessKeyId }) =>
    `the signature did not match: secretAccessKey is not the secret of access key ${accessKeyId}, or a proxy in front of the endpoint changed the request (host, body or headers)`,
};
const expiredToken: Rule = {
  kind: 'invalid_config',
  docs: commonErrorsUrl,
  advice: () =>
    'the temporary credentials (sessionToken) have expired: put fresh ones in the configuration, or use a long-lived access key of an IAM user',
};
const clockSkew: Rule = {
  kind: 'invalid_config',
  docs: commonErrorsUrl,
  advice: () =>
    "the request's signing time is more than 15 minutes away from AWS's clock: synchronise this server's clock (NTP)",
};
const optInRequired: Rule = {
  kind: 'invalid_config',
  docs: commonErrorsUrl,
  advice: ({ region }) => `the account is not subscribed to SNS in ${region}, or the region is not enabled for it`,
};
const throttled: Rule = {
  kind: 'rate_limited',
  docs: commonErrorsUrl,
  advice: () =>
    'the account went over its SNS SMS sending rate (messages per second, per region); SNS did not take this message',
};
const kmsProblem: Rule = {
  kind: 'invalid_config',
  docs: publishErrorsUrl,
  advice: () =>
    'SNS reported a problem with an AWS KMS key: Passline publishes to phone numbers, not encrypted topics, so check any encryption default or key policy set on the account for SNS',
};
const unavailable: Rule = {
  kind: 'provider_unavailable',
  docs: commonErrorsUrl,
  advice: ({ endpoint }) => `${endpoint} had an internal failure; try again later`,
};
const malformedRequest: Rule = {
  kind: 'provider_rejected',
  docs: commonErrorsUrl,
  advice: () =>
    'SNS could not read the request Passline sent; if a proxy sits in front of the endpoint, check that it passes form bodies through unchanged',
};
const notForSms: Rule = {
  kind: 'provider_rejected',
  docs: publishErrorsUrl,
  advice: () =>
    'SNS answered with an error of topics and push endpoints, which Passline does not publish to; contact AWS support with the request id',
};

/** SNS's error codes for Publish and the Query API's common ones, by what the admin can do. */
const rules: Record<string, Rule> = {
  // Publish's own errors.
  InvalidParameter: badParameter,
  InvalidParameterValue: badParameter,
  ValidationException: badParameter,
  ValidationError: badParameter,
  OptedOut: optedOut,
  AuthorizationError: notAuthorized,
  InvalidSecurity: badSignature,
  KMSAccessDenied: kmsProblem,
  KMSDisabled: kmsProblem,
  KMSInvalidState: kmsProblem,
  KMSNotFound: kmsProblem,
  KMSOptInRequired: kmsProblem,
  // A throttled KMS key throttles the publish: the cure is waiting, like any throttling.
  KMSThrottling: throttled,
  EndpointDisabled: notForSms,
  PlatformApplicationDisabled: notForSms,
  NotFound: notForSms,
  InternalError: unavailable,
  // The errors common to the Query API.
  AccessDenied: notAuthorized,
  AccessDeniedException: notAuthorized,
  NotAuthorized: notAuthorized,
  InvalidClientTokenId: unknownKey,
  UnrecognizedClientException: unknownKey,
  MissingAuthenticationToken: unknownKey,
  SignatureDoesNotMatch: badSignature,
  IncompleteSignature: badSignature,
  ExpiredToken: expiredToken,
  ExpiredTokenException: expiredToken,
  RequestExpired: clockSkew,
  OptInRequired: optInRequired,
  Throttling: throttled,
  ThrottlingException: throttled,
  Throttled: throttled,
  ThrottledException: throttled,
  RequestLimitExceeded: throttled,
  TooManyRequestsException: throttled,
  InternalFailure: unavailable,
  ServiceUnavailable: unavailable,
  MissingAction: malformedRequest,
  InvalidAction: malformedRequest,
  MissingParameter: malformedRequest,
  InvalidQueryParameter: malformedRequest,
  MalformedQueryString: malformedRequest,
  InvalidParameterCombination: malformedRequest,
};

/** Turns an SNS error answer into the kit's error, keeping AWS's code, text, request id and the docs link. */
export function snsError(failure: SnsFailure, context: SendContext): ConnectorError {
  const rule = pickRule(failure);
  const code = failure.code ?? `HTTP ${failure.httpStatus}`;
  const said = failure.message ? ` AWS said: "${failure.message}".` : '';
  const request = failure.requestId ? ` Request id: ${failure.requestId}.` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${code}): ${rule.advice(context)}.${said}${request} Details: ${rule.docs}`,
    {
      providerCode: failure.code,
      providerMessage: failure.message,
      providerRequestId: failure.requestId,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.kind === 'rate_limited' ? failure.retryAfterSeconds : undefined,
    },
  );
}

function pickRule(failure: SnsFailure): Rule {
  // Server errors first: whatever code comes with them, the message was not published.
  if (failure.httpStatus >= 500) return unavailable;
  const text = failure.message ?? '';
  // InvalidParameter is one code for every field; its text names the field ("Invalid parameter: PhoneNumber ...").
  if (failure.code === 'InvalidParameter' || failure.code === 'InvalidParameterValue') {
    if (/opted.?out/i.test(text)) return optedOut;
    if (/SenderID|OriginationNumber|origination/i.test(text)) return badSender;
    if (/PhoneNumber|phone number/i.test(text)) return invalidRecipient;
  }
  const byCode = failure.code === undefined ? undefined : rules[failure.code];
  if (byCode) return byCode;
  if (failure.httpStatus === 401 || failure.httpStatus === 403) return notAuthorized;
  if (failure.httpStatus === 429) return throttled;
  return { kind: 'provider_rejected', docs: commonErrorsUrl, advice: () => "see AWS's error reference for this code" };
}

/** For answers that are not an SNS Query API body at all. */
export function unreadableAnswer(httpStatus: number, endpoint: string): ConnectorError {
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without an SNS XML body; check region or endpoint and any proxy in between.`,
    { httpStatus },
  );
}

export { parseRetryAfter } from '@passline/connector-kit';
