import { ConnectorError, type ConnectorErrorKind, phoneRegion } from '@passline/connector-kit';

export const providerName = 'Plivo';
/** Plivo's reference for the Message API and its response codes. */
export const docsUrl = 'https://www.plivo.com/docs/messaging/api/message/send-a-message';

/** What Plivo answered, as far as it could be read. Plivo errors carry only a text, no code. */
export interface PlivoFailure {
  httpStatus: number;
  error: string | undefined;
  apiId: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  sender: string;
  authId: string;
  endpoint: string;
}

interface Rule {
  kind: ConnectorErrorKind;
  advice(context: SendContext): string;
}

const credentials: Rule = {
  kind: 'invalid_config',
  advice: ({ authId }) =>
    `the credentials were refused; check that authId (${authId}) and authToken are the pair shown on the Plivo console's Overview page (a regenerated token stops the old one)`,
};
const badRecipient: Rule = {
  kind: 'invalid_recipient',
  advice: ({ to }) => `${to} is not a number Plivo can send an SMS to`,
};
const badSender: Rule = {
  kind: 'invalid_config',
  advice: ({ sender }) =>
    `the sender ${sender} cannot send this message: use an SMS-enabled number rented in this Plivo account (Phone Numbers > Your Numbers), a registered sender ID, or a Powerpack UUID from Messaging > Powerpack`,
};
const tooLong: Rule = {
  kind: 'invalid_config',
  advice: () => 'Plivo refused the text; keep the template under 1600 characters',
};
const badRequest: Rule = {
  kind: 'provider_rejected',
  advice: () => `Plivo refused the request's parameters; see ${docsUrl}`,
};
const insufficientCredit: Rule = {
  kind: 'provider_rejected',
  advice: () => 'the Plivo account has too little credit to send: recharge it in the console (Billing > Recharge)',
};
const notAllowed: Rule = {
  kind: 'provider_rejected',
  advice: ({ to }) =>
    `Plivo does not allow this account to send to ${regionName(to)}: a trial account sends only to sandbox numbers verified in the console (Phone Numbers > Sandbox Numbers), and a country may need enabling under Messaging > Geo Permissions`,
};
const notFound: Rule = {
  kind: 'invalid_config',
  advice: ({ authId, endpoint }) =>
    `Plivo found no account ${authId} at ${endpoint}: check authId, and that the endpoint is the Plivo API (default https://api.plivo.com)`,
};
const rateLimited: Rule = {
  kind: 'rate_limited',
  advice: () => 'Plivo throttled this account (too many requests at once) and did not send this one',
};

/** Plivo answers 400 for every bad parameter; its text says which one. */
function badParameterRule(error: string | undefined): Rule {
  const text = error?.toLowerCase() ?? '';
  if (/\bdst\b|destination/.test(text)) return badRecipient;
  if (/\bsrc\b|source|powerpack|sender/.test(text)) return badSender;
  if (/\btext\b|too long|length/.test(text)) return tooLong;
  return badRequest;
}

/** Turns a Plivo error answer into the kit's error, keeping Plivo's text, the api_id and a docs link. */
export function plivoError(failure: PlivoFailure, context: SendContext): ConnectorError {
  const rule = pickRule(failure);
  const said = failure.error ? ` Plivo said: "${failure.error}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (HTTP ${failure.httpStatus}): ${rule.advice(context)}.${said} Details: ${docsUrl}`,
    {
      providerCode: String(failure.httpStatus),
      providerMessage: failure.error,
      providerRequestId: failure.apiId,
      httpStatus: failure.httpStatus,
      retryAfterSeconds: rule.kind === 'rate_limited' ? failure.retryAfterSeconds : undefined,
    },
  );
}

function pickRule(failure: PlivoFailure): Rule {
  const status = failure.httpStatus;
  if (status >= 500) {
    return {
      kind: 'provider_unavailable',
      advice: ({ endpoint }) => `${endpoint} answered HTTP ${status}; try again later (status.plivo.com)`,
    };
  }
  if (status === 400) return badParameterRule(failure.error);
  if (status === 401) return credentials;
  if (status === 402) return insufficientCredit;
  if (status === 403) return notAllowed;
  if (status === 404) return notFound;
  if (status === 429) return rateLimited;
  return { kind: 'provider_rejected', advice: () => `Plivo answered HTTP ${status}` };
}

/** For answers that are not a Plivo API body at all. */
export function unreadableAnswer(httpStatus: number, endpoint: string): ConnectorError {
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without a Plivo API body; check the endpoint (default https://api.plivo.com) and any proxy in between.`,
    { httpStatus },
  );
}

function regionName(to: string): string {
  const region = phoneRegion(to);
  return region ? `${to} (${region})` : to;
}
