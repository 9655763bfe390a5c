import { ConnectorError, type ConnectorErrorKind, phoneRegion } from '@passline/connector-kit';

export const providerName = 'Infobip';
/** Infobip's guide to request errors: HTTP statuses and the error body (errorCode, description, action, violations). */
export const requestErrorsUrl = 'https://www.infobip.com/docs/developer-resources/api-fundamentals/handling-errors';
/** Infobip's table of message statuses (groupId, groupName, id, name). */
export const statusCodesUrl = 'https://www.infobip.com/docs/essentials/response-status-and-error-codes';
/** Where API key scopes are explained, for a key that may not send SMS. */
export const scopesUrl =
  'https://www.infobip.com/docs/developer-resources/authentication-and-access/authorization-and-scopes';

/**
 * A request Infobip refused as a whole (HTTP 4xx/5xx). `code` is the v3 `errorCode` (E400, E401 ...)
 * or, from older gateways, the v2 `requestError.serviceException.messageId` (BAD_REQUEST ...).
 */
export interface InfobipRequestFailure {
  httpStatus: number;
  code: string | undefined;
  text: string | undefined;
  /** What Infobip advises doing about it (v3 only). */
  action: string | undefined;
  /** `property: violation` for each violation Infobip listed. */
  violations: Array<{ property: string; violation: string }>;
  retryAfterSeconds: number | undefined;
}

/** A message Infobip took in a 200 but will not send: its status object. */
export interface InfobipMessageStatus {
  groupId: number | undefined;
  groupName: string | undefined;
  id: number | undefined;
  name: string | undefined;
  description: string | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  sender: string;
  endpoint: string;
}

interface Rule {
  kind: ConnectorErrorKind;
  advice(context: SendContext): string;
}

// The v2 messageIds and their v3 errorCodes name the same families; both are read.
const legacyCodes: Record<string, string> = {
  BAD_REQUEST: 'E400',
  UNAUTHORIZED: 'E401',
  FORBIDDEN: 'E403',
  NOT_FOUND: 'E404',
  TOO_MANY_REQUESTS: 'E429',
  GENERAL_ERROR: 'E500',
};

const credentials: Rule = {
  kind: 'invalid_config',
  advice: ({ endpoint }) =>
    `the API key was refused (wrong, expired or revoked): set apiKey to a valid key from Developer tools > API keys in the Infobip portal, and check that baseUrl (${endpoint}) is the one shown for the same account`,
};
const missingScope: Rule = {
  kind: 'invalid_config',
  advice: () =>
    `the apiKey may not send SMS: give the key the SMS sending scope in Developer tools > API keys, or create a key that has it (see ${scopesUrl})`,
};
const wrongBaseUrl: Rule = {
  kind: 'invalid_config',
  advice: ({ endpoint }) =>
    `Infobip found no SMS API at ${endpoint}: set baseUrl to the address on your portal homepage, e.g. https://xxxxx.api.infobip.com`,
};
const rateLimited: Rule = {
  kind: 'rate_limited',
  advice: () => 'the account sent more requests than Infobip allows it; Infobip did not take this one',
};
const badRecipient: Rule = {
  kind: 'invalid_recipient',
  advice: ({ to }) => `${to} is not a number Infobip can send an SMS to`,
};
const badSender: Rule = {
  kind: 'invalid_config',
  advice: ({ sender }) =>
    `the sender "${sender}" was refused: use an alphanumeric sender ID of 3 to 11 characters registered for the recipient's country, or a number from your Infobip account`,
};
const badText: Rule = {
  kind: 'invalid_config',
  advice: () => 'Infobip refused the message text: check the template for this usage',
};
const malformedRequest: Rule = {
  kind: 'provider_rejected',
  advice: () =>
    'Infobip could not read the request Passline sent; if a proxy sits in front of baseUrl, check that it passes JSON bodies through unchanged',
};

/** Infobip's request errors (the HTTP 400 one is refined by its violations in pickRequestRule). */
const requestRules: Record<string, Rule> = {
  E400: malformedRequest,
  E401: credentials,
  E403: missingScope,
  E404: wrongBaseUrl,
  E429: rateLimited,
};

