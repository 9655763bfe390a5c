import { ConnectorError, type ConnectorErrorKind } from '@passline/connector-kit';

export const providerName = 'Tencent Cloud SMS';

/** One error Tencent reported, either in `Response.Error` or in a `SendStatusSet` entry. */
export interface TencentFailure {
  code: string;
  message: string | undefined;
  requestId: string | undefined;
  httpStatus: number;
}

/** What the request was about, so the message can name the value the admin has to fix. */
export interface SendContext {
  to: string;
  templateId: string;
  signName: string;
  sdkAppId: string;
  region: string;
  endpoint: string;
}

/**
 * Seconds to wait when Tencent throttles without naming a window (documented in the README): Tencent
 * sends no Retry-After, and a minute covers its 30-second and per-request limits.
 */
export const defaultRetryAfterSeconds = 60;

interface Rule {
  matches(code: string): boolean;
  kind: ConnectorErrorKind;
  advice(context: SendContext): string;
  retryAfterSeconds?: number;
}

const exactly =
  (...codes: string[]) =>
  (code: string) =>
    codes.includes(code);
const startsWith =
  (...prefixes: string[]) =>
  (code: string) =>
    prefixes.some((prefix) => code === prefix || code.startsWith(`${prefix}.`));

/** First match wins, so specific codes come before the family they belong to. */
const rules: Rule[] = [
  {
    matches: exactly('AuthFailure.SecretIdNotFound', 'AuthFailure.InvalidSecretId'),
    kind: 'invalid_config',
    advice: () =>
      'the SecretId is unknown or disabled; check accessKeyId against CAM console > API keys (no spaces around it)',
  },
  {
    matches: exactly('AuthFailure.SignatureFailure', 'AuthFailure.InvalidAuthorization'),
    kind: 'invalid_config',
    advice: () => 'the request signature was refused; check that accessKeySecret is the SecretKey of this SecretId',
  },
  {
    matches: exactly('AuthFailure.SignatureExpire'),
    kind: 'invalid_config',
    advice: () =>
      "the request timestamp is more than 5 minutes away from Tencent's clock; synchronise the Passline server's clock (NTP)",
  },
  {
    matches: exactly('AuthFailure.UnauthorizedOperation'),
    kind: 'invalid_config',
    advice: () =>
      'this API key may not send SMS; grant its CAM user the sms:SendSms permission (e.g. QcloudSMSFullAccess)',
  },
  {
    matches: startsWith('AuthFailure'),
    kind: 'invalid_config',
    advice: () => 'Tencent Cloud refused the API key; check accessKeyId and accessKeySecret',
  },
  {
    matches: exactly(
      'FailedOperation.TemplateIncorrectOrUnapproved',
      'FailedOperation.TemplateUnapprovedOrNotExist',
      'FailedOperation.TemplateIdNotExist',
      'FailedOperation.MissingTemplateList',
    ),
    kind: 'invalid_config',
    advice: ({ templateId, sdkAppId }) =>
      `template ${templateId} is unknown, not approved yet, or does not belong to application ${sdkAppId}; check its status in the SMS console (Body templates)`,
  },
  {
    // The truncated spelling appears in Tencent's own published example, so both are matched.
    matches: (code) => code.startsWith('FailedOperation.TemplateParamSetNotMatchApprovedTemplat'),
    kind: 'invalid_config',
    advice: ({ templateId }) =>
      `the parameters sent do not match template ${templateId}; its "params" list must have one entry per {n} placeholder, in order`,
  },
  {
    matches: exactly(
      'InvalidParameterValue.TemplateParameterFormatError',
      'InvalidParameterValue.TemplateParameterLengthLimit',
      'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter',
    ),
    kind: 'invalid_config',
    advice: ({ templateId }) =>
      `a parameter value does not fit template ${templateId} (verification-code templates take only digits, at most 6); check the template's "params" list`,
  },
  {
    matches: exactly('InvalidParameterValue.ContentLengthLimit'),
    kind: 'invalid_config',
    advice: ({ templateId }) => `the message built from template ${templateId} is too long; shorten the template`,
  },
  {
    matches: (code) =>
      code === 'FailedOperation.SignatureIncorrectOrUnapproved' || code.startsWith('FailedOperation.MissingSignature'),
    kind: 'invalid_config',
    advice: ({ signName }) =>
      `the sign name "${signName}" is not approved or not written exactly as approved; check signName against the SMS console (Signatures)`,
  },
  {
    matches: exactly(
      'InvalidParameterValue.SdkAppIdNotExist',
      'UnauthorizedOperation.SmsSdkAppIdVerifyFail',
      'InvalidParameter.AppidAndBizId',
    ),
    kind: 'invalid_config',
    advice: ({ sdkAppId }) =>
      `the SdkAppId ${sdkAppId} does not exist or belongs to another account than this API key; check sdkAppId in the SMS console (Application management)`,
  },
  {
    matches: exactly('UnsupportedRegion', 'InvalidParameterValue.Region'),
    kind: 'invalid_config',
    advice: ({ region }) => `the region "${region}" is not available for SMS; use ap-guangzhou unless told otherwise`,
  },
  {
    matches: exactly('LimitExceeded.AppCountryOrRegionInBlacklist'),
    kind: 'invalid_recipient',
    advice: ({ to }) =>
      `sending to the country of ${to} is switched off for this application; allow it in the SMS console if that is intended`,
  },
  {
    matches: exactly('LimitExceeded.PhoneNumberCountLimit'),
    kind: 'provider_rejected',
    advice: () => 'the request carried too many numbers',
  },
  {
    matches: exactly('LimitExceeded.PhoneNumberThirtySecondLimit'),
    kind: 'rate_limited',
    advice: ({ to }) =>
      `too many messages to ${to} within 30 seconds; the limits are set in the SMS console (frequency limits)`,
    // The window is part of the code's meaning, so it is a safe hint for the caller.
    retryAfterSeconds: 30,
  },
  {
    matches: exactly('LimitExceeded.PhoneNumberOneHourLimit'),
    kind: 'rate_limited',
    advice: ({ to }) => `too many messages to ${to} within an hour; the limits are set in the SMS console`,
    retryAfterSeconds: 3600,
  },
  {
    // PhoneNumberDailyLimit, PhoneNumberSameContentDailyLimit, AppDailyLimit ...: a day's window.
    matches: (code) => code.startsWith('LimitExceeded.') && code.endsWith('DailyLimit'),
    kind: 'rate_limited',
    advice: () => 'a daily sending limit was reached; the per-number and daily limits are set in the SMS console',
    retryAfterSeconds: 86_400,
  },
  {
    matches: startsWith('LimitExceeded', 'RequestLimitExceeded'),
    kind: 'rate_limited',
    advice: () => 'a sending limit was reached; the per-number and daily limits are set in the SMS console',
    retryAfterSeconds: defaultRetryAfterSeconds,
  },
  {
    matches: exactly(
      'InvalidParameterValue.IncorrectPhoneNumber',
      'FailedOperation.PhoneNumberParseFail',
      'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber',
      'UnsupportedOperation.UnsupportedRegion',
    ),
    kind: 'invalid_recipient',
    advice: ({ to }) => `${to} is not a number Tencent Cloud SMS can deliver to`,
  },
  {
    matches: exactly(
      'UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone',
      'UnsupportedOperation.GlobalTemplateToChineseMainlandPhone',
    ),
    kind: 'invalid_recipient',
    advice: ({ to, templateId }) =>
      `template ${templateId} cannot be used for ${to}: Chinese mainland numbers need a mainland template and other numbers a Global SMS template`,
  },
  {
    matches: exactly('FailedOperation.PhoneNumberInBlacklist'),
    kind: 'invalid_recipient',
    advice: ({ to }) => `${to} unsubscribed or is on a carrier's do-not-disturb list`,
  },
  {
    matches: exactly('FailedOperation.InsufficientBalanceInSmsPackage'),
    kind: 'provider_rejected',
    advice: () => 'the SMS package balance is used up; buy an SMS package in the Tencent Cloud console',
  },
  {
    matches: exactly('UnauthorizedOperation.ServiceSuspendDueToArrears'),
    kind: 'provider_rejected',
    advice: () => 'the Tencent Cloud account is suspended for arrears; settle the balance in the billing console',
  },
  {
    matches: exactly('UnauthorizedOperation.RequestIpNotInWhitelist'),
    kind: 'provider_rejected',
    advice: () => "the Passline server's IP address is not on the application's IP allowlist",
  },
  {
    matches: startsWith('InternalError'),
    kind: 'provider_unavailable',
    advice: () => 'Tencent Cloud had an internal error; the message was probably not sent',
  },
];

const fallback: Rule = {
  matches: () => true,
  kind: 'provider_rejected',
  advice: () => 'see the Tencent Cloud SMS error code list for this code',
};

/** Turns one Tencent error code into the kit's error, keeping Tencent's code, message and request id. */
export function tencentError(failure: TencentFailure, context: SendContext): ConnectorError {
  const rule = rules.find((candidate) => candidate.matches(failure.code)) ?? fallback;
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${failure.code}): ${rule.advice(context)}.`,
    {
      providerCode: failure.code,
      providerMessage: failure.message,
      providerRequestId: failure.requestId,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.retryAfterSeconds,
    },
  );
}

/** For answers that are not a Tencent Cloud API body at all, or that come with a server error status. */
export function unavailableError(
  reason: string,
  details: { httpStatus: number; code?: string; message?: string; requestId?: string },
): ConnectorError {
  return new ConnectorError('provider_unavailable', `${providerName} ${reason}`, {
    httpStatus: details.httpStatus,
    providerCode: details.code,
    providerMessage: details.message,
    providerRequestId: details.requestId,
  });
}
