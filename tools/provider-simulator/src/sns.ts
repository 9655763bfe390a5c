import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/*
 * Amazon SNS Publish to a phone number over the Query API (`POST /`, form body, version 2010-03-31),
 * answered in XML like SNS. The SigV4 check is written here independently of the connector, so a
 * mistake in one is caught by the other instead of being mirrored.
 */

const service = 'sns';
const apiVersion = '2010-03-31';
const xmlns = `http://sns.amazonaws.com/doc/${apiVersion}/`;
const maxClockSkewMs = 15 * 60 * 1000;
const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const e164 = /^\+?[1-9]\d{1,14}$/;
const senderIdPattern = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;
const maxMessageBytes = 1600;

export const snsSimulation: ProviderSimulation = {
  name: 'sns',
  // A SigV4 header scoped to SNS, or an unsigned Publish form; Aliyun's RPC forms carry AccessKeyId
  // and Tencent's requests X-TC-Action, so neither is taken here (and SNS requests have neither).
  matches(request) {
    const authorization = header(request, 'authorization') ?? '';
    if (/^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[^/\s]+\/sns\/aws4_request\b/.test(authorization)) return true;
    // Another scheme (ACS3, TC3) or a SigV4 scope naming another AWS service is not SNS's.
    const otherScheme = authorization !== '' && !authorization.startsWith('AWS4-HMAC-SHA256');
    if (otherScheme || authorization.includes('aws4_request') || header(request, 'x-tc-action') !== undefined) {
      return false;
    }
    const form = new URLSearchParams(request.rawBody);
    return form.get('Action') === 'Publish' && form.get('Version') === apiVersion && !form.has('AccessKeyId');
  },
  handle,
};

function handle(request: SimulatedRequest, state: ProviderState): SimulatedResponse | 'hang' {
  // Failures of SNS's own infrastructure come before it looks at who is asking.
  if (state.failure === 'hang') return 'hang';
  if (state.failure === 'server_error') {
    return errorResponse(500, 'Receiver', 'InternalError', 'Internal Error');
  }
  if (request.method !== 'POST') {
    return errorResponse(400, 'Sender', 'InvalidAction', 'The simulator takes Publish only as a form POST.');
  }
  const refused = authenticate(request, state);
  if (refused) return refused;

  const form = new URLSearchParams(request.rawBody);
  if (form.get('Action') !== 'Publish') {
    return errorResponse(
      400,
      'Sender',
      'InvalidAction',
      `Could not find operation ${form.get('Action') ?? ''} for version ${apiVersion}`,
    );
  }
  if (form.get('Version') !== apiVersion) {
    return errorResponse(
      400,
      'Sender',
      'InvalidAction',
      `Could not find operation Publish for version ${form.get('Version') ?? ''}`,
    );
  }
  const publish = readPublish(form);
  if ('response' in publish) return publish.response;
  const { phoneNumber, message, attributes } = publish;

  if (state.failure === 'rate_limited') return errorResponse(400, 'Sender', 'Throttling', 'Rate exceeded');
  if (state.failure === 'invalid_number' || !e164.test(phoneNumber)) return invalidNumber(phoneNumber);
  if (state.failure === 'rejected') {
    return errorResponse(400, 'Sender', 'OptedOut', `Phone number ${phoneNumber} is opted out`);
  }

  const messageId = randomUUID();
  state.deliver({
    provider: 'sns',
    to: phoneNumber,
    text: message,
    sender: attributes.get('AWS.SNS.SMS.SenderID') ?? attributes.get('AWS.MM.SMS.OriginationNumber'),
    messageId,
  });
  return xmlResponse(
    200,
    `<PublishResponse xmlns="${xmlns}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
  );
}

/** What AWS's front door checks: the header's shape, the key, the clock, the scope, then the signature. */
function authenticate(request: SimulatedRequest, state: ProviderState): SimulatedResponse | undefined {
  const authorization = header(request, 'authorization');
  if (authorization === undefined) {
    return errorResponse(403, 'Sender', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const parsed = authorizationPattern.exec(authorization);
  if (!parsed) {
    return errorResponse(
      400,
      'Sender',
      'IncompleteSignature',
      'Authorization header requires Credential, SignedHeaders and Signature.',
    );
  }
  const [, accessKeyId = '', day = '', region = '', scopeService = '', signedHeaderList = '', signature = ''] = parsed;
  const credentials = state.credentials.sns;
  if (accessKeyId !== credentials.accessKeyId) {
    return errorResponse(
      403,
      'Sender',
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
  }
  const signedNames = signedHeaderList.split(';');
  const amzDate = header(request, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (!signedNames.includes('host') || !signedNames.includes('x-amz-date') || signedAt === undefined) {
    return signatureMismatch('The request must sign the host and x-amz-date headers.');
  }
  // A session token sent but not signed would let anyone attach one to a captured request.
  if (header(request, 'x-amz-security-token') !== undefined && !signedNames.includes('x-amz-security-token')) {
    return signatureMismatch('The x-amz-security-token header must be signed.');
  }
  if (Math.abs(state.now().getTime() - signedAt.getTime()) > maxClockSkewMs) {
    return signatureMismatch(`Signature expired: ${amzDate} is more than 15 minutes from the server time.`);
  }
  if (day !== amzDate.slice(0, 8))
    return signatureMismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDate.slice(0, 8)}'`,
    );
  if (region !== credentials.region) {
    return signatureMismatch(`Credential should be scoped to a valid region, not '${region}'.`);
  }
  if (scopeService !== service)
    return signatureMismatch(`Credential should be scoped to correct service: '${service}'.`);

  const expected = sigV4Signature({
    secretAccessKey: credentials.secretAccessKey,
    amzDate,
    region,
    service,
    method: request.method,
    path: request.url.pathname,
    query: request.url.search.slice(1),
    headers: signedNames.map((name) => [name, header(request, name) ?? ''] as const),
    body: request.rawBody,
  }).signature;
  if (!sameHex(signature, expected)) {
    return signatureMismatch(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
}

/** The SigV4 signature of a request as AWS recomputes it; exported so the vectors can check it. */
export function sigV4Signature(input: {
  secretAccessKey: string;
  amzDate: string;
  region: string;
  service: string;
  method: string;
  path: string;
  query: string;
  /** The signed headers; a name given twice is one comma-joined value, as AWS reads repeated headers. */
  headers: ReadonlyArray<readonly [string, string]>;
  body: string;
}): { canonicalRequest: string; stringToSign: string; signature: string } {
  const merged = new Map<string, string[]>();
  for (const [name, value] of input.headers) {
    const key = name.toLowerCase();
    merged.set(key, [...(merged.get(key) ?? []), value.trim().replace(/\s+/g, ' ')]);
  }
  const names = [...merged.keys()].sort();
  const canonicalRequest = [
    input.method,
    simulatorCanonicalPath(input.path),
    simulatorCanonicalQuery(new URLSearchParams(input.query)),
    names.map((name) => `${name}:${(merged.get(name) ?? []).join(',')}\n`).join(''),
    names.join(';'),
    hex(createHash('sha256').update(input.body, 'utf8').digest()),
  ].join('\n');
  const day = input.amzDate.slice(0, 8);
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    input.amzDate,
    `${day}/${input.region}/${input.service}/aws4_request`,
    hex(createHash('sha256').update(canonicalRequest, 'utf8').digest()),
  ].join('\n');
  let key: Buffer = mac(Buffer.from(`AWS4${input.secretAccessKey}`, 'utf8'), day);
  for (const part of [input.region, input.service, 'aws4_request']) key = mac(key, part);
  return { canonicalRequest, stringToSign, signature: hex(mac(key, stringToSign)) };
}

/** Non-S3 services sign the normalised path with each segment percent-encoded (again). */
function simulatorCanonicalPath(pathname: string): string {
  const kept: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '..') kept.pop();
    else if (segment !== '' && segment !== '.') kept.push(strictEncode(segment));
  }
  const closing = kept.length > 0 && pathname.endsWith('/') ? '/' : '';
  return `/${kept.join('/')}${closing}`;
}