/** Turns a refused request into the kit's error, keeping Infobip's code, description and a docs link. */
export function requestError(failure: InfobipRequestFailure, context: SendContext): ConnectorError {
  const rule = pickRequestRule(failure);
  const code = failure.code ?? `HTTP ${failure.httpStatus}`;
  const violations = failure.violations.map(({ property, violation }) => `${property}: ${violation}`).join('; ');
  const said = [failure.text, violations].filter(Boolean).join(' ');
  const advised = failure.action ? ` Infobip advises: "${failure.action}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${code}, HTTP ${failure.httpStatus}): ${rule.advice(context)}.${said ? ` Infobip said: "${said}".` : ''}${advised} Details: ${requestErrorsUrl}`,
    {
      providerCode: failure.code,
      providerMessage: said || undefined,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.kind === 'rate_limited' ? failure.retryAfterSeconds : undefined,
    },
  );
}

function pickRequestRule(failure: InfobipRequestFailure): Rule {
  // Server errors first (E500 and any 5xx): whatever the body says, nothing was sent.
  if (failure.httpStatus >= 500) {
    return {
      kind: 'provider_unavailable',
      advice: ({ endpoint }) => `${endpoint} answered HTTP ${failure.httpStatus}; try again later (status.infobip.com)`,
    };
  }
  const code = failure.code === undefined ? undefined : (legacyCodes[failure.code] ?? failure.code);
  if (code === 'E400' || (code === undefined && failure.httpStatus === 400)) return badRequestRule(failure);
  const byCode = code === undefined ? undefined : requestRules[code];
  if (byCode) return byCode;
  if (failure.httpStatus === 401) return credentials;
  if (failure.httpStatus === 403) return missingScope;
  if (failure.httpStatus === 404) return wrongBaseUrl;
  if (failure.httpStatus === 429) return rateLimited;
  return { kind: 'provider_rejected', advice: () => `Infobip answered HTTP ${failure.httpStatus}` };
}

/**
 * A 400 lists the offending properties (messages[0].destinations[0].to ...): the recipient is the
 * user's to fix, sender and text the admin's. The free-text description is too generic to read.
 */
function badRequestRule(failure: InfobipRequestFailure): Rule {
  const named = failure.violations.map((entry) => entry.property).join(' ');
  if (/destination|\bto\b/i.test(named)) return badRecipient;
  if (/sender|\bfrom\b/i.test(named)) return badSender;
  if (/content|text/i.test(named)) return badText;
  return malformedRequest;
}

const trialLimit: Rule = {
  kind: 'provider_rejected',
  advice: ({ to }) =>
    `${to} is not registered for this account: a free trial sends only to the number verified when signing up (add test numbers in the portal, or upgrade the account)`,
};
const statusLink = (anchor: string) => `${statusCodesUrl}#${anchor}`;

/** Infobip's REJECTED statuses (group 5), by id: two of them share the name REJECTED_DESTINATION. */
const rejectedById: Record<number, Rule> = {
  6: {
    kind: 'provider_rejected',
    advice: ({ to }) => `Infobip does not send to the network of ${regionName(to)} for this account`,
  },
  8: { kind: 'invalid_recipient', advice: ({ to }) => `${to} lacks its country prefix` },
  10: {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `${to} is on a do-not-disturb list in its country, so Infobip does not deliver to it; Passline cannot lift this`,
  },
  11: badSender,
  12: {
    kind: 'provider_rejected',
    advice: () => 'the Infobip account has too little credit: top it up in the portal (Billing)',
  },
  13: {
    kind: 'invalid_config',
    advice: ({ sender }) => `the sender "${sender}" is blocklisted: use another sender, or ask Infobip support why`,
  },
  14: {
    kind: 'provider_rejected',
    advice: ({ to }) => `${to} is blocklisted for this account; check the blocklist in the Infobip portal`,
  },
  17: {
    kind: 'provider_rejected',
    advice: () => "the account's prepaid package has expired: renew it in the Infobip portal",
  },
  18: trialLimit,
  19: {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `Infobip has no route to ${regionName(to)} for this account: ask Infobip support to enable the country`,
  },
  20: {
    kind: 'rate_limited',
    advice: ({ to }) =>
      `Infobip's flooding filter stopped another message to ${to} so soon; the user may ask again later`,
  },
  21: { kind: 'provider_unavailable', advice: () => 'Infobip had a system error; try again later' },
  23: {
    kind: 'provider_rejected',
    advice: () => 'Infobip saw a duplicate message ID; Passline sends none, so contact Infobip support',
  },
  24: { kind: 'provider_rejected', advice: () => 'Infobip refused the message header (UDH); contact Infobip support' },
  25: {
    kind: 'invalid_config',
    advice: () => 'the rendered text is longer than Infobip accepts for this destination; shorten the template',
  },
  51: { kind: 'invalid_recipient', advice: () => 'Infobip received no destination number' },
  52: badRecipient,
};

