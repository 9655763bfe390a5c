import { ConnectorError, type ConnectorErrorKind } from '@passline/connector-kit';

export const providerName = 'Vonage';
/** Where Vonage documents every `status` of the SMS API. */
export const statusDocs =
  'https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms#sms-api-error-codes';

/** What Vonage answered for the failing part of a message. */
export interface VonageFailure {
  status: string;
  errorText: string | undefined;
}

/** What the request was about, so the advice can name the value the admin has to look at. */
export interface SendContext {
  to: string;
  sender: string;
  apiKey: string;
  signed: boolean;
  endpoint: string;
}

interface Rule {
  kind: ConnectorErrorKind;
  title: string;
  advice(context: SendContext, failure: VonageFailure): string;
}

const credentials: Rule = {
  kind: 'invalid_config',
  title: 'Invalid Credentials',
  advice: ({ apiKey, signed }) =>
    `the credentials were refused; check that apiKey (${apiKey}) and ${signed ? 'signatureSecret' : 'apiSecret'} are the pair shown in the Vonage API Dashboard`,
};
const rateLimited = (title: string): Rule => ({
  kind: 'rate_limited',
  title,
  advice: () => 'this account is sending faster than its throughput allows; Vonage did not take this message',
});

/** Every `status` the SMS API documents besides 0 (success), by what the admin can do about it. */
const rules: Record<string, Rule> = {
  '1': rateLimited('Throttled'),
  '2': {
    kind: 'invalid_config',
    title: 'Missing Parameters',
    advice: () => 'the request lacked a required parameter; check that "brandName" is set',
  },
  '3': {
    kind: 'invalid_config',
    title: 'Invalid Parameters',
    advice: ({ sender }) => `a parameter was refused; check the sender "${sender}" and the templates`,
  },
  '4': credentials,
  '5': {
    kind: 'provider_unavailable',
    title: 'Internal Error',
    advice: () => 'Vonage had an internal error; try again later',
  },
  '6': {
    kind: 'invalid_recipient',
    title: 'Invalid Message',
    advice: ({ to }) => `Vonage could not route the message to ${to} (for example an unrecognised number prefix)`,
  },
  '7': {
    kind: 'provider_rejected',
    title: 'Number Barred',
    advice: ({ to }) => `${to} is on Vonage's list of barred numbers; Passline cannot lift this`,
  },
  '8': {
    kind: 'invalid_config',
    title: 'Partner Account Barred',
    advice: ({ apiKey }) => `the Vonage account ${apiKey} is suspended or locked; contact Vonage support`,
  },
  '9': {
    kind: 'provider_rejected',
    title: 'Partner Quota Violation',
    advice: () => 'the account has too little credit for this message; top it up in the Dashboard (Billing & payments)',
  },
  '10': rateLimited('Too Many Existing Binds'),
  '11': {
    kind: 'invalid_config',
    title: 'Account Not Enabled For HTTP',
    advice: () => 'this account is not enabled for the REST SMS API; ask Vonage support to enable it',
  },
  '12': {
    kind: 'invalid_config',
    title: 'Message Too Long',
    advice: () => 'the rendered message is longer than Vonage accepts; shorten the template',
  },
  '14': {
    kind: 'invalid_config',
    title: 'Invalid Signature',
    advice: () =>
      'the signature was refused; check that signatureSecret and signatureMethod match Dashboard > API settings, and that this server clock is right (the timestamp is signed)',
  },
  '15': {
    kind: 'invalid_config',
    title: 'Invalid Sender Address',
    advice: ({ sender, to }) =>
      `the sender "${sender}" is not allowed for ${to}: some countries need a Vonage number or a registered sender ID`,
  },
  '22': {
    kind: 'provider_rejected',
    title: 'Invalid Network Code',
    advice: ({ to }) => `Vonage does not recognise the network of ${to}, or cannot route to it`,
  },
  '23': {
    kind: 'invalid_config',
    title: 'Invalid Callback URL',
    advice: () => 'the delivery receipt URL set in the Dashboard (API settings) is refused; correct or clear it',
  },
  '29': {
    kind: 'provider_rejected',
    title: 'Non-Whitelisted Destination',
    advice: ({ to }) =>
      `this is a trial (demo) account, which sends only to test numbers: add ${to} under Dashboard > Test numbers, or add credit to the account`,
  },
  '32': {
    kind: 'invalid_config',
    title: 'Signature And API Secret Disallowed',
    advice: () => 'a signed request must not carry the API secret; this account signs, so set only signatureSecret',
  },
  '33': {
    kind: 'invalid_recipient',
    title: 'Number De-activated',
    advice: ({ to }) => `${to} has been deactivated and cannot receive messages`,
  },
};

/** Turns a non-zero `messages[].status` into the kit's error, keeping Vonage's code and text. */
export function vonageError(failure: VonageFailure, context: SendContext): ConnectorError {
  const rule = pickRule(failure);
  const said = failure.errorText ? ` Vonage said: "${failure.errorText}".` : '';
  return new ConnectorError(
    rule.kind,
    `${providerName} did not send the message (status ${failure.status}, ${rule.title}): ${rule.advice(context, failure)}.${said} Details: ${statusDocs}`,
    { providerCode: failure.status, providerMessage: failure.errorText, httpStatus: 200 },
  );
}

function pickRule(failure: VonageFailure): Rule {
  // Status 3 is Vonage's answer to a malformed "to" as much as to a bad sender: the text says which.
  if (failure.status === '3' && /\bto\b/i.test(failure.errorText ?? '')) {
    return {
      kind: 'invalid_recipient',
      title: 'Invalid Parameters',
      advice: ({ to }) => `${to} is not a number Vonage can send an SMS to`,
    };
  }
  return (
    rules[failure.status] ?? {
      kind: 'provider_rejected',
      title: 'Unknown status',
      advice: () => 'see the linked Vonage status list for this code',
    }
  );
}

/** For HTTP answers that are not the SMS API's 200 with a `messages` list. */
export function httpFailure(httpStatus: number, endpoint: string): ConnectorError {
  const details = { providerCode: `HTTP ${httpStatus}`, httpStatus };
  if (httpStatus === 401 || httpStatus === 403) {
    return new ConnectorError(
      'invalid_config',
      `${providerName} refused the request with HTTP ${httpStatus}; check apiKey and the secret.`,
      details,
    );
  }
  if (httpStatus === 429) {
    return new ConnectorError('rate_limited', `${providerName} answered HTTP 429 (too many requests).`, details);
  }
  const why =
    httpStatus >= 500
      ? 'try again later'
      : `check the endpoint (default https://rest.nexmo.com) and any proxy in between`;
  return new ConnectorError(
    'provider_unavailable',
    `${providerName} answered HTTP ${httpStatus} from ${endpoint} without an SMS API body; ${why}.`,
    details,
  );
}
