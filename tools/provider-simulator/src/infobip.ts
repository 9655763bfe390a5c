import { randomInt, timingSafeEqual } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/**
 * Infobip's SMS API v3 (`POST /sms/3/messages` on the account's own base URL, e.g.
 * `https://xxxxx.api.infobip.com`): `Authorization: App <api key>`, a JSON body
 * `{ messages: [{ sender, destinations: [{ to }], content: { text } }] }`, 200 with
 * `{ bulkId, messages: [{ messageId, status, destination, details }] }`. A request Infobip cannot
 * take is answered with its v3 error body `{ errorCode, description, action, violations, resources }`;
 * a message it takes but will not send comes back in the 200 with a REJECTED status.
 */
const apiPath = /^\/sms\/\d+\//;
const sendPath = '/sms/3/messages';
const endpointDocs = 'https://www.infobip.com/docs/api/channels/sms/sms-messaging/outbound-sms/send-sms-message';
const statusDocs = 'https://www.infobip.com/docs/essentials/response-status-and-error-codes';
// Destinations in international format, with or without the "+".
const destination = /^\+?[1-9]\d{5,14}$/;
// Infobip's sender rules: 3 to 11 letters and digits, or 3 to 14 digits for a number.
const alphanumericSender = /^[A-Za-z0-9 ]{3,11}$/;
const numericSender = /^\+?\d{3,14}$/;

interface Status {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description: string;
}

const pendingAccepted: Status = {
  groupId: 1,
  groupName: 'PENDING',
  id: 26,
  name: 'PENDING_ACCEPTED',
  description: 'Message sent to next instance',
};
const invalidDestination: Status = {
  groupId: 5,
  groupName: 'REJECTED',
  id: 52,
  name: 'REJECTED_DESTINATION',
  description: 'Invalid destination address',
};
const notEnoughCredits: Status = {
  groupId: 5,
  groupName: 'REJECTED',
  id: 12,
  name: 'REJECTED_NOT_ENOUGH_CREDITS',
  description: 'Not enough credits',
};

export const infobipSimulation: ProviderSimulation = {
  name: 'infobip',
  // Only the numbered SMS API paths: Vonage's /sms/json stays Vonage's.
  matches: (request) => apiPath.test(request.url.pathname),
  handle(request, state) {
    // Failures of Infobip's own infrastructure come before it looks at who is asking.
    if (state.failure === 'hang') return 'hang';
    if (state.failure === 'server_error') {
      return infobipError(500, 'E500', 'Something went wrong. Please contact support.', 'Contact the support.');
    }

    if (!hasApiKey(request, state.credentials.infobip.apiKey)) {
      return infobipError(401, 'E401', 'Invalid login details.', 'Check the API key and the Authorization header.');
    }
    if (request.url.pathname !== sendPath || request.method !== 'POST') {
      return infobipError(404, 'E404', 'Requested URL not found.', 'Check the request URL and method.');
    }

    const body = readRequest(request);
    if (typeof body === 'string') return badRequest([{ property: 'body', violation: body }]);
    const parsed = parseMessages(body);
    if ('violations' in parsed) return badRequest(parsed.violations);

    if (state.failure === 'rate_limited') {
      return infobipError(429, 'E429', 'Too many requests.', 'Slow down the request rate and try again later.', {
        'Retry-After': '2',
      });
    }
    return { status: 200, body: accept(parsed.messages, state) };
  },
};

interface MessageRequest {
  sender: string;
  destinations: Array<{ to: string }>;
  text: string;
}

/** Sends what it can and answers each destination with its own status, as Infobip does. */
function accept(messages: MessageRequest[], state: ProviderState) {
  const answers = messages.flatMap((message) =>
    message.destinations.map(({ to }) => {
      const messageId = numericId();
      const status = statusFor(to, state);
      if (status === pendingAccepted) {
        state.deliver({ provider: 'infobip', to, text: message.text, sender: message.sender, messageId });
      }
      return { messageId, status, destination: to, details: { messageCount: parts(message.text) } };
    }),
  );
  return { bulkId: numericId(), messages: answers };
}

