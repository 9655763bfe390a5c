import { ConnectorError, type ConnectorErrorKind, phoneRegion } from '@passline/connector-kit';

export const providerName = 'Twilio';

/** What Twilio answered, as far as it could be read. */
export interface TwilioFailure {
  httpStatus: number;
  code: string | undefined;
  message: string | undefined;
  moreInfo: string | undefined;
  requestId: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  sender: string;
  accountSID: string;
  endpoint: string;
}

interface Rule {
  kind: ConnectorErrorKind;
  advice(context: SendContext): string;
}

const credentials: Rule = {
  kind: 'invalid_config',
  advice: ({ accountSID }) =>
    `the account credentials were refused; check that accountSID (${accountSID}) and authToken are the live pair from Console > Account info (test credentials never deliver, and a rotated token stops working)`,
};
const badSender: Rule = {
  kind: 'invalid_config',
  advice: ({ sender }) =>
    `the sender ${sender} cannot send this message: use an SMS-capable number bought in (or ported to) this Twilio account in E.164 form, or an alphanumeric sender ID allowed in the recipient's country`,
};
const badMessagingService: Rule = {
  kind: 'invalid_config',
  advice: ({ sender }) =>
    `the Messaging Service ${sender} cannot send: check that it exists in this account (Messaging > Services) and has at least one SMS-capable sender in its Sender Pool`,
};
const badRecipient: Rule = {
  kind: 'invalid_recipient',
  advice: ({ to }) => `${to} is not a number Twilio can send an SMS to`,
};
const rateLimited: Rule = {
  kind: 'rate_limited',
  advice: () => 'too many concurrent requests for this account; Twilio did not process this one',
};

/** Twilio's error codes for creating a message, by what the admin can do about them. */
const rules: Record<string, Rule> = {
  '20003': credentials,
  '20404': {
    kind: 'invalid_config',
    advice: ({ endpoint }) =>
      `Twilio found no such account or resource: check accountSID, and that the endpoint (${endpoint}) is the Twilio REST API`,
  },
  '20429': rateLimited,
  '21211': badRecipient,
  '21217': badRecipient,
  '21614': { kind: 'invalid_recipient', advice: ({ to }) => `${to} is not a mobile number that can receive SMS` },
  '21635': { kind: 'invalid_recipient', advice: ({ to }) => `${to} is a landline, which cannot receive SMS` },
  '21610': {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `the owner of ${to} replied STOP to this sender, so Twilio blocks every message to it until they text START; Passline cannot lift this`,
  },
  '21608': {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `this is a trial account, which can only send to verified numbers: verify ${to} in Console > Phone Numbers > Verified Caller IDs, or upgrade the account`,
  },
  '21408': {
    kind: 'provider_rejected',
    advice: ({ to }) =>
      `SMS to ${regionName(to)} is not enabled for this account: allow it in Console > Messaging > Settings > Geo permissions`,
  },
  '30007': {
    kind: 'provider_rejected',
    advice: () =>
      'the carrier filtered the message as unwanted: keep the template a plain verification text and register the sender where the destination country requires it',
  },
  '21601': badSender,
  '21606': badSender,
  '21212': badSender,
  '21659': badSender,
  '21660': {
    kind: 'invalid_config',
    advice: ({ sender }) => `the sender ${sender} belongs to another Twilio account or subaccount than accountSID`,
  },
  '21603': {
    kind: 'invalid_config',
    advice: () => 'the request carried no sender: set "from" or "fromMessagingServiceSID"',
  },
  '21701': badMessagingService,
  '21703': badMessagingService,
  '21704': badMessagingService,
  '21705': badMessagingService,
  '21617': {
    kind: 'invalid_config',
    advice: () => 'the rendered message is longer than 1600 characters; shorten the template',
  },
};

/** Turns a Twilio error answer into the kit's error, keeping Twilio's code, message, link and request id. */
export function twilioError(failure: TwilioFailure, context: SendContext): ConnectorError {
  const rule = pickRule(failure);
  const code = failure.code ?? `HTTP ${failure.httpStatus}`;
  const link = failure.moreInfo ? ` Details: ${failure.moreInfo}` : '';
  const said = failure.message ? ` Twilio said: "${failure.message}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (${code}): ${rule.advice(context)}.${said}${link}`,
    {
      providerCode: failure.code,
      providerMessage: failure.message,
      providerRequestId: failure.requestId,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.kind === 'rate_limited' ? failure.retryAfterSeconds : undefined,
    },
  );
}

function pickRule(failure: TwilioFailure): Rule {
  // Server errors first: whatever code comes with them, the message was not taken.
  if (failure.httpStatus >= 500) {
    return {
      kind: 'provider_unavailable',
      advice: ({ endpoint }) => `${endpoint} answered HTTP ${failure.httpStatus}; try again later`,
    };
  }
  const byCode = failure.code === undefined ? undefined : rules[failure.code];
  if (byCode) return byCode;
  if (failure.httpStatus === 401) return credentials;
  if (failure.httpStatus === 429) return rateLimited;
  return {
    kind: 'provider_rejected',
    advice: () => 'see the linked Twilio error page for this code',
  };
}

/** For answers that are not a Twilio REST API body at all. */
export function unreadableAnswer(httpStatus: number, requestId: string | undefined, endpoint: string): ConnectorError {
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without a Twilio API body; check the endpoint (default https://api.twilio.com) and any proxy in between.`,
    { httpStatus, providerRequestId: requestId },
  );
}

/** Kept here for code that imported it from this module; the kit owns it now. */
export { parseRetryAfter } from '@passline/connector-kit';

function regionName(to: string): string {
  const region = phoneRegion(to);
  return region ? `${to} (${region})` : to;
}