/** The same REJECTED statuses by name, for a status that comes without its id. */
const rejectedByName: Record<string, number> = {
  REJECTED_NETWORK: 6,
  REJECTED_PREFIX_MISSING: 8,
  REJECTED_DND: 10,
  REJECTED_SOURCE: 11,
  REJECTED_NOT_ENOUGH_CREDITS: 12,
  REJECTED_SENDER: 13,
  REJECTED_PREPAID_PACKAGE_EXPIRED: 17,
  REJECTED_DESTINATION_NOT_REGISTERED: 18,
  REJECTED_ROUTE_NOT_AVAILABLE: 19,
  REJECTED_FLOODING_FILTER: 20,
  REJECTED_SYSTEM_ERROR: 21,
  REJECTED_DUPLICATE_MESSAGE_ID: 23,
  REJECTED_INVALID_UDH: 24,
  REJECTED_MESSAGE_TOO_LONG: 25,
  MISSING_TO: 51,
  REJECTED_DESTINATION: 52,
  REJECTED_INVALID_DESTINATION: 52,
};

/** Turns a message Infobip will not send (REJECTED, UNDELIVERABLE, EXPIRED) into the kit's error. */
export function messageStatusError(status: InfobipMessageStatus, context: SendContext): ConnectorError {
  const { rule, anchor } = pickStatusRule(status);
  const code = status.name ?? status.groupName ?? 'unknown status';
  const numbers = [
    status.groupId === undefined ? '' : `group ${status.groupId}`,
    status.id === undefined ? '' : `id ${status.id}`,
  ]
    .filter(Boolean)
    .join(', ');
  const said = status.description ? ` Infobip said: "${status.description}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${code}${numbers ? `, ${numbers}` : ''}): ${rule.advice(context)}.${said} Details: ${statusLink(anchor)}`,
    { providerCode: status.name ?? status.groupName, providerMessage: status.description, httpStatus: 200 },
  );
}

function pickStatusRule(status: InfobipMessageStatus): { rule: Rule; anchor: string } {
  const group = status.groupName?.toUpperCase();
  if (status.groupId === 5 || group === 'REJECTED') {
    const id = status.id !== undefined && rejectedById[status.id] ? status.id : rejectedByName[status.name ?? ''];
    const rule = (id === undefined ? undefined : rejectedById[id]) ?? {
      kind: 'provider_rejected',
      advice: () => "Infobip rejected the message; see Infobip's status table for this status",
    };
    return { rule, anchor: 'rejected-general-status-codes' };
  }
  if (status.groupId === 4 || group === 'EXPIRED') {
    return {
      rule: { kind: 'provider_rejected', advice: () => 'the message expired before Infobip could deliver it' },
      anchor: 'expired-general-status-codes',
    };
  }
  return {
    rule: {
      kind: 'provider_rejected',
      advice: ({ to }) => `the operator of ${to} refused the message, or it could not be delivered`,
    },
    anchor: 'undeliverable-general-status-codes',
  };
}

/** For answers that are not an Infobip API body at all. */
export function unreadableAnswer(httpStatus: number, endpoint: string): ConnectorError {
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without an Infobip API body; check baseUrl (the address on your portal homepage) and any proxy in between.`,
    { httpStatus },
  );
}

function regionName(to: string): string {
  const region = phoneRegion(to);
  return region ? `${to} (${region})` : to;
}

export { parseRetryAfter } from '@passline/connector-kit';