function simulatorCanonicalQuery(params: URLSearchParams): string {
  // Sorted by encoded name, then value: "Param" before "Param-3", which sorting "name=value" strings gets wrong.
  const pairs = [...params].map(([name, value]) => [strictEncode(name), strictEncode(value)] as const);
  pairs.sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? (valueA < valueB ? -1 : valueA > valueB ? 1 : 0) : nameA < nameB ? -1 : 1,
  );
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function strictEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

interface Publish {
  phoneNumber: string;
  message: string;
  attributes: Map<string, string>;
}

/** Publish's parameters as SNS checks them for an SMS; only the phone-number form is simulated. */
function readPublish(form: URLSearchParams): Publish | { response: SimulatedResponse } {
  const invalid = (message: string) => ({ response: errorResponse(400, 'Sender', 'InvalidParameter', message) });
  if (form.has('TopicArn') || form.has('TargetArn')) {
    return invalid('Invalid parameter: the simulator only publishes to a PhoneNumber');
  }
  const phoneNumber = form.get('PhoneNumber');
  if (!phoneNumber) return invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  const message = form.get('Message');
  if (!message) return invalid('Invalid parameter: Empty message');
  if (Buffer.byteLength(message, 'utf8') > maxMessageBytes) {
    return invalid(`Invalid parameter: Message too long; an SMS publish is at most ${maxMessageBytes} bytes`);
  }

  const attributes = new Map<string, string>();
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const entry = `MessageAttributes.entry.${index}`;
    const name = form.get(`${entry}.Name`) ?? '';
    const dataType = form.get(`${entry}.Value.DataType`);
    const value = form.get(`${entry}.Value.StringValue`);
    if (dataType !== 'String' || value === null || value === '') {
      return invalid(`Invalid parameter: Message attribute ${name} must have a String DataType and a value`);
    }
    attributes.set(name, value);
  }
  const smsType = attributes.get('AWS.SNS.SMS.SMSType');
  if (smsType !== undefined && smsType !== 'Transactional' && smsType !== 'Promotional') {
    return invalid(`Invalid parameter: AWS.SNS.SMS.SMSType Reason: ${smsType} is not Transactional or Promotional`);
  }
  const senderId = attributes.get('AWS.SNS.SMS.SenderID');
  if (senderId !== undefined && !senderIdPattern.test(senderId)) {
    return invalid(`Invalid parameter: SenderID Reason: ${senderId} is not 1-11 alphanumeric characters with a letter`);
  }
  const origination = attributes.get('AWS.MM.SMS.OriginationNumber');
  if (origination !== undefined && !e164.test(origination)) {
    return invalid(`Invalid parameter: OriginationNumber Reason: ${origination} is not an E.164 number`);
  }
  return { phoneNumber, message, attributes };
}

function invalidNumber(phoneNumber: string): SimulatedResponse {
  return errorResponse(
    400,
    'Sender',
    'InvalidParameter',
    `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`,
  );
}

function signatureMismatch(message: string): SimulatedResponse {
  return errorResponse(403, 'Sender', 'SignatureDoesNotMatch', message);
}

function errorResponse(status: number, type: string, code: string, message: string): SimulatedResponse {
  return xmlResponse(
    status,
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function xmlResponse(status: number, body: string): SimulatedResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?>\n${body}\n` };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function header(request: SimulatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

function mac(key: Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

function hex(buffer: Buffer): string {
  return buffer.toString('hex');
}