function statusFor(to: string, state: ProviderState): Status {
  if (!destination.test(to) || state.failure === 'invalid_number') return invalidDestination;
  if (state.failure === 'rejected') return notEnoughCredits;
  return pendingAccepted;
}

function hasApiKey(request: SimulatedRequest, apiKey: string): boolean {
  const header = request.headers.authorization;
  const given = typeof header === 'string' ? /^App\s+(\S+)$/.exec(header)?.[1] : undefined;
  if (given === undefined) return false;
  const left = Buffer.from(given);
  const right = Buffer.from(apiKey);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The request's messages, or why the body is not the JSON Infobip expects. */
function readRequest(request: SimulatedRequest): unknown[] | string {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !type.toLowerCase().startsWith('application/json')) {
    return 'Content-Type must be application/json.';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody);
  } catch {
    return 'Request body is not valid JSON.';
  }
  if (!isObject(parsed) || !Array.isArray(parsed.messages)) return 'messages: must not be null.';
  return parsed.messages;
}

interface Violation {
  property: string;
  violation: string;
}

/** Checks each message the way Infobip's request validation does: the messages, or every violation. */
function parseMessages(messages: unknown[]): { messages: MessageRequest[] } | { violations: Violation[] } {
  const violations: Violation[] = [];
  const parsed: MessageRequest[] = [];
  if (messages.length === 0) violations.push({ property: 'messages', violation: 'must not be empty' });
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (!isObject(message)) {
      violations.push({ property: at, violation: 'must be an object' });
      continue;
    }
    const { sender, destinations, content } = message;
    const text = isObject(content) ? content.text : undefined;
    if (typeof sender !== 'string' || sender === '') {
      violations.push({ property: `${at}.sender`, violation: 'must not be blank' });
    } else if (!alphanumericSender.test(sender) && !numericSender.test(sender)) {
      violations.push({
        property: `${at}.sender`,
        violation: 'invalid sender: 3-11 letters and digits, or 3-14 digits',
      });
    }
    const numbers: string[] = [];
    if (!Array.isArray(destinations) || destinations.length === 0) {
      violations.push({ property: `${at}.destinations`, violation: 'must not be empty' });
    } else {
      for (const [position, entry] of destinations.entries()) {
        const to = isObject(entry) ? entry.to : undefined;
        if (typeof to === 'string' && to !== '') numbers.push(to);
        else violations.push({ property: `${at}.destinations[${position}].to`, violation: 'must not be blank' });
      }
    }
    if (typeof text !== 'string' || text === '') {
      violations.push({ property: `${at}.content.text`, violation: 'must not be blank' });
    }
    if (typeof sender === 'string' && typeof text === 'string') {
      parsed.push({ sender, destinations: numbers.map((to) => ({ to })), text });
    }
  }
  return violations.length > 0 ? { violations } : { messages: parsed };
}

function badRequest(violations: Violation[]): SimulatedResponse {
  return infobipError(
    400,
    'E400',
    'Request cannot be processed.',
    'Check the syntax, violations and adjust the request.',
    undefined,
    violations,
  );
}

function infobipError(
  status: number,
  errorCode: string,
  description: string,
  action: string,
  headers?: Record<string, string>,
  violations: Violation[] = [],
): SimulatedResponse {
  return {
    status,
    headers,
    body: {
      errorCode,
      description,
      action,
      violations,
      resources: [
        { name: 'API endpoint documentation', url: endpointDocs },
        { name: 'Error codes description', url: statusDocs },
      ],
    },
  };
}

/** How many SMS parts the text needs: 160/153 characters in GSM-7, 70/67 otherwise (roughly, as Infobip counts). */
function parts(text: string): number {
  const length = [...text].length;
  const plain = /^[\x20-\x7e\n\r]*$/.test(text);
  const [single, part] = plain ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / part);
}

/** A 19-digit id, the shape of Infobip's message and bulk ids. */
function numericId(): string {
  return `${randomInt(1, 10)}${Array.from({ length: 18 }, () => randomInt(0, 10)).join('')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
