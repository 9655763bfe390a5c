import { randomBytes } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`): HTTP Basic auth
 * with the Account SID and Auth Token, a form-encoded body, 201 with the Message resource, and
 * errors as `{ code, message, more_info, status }` with a `Twilio-Request-Id` header.
 */
const apiPrefix = '/2010-04-01/';
const messagesPath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const e164 = /^\+[1-9]\d{1,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;
const messagingServiceSid = /^MG[0-9a-fA-F]{32}$/;
const maxBodyLength = 1600;

export const twilioSimulation: ProviderSimulation = {
  name: 'twilio',
  matches: (request) => request.url.pathname.startsWith(apiPrefix),
  handle(request, state) {
    const requestId = `RQ${hex(32)}`;
    const answer = (response: SimulatedResponse): SimulatedResponse => ({
      ...response,
      headers: { ...response.headers, 'Twilio-Request-Id': requestId },
    });

    // Failures of Twilio's own infrastructure come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error') {
      return answer(twilioError(500, 20500, 'Internal Server Error'));
    }

    const account = authenticate(request, state);
    if (!account) {
      return answer({
        ...twilioError(401, 20003, 'Authenticate'),
        headers: { 'WWW-Authenticate': 'Basic realm="Twilio API"' },
      });
    }
    const route = messagesPath.exec(request.url.pathname);
    if (!route || request.method !== 'POST') {
      return answer(twilioError(404, 20404, `The requested resource ${request.url.pathname} was not found`));
    }
    // Twilio answers a request for another account's resources as an authentication failure.
    if (decodeURIComponent(route[1] ?? '') !== account) {
      return answer(twilioError(401, 20003, 'Authenticate'));
    }

    const form = isFormBody(request) ? new URLSearchParams(request.rawBody) : new URLSearchParams();
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const from = form.get('From') ?? undefined;
    const service = form.get('MessagingServiceSid') ?? undefined;
    if (!to) return answer(twilioError(400, 21604, "A 'To' phone number is required."));
    if (!body) return answer(twilioError(400, 21602, 'Message body is required.'));
    if (!from && !service) {
      return answer(
        twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."),
      );
    }
    if (!e164.test(to)) return answer(invalidTo(to));
    if (from !== undefined && !e164.test(from) && !alphanumericSender.test(from)) {
      return answer(
        twilioError(
          400,
          21212,
          `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
        ),
      );
    }
    if (service !== undefined && !messagingServiceSid.test(service)) {
      return answer(twilioError(400, 21705, 'The Messaging Service is invalid'));
    }
    if ([...body].length > maxBodyLength) {
      return answer(twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'));
    }

    if (state.failure === 'rate_limited') return answer(twilioError(429, 20429, 'Too Many Requests'));
    if (state.failure === 'invalid_number') return answer(invalidTo(to));
    if (state.failure === 'rejected')
      return answer(twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));

    const statusCallback = form.get('StatusCallback') ?? undefined;
    if (statusCallback !== undefined && !isHttpUrl(statusCallback)) {
      return answer(twilioError(400, 21609, 'The StatusCallback URL is not a valid URL.'));
    }

    const messageId = `SM${hex(32)}`;
    state.deliver({ provider: 'twilio', to, text: body, sender: from ?? service, messageId, statusCallback });
    return answer({ status: 201, body: messageResource({ account, messageId, to, from, service, body, state }) });
  },
};

/** The account the Basic credentials belong to, or undefined when they are not the simulator's. */
function authenticate(request: SimulatedRequest, state: ProviderState): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const { accountSid, authToken } = state.credentials.twilio;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return user === accountSid && password === authToken ? user : undefined;
}

function isFormBody(request: SimulatedRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function invalidTo(to: string): SimulatedResponse {
  return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
}

function twilioError(status: number, code: number, message: string): SimulatedResponse {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function messageResource(message: {
  account: string;
  messageId: string;
  to: string;
  from: string | undefined;
  service: string | undefined;
  body: string;
  state: ProviderState;
}) {
  const created = rfc2822(message.state.now());
  const uri = `/2010-04-01/Accounts/${message.account}/Messages/${message.messageId}`;
  return {
    account_sid: message.account,
    api_version: '2010-04-01',
    body: message.body,
    date_created: created,
    date_sent: null,
    date_updated: created,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: message.from ?? null,
    messaging_service_sid: message.service ?? null,
    num_media: '0',
    num_segments: String(segments(message.body)),
    price: null,
    price_unit: 'USD',
    sid: message.messageId,
    // A Messaging Service picks the sender later, so Twilio reports such a message as accepted.
    status: message.from ? 'queued' : 'accepted',
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

const gsm7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/;

function segments(body: string): number {
  const length = [...body].length;
  const [single, multi] = gsm7.test(body) ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / multi);
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function hex(length: number): string {
  return randomBytes(length / 2).toString('hex');
}
