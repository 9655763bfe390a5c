import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

// A stand-in for Alibaba Cloud SMS (Dysmsapi 2017-05-25). It checks requests the way Aliyun's API
// gateway does (RPC signature 1.0 and ACS3-HMAC-SHA256) and answers with Aliyun's own bodies. The
// signing code here is written independently of the connector's, so the two check each other.

const apiVersion = '2017-05-25';
const hostId = 'dysmsapi.aliyuncs.com';
/** How far a request's timestamp may be from the simulator's clock. */
const clockSkewMs = 15 * 60 * 1000;
const maxNumbers = 1000;
const acs3Prefix = 'ACS3-HMAC-SHA256';

/** Aliyun's RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` becomes `%XY`. */
export function aliyunPercentEncode(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function canonicalize(params: Iterable<[string, string]>): string {
  return [...params]
    .map(([name, value]) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(value)}`)
    .sort((left, right) => {
      const leftName = left.slice(0, left.indexOf('='));
      const rightName = right.slice(0, right.indexOf('='));
      return leftName < rightName ? -1 : leftName > rightName ? 1 : left < right ? -1 : left > right ? 1 : 0;
    })
    .join('&');
}

/** RPC 1.0: string to sign and base64 HMAC-SHA1 signature for every parameter but `Signature`. */
export function rpcV1Signature(
  method: string,
  params: Iterable<[string, string]>,
  accessKeySecret: string,
): { stringToSign: string; signature: string } {
  const signed = [...params].filter(([name]) => name !== 'Signature');
  const stringToSign = `${method.toUpperCase()}&%2F&${aliyunPercentEncode(canonicalize(signed))}`;
  const signature = createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
  return { stringToSign, signature };
}

/** ACS3: canonical request, string to sign and hex HMAC-SHA256 signature. */
export function acs3Signature(input: {
  method: string;
  query: Iterable<[string, string]>;
  /** The signed headers, names lower-case, in any order. */
  headers: Record<string, string>;
  hashedPayload: string;
  accessKeySecret: string;
}): { canonicalRequest: string; stringToSign: string; signature: string; signedHeaders: string } {
  const names = Object.keys(input.headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(input.headers[name] ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    '/',
    canonicalize(input.query),
    canonicalHeaders,
    signedHeaders,
    input.hashedPayload,
  ].join('\n');
  const stringToSign = `${acs3Prefix}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign).digest('hex');
  return { canonicalRequest, stringToSign, signature, signedHeaders };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function formBody(request: SimulatedRequest): URLSearchParams | undefined {
  const type = header(request.headers, 'content-type') ?? '';
  return type.toLowerCase().startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(request.rawBody)
    : undefined;
}

/** RPC parameters may come in the query string, a form body, or both. */
function requestParams(request: SimulatedRequest): Array<[string, string]> {
  return [...request.url.searchParams.entries(), ...(formBody(request)?.entries() ?? [])];
}

interface Reply {
  requestId: string;
  /** RPC 1.0 callers get XML unless they ask for JSON, like on the real gateway. */
  xml: boolean;
}

/** Errors raised by the API gateway (auth, missing parameters, 5xx) carry HostId and Recommend. */
function gatewayError(reply: Reply, status: number, code: string, message: string): SimulatedResponse {
  return respond(reply, status, 'Error', {
    RequestId: reply.requestId,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${code}&product=Dysmsapi&requestId=${reply.requestId}`,
    HostId: hostId,
    Code: code,
  });
}

/** SendSms business outcomes: HTTP 200 with Code, Message, RequestId (and BizId on success). */
function business(reply: Reply, code: string, message: string, bizId?: string): SimulatedResponse {
  return respond(reply, 200, 'SendSmsResponse', {
    Message: message,
    RequestId: reply.requestId,
    ...(bizId === undefined ? {} : { BizId: bizId }),
    Code: code,
  });
}

function respond(reply: Reply, status: number, root: string, body: Record<string, string>): SimulatedResponse {
  const headers = { 'x-acs-request-id': reply.requestId };
  if (!reply.xml) return { status, headers, body };
  const fields = Object.entries(body)
    .map(([name, value]) => `<${name}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`)
    .join('');
  return {
    status,
    headers: { ...headers, 'content-type': 'text/xml;charset=utf-8' },
    body: `<?xml version='1.0' encoding='UTF-8'?><${root}>${fields}</${root}>`,
  };
}

const signatureMismatch = (reply: Reply, stringToSign: string) =>
  gatewayError(
    reply,
    400,
    'SignatureDoesNotMatch',
    `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
  );

const missing = (reply: Reply, name: string) =>
  gatewayError(reply, 400, `Missing${name}`, `${name} is mandatory for this action.`);

// Nonces seen recently, shared by every simulator in the process: a nonce is random, so a repeat
// is a replayed request wherever it arrives.
const seenNonces = new Map<string, number>();
function nonceReplayed(nonce: string, now: number): boolean {
  for (const [seen, at] of seenNonces) {
    if (now - at <= clockSkewMs) break;
    seenNonces.delete(seen);
  }
  if (seenNonces.has(nonce)) return true;
  seenNonces.set(nonce, now);
  return false;
}

function checkTimestamp(reply: Reply, value: string, state: ProviderState): SimulatedResponse | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) || Number.isNaN(Date.parse(value))) {
    return gatewayError(
      reply,
      400,
      'InvalidTimeStamp.Format',
      'Specified time stamp or date value is not well formatted.',
    );
  }
  if (Math.abs(state.now().getTime() - Date.parse(value)) > clockSkewMs) {
    return gatewayError(reply, 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
  return undefined;
}

interface Authenticated {
  action: string;
  version: string;
  params: Map<string, string>;
}

function authenticateRpcV1(
  request: SimulatedRequest,
  reply: Reply,
  state: ProviderState,
): Authenticated | SimulatedResponse {
  const entries = requestParams(request);
  const params = new Map(entries);
  for (const name of [
    'AccessKeyId',
    'Signature',
    'SignatureMethod',
    'SignatureVersion',
    'SignatureNonce',
    'Timestamp',
  ]) {
    if (!params.get(name)) return missing(reply, name);
  }
  if (params.get('SignatureMethod') !== 'HMAC-SHA1') {
    return gatewayError(reply, 400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
  }
  if (params.get('SignatureVersion') !== '1.0') {
    return gatewayError(reply, 400, 'InvalidSignatureVersion', 'Specified signature version is not supported.');
  }
  const timestampError = checkTimestamp(reply, params.get('Timestamp') as string, state);
  if (timestampError) return timestampError;
  if (params.get('AccessKeyId') !== state.credentials.aliyun.accessKeyId) {
    return gatewayError(reply, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }
  const expected = rpcV1Signature(request.method, entries, state.credentials.aliyun.accessKeySecret);
  if (params.get('Signature') !== expected.signature) return signatureMismatch(reply, expected.stringToSign);
  if (nonceReplayed(params.get('SignatureNonce') as string, state.now().getTime())) {
    return gatewayError(reply, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  return { action: params.get('Action') ?? '', version: params.get('Version') ?? '', params };
}

function authenticateAcs3(
  request: SimulatedRequest,
  reply: Reply,
  state: ProviderState,
  authorization: string,
): Authenticated | SimulatedResponse {
  const incomplete = (why: string) =>
    gatewayError(
      reply,
      400,
      'IncompleteSignature',
      `The request signature does not conform to Aliyun standards. ${why}`,
    );
  const match = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
    authorization.trim(),
  );
  if (!match)
    return incomplete('Authorization must be ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...');
  const [, accessKeyId = '', signedHeaderList = '', signature = ''] = match;
  const signedNames = signedHeaderList.split(';');

  const required = [
    'host',
    'x-acs-action',
    'x-acs-version',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-content-sha256',
  ];
  for (const name of required) {
    if (!header(request.headers, name)) return incomplete(`Header ${name} is missing.`);
  }
  const unsigned = [...required, ...Object.keys(request.headers).filter((name) => name.startsWith('x-acs-'))].filter(
    (name) => !signedNames.includes(name),
  );
  if (unsigned.length) return incomplete(`Header ${unsigned[0]} must be signed.`);

  const timestampError = checkTimestamp(reply, header(request.headers, 'x-acs-date') as string, state);
  if (timestampError) return timestampError;
  if (accessKeyId !== state.credentials.aliyun.accessKeyId) {
    return gatewayError(reply, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(request.headers, name);
    if (value === undefined) return incomplete(`Signed header ${name} is missing.`);
    signedHeaders[name] = value;
  }
  const claimedPayloadHash = header(request.headers, 'x-acs-content-sha256') as string;
  const expected = acs3Signature({
    method: request.method,
    query: request.url.searchParams.entries(),
    headers: signedHeaders,
    hashedPayload: claimedPayloadHash,
    accessKeySecret: state.credentials.aliyun.accessKeySecret,
  });
  if (signature !== expected.signature) return signatureMismatch(reply, expected.stringToSign);
  // The signature covers the declared hash; the body must then match that hash.
  const actualPayloadHash = createHash('sha256').update(request.rawBody, 'utf8').digest('hex');
  if (actualPayloadHash !== claimedPayloadHash) return signatureMismatch(reply, expected.stringToSign);
  if (nonceReplayed(header(request.headers, 'x-acs-signature-nonce') as string, state.now().getTime())) {
    return gatewayError(reply, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  return {
    action: header(request.headers, 'x-acs-action') ?? '',
    version: header(request.headers, 'x-acs-version') ?? '',
    params: new Map(requestParams(request)),
  };
}

/**
 * Mainland numbers may carry +86, 0086 or 86; other numbers are country code and national number
 * with no `+` or `00` (so an E.164 number passed through unchanged is refused).
 */
function validNumber(value: string): boolean {
  return /^(?:\+86|0086|86)?1\d{10}$/.test(value) || /^[1-9]\d{6,14}$/.test(value);
}

function parseTemplateParam(value: string | undefined): Record<string, string> | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'invalid';
    if (!Object.values(parsed).every((entry) => typeof entry === 'string')) return 'invalid';
    return parsed as Record<string, string>;
  } catch {
    return 'invalid';
  }
}

function sendSms(auth: Authenticated, reply: Reply, state: ProviderState): SimulatedResponse | 'hang' {
  switch (state.failure) {
    case 'hang':
      return 'hang';
    case 'server_error':
      return gatewayError(
        reply,
        503,
        'ServiceUnavailable',
        'The request has failed due to a temporary failure of the server.',
      );
    case 'rate_limited':
      return business(reply, 'isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5');
    case 'invalid_number':
      return business(reply, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    case 'rejected':
      return business(reply, 'isv.SMS_TEMPLATE_ILLEGAL', '模板不合法(不存在或被拉黑)');
    case undefined:
      break;
  }

  const { params } = auth;
  for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) {
    if (!params.get(name)) return missing(reply, name);
  }
  const phoneNumbers = params.get('PhoneNumbers') as string;
  const signName = params.get('SignName') as string;
  const templateCode = params.get('TemplateCode') as string;
  const numbers = phoneNumbers.split(',');
  if (numbers.length > maxNumbers) return business(reply, 'isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
  if (!numbers.every(validNumber)) return business(reply, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
  const templateParam = params.get('TemplateParam');
  const templateParams = parseTemplateParam(templateParam);
  if (templateParams === 'invalid') return business(reply, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');

  const bizId = `${randomInt(100000, 999999)}${randomInt(100000, 999999)}${randomInt(100000, 999999)}^0`;
  for (const to of numbers) {
    state.deliver({
      provider: 'aliyun',
      to,
      text: `${templateCode} ${templateParam ?? ''}`.trim(),
      templateCode,
      params: templateParams ?? {},
      sender: signName,
      messageId: bizId,
    });
  }
  return business(reply, 'OK', 'OK', bizId);
}

export const aliyunSimulation: ProviderSimulation = {
  name: 'aliyun',
  matches(request) {
    if (request.url.pathname !== '/') return false;
    if (header(request.headers, 'x-acs-action') !== undefined) return true;
    const params = new Map(requestParams(request));
    // AccessKeyId is Aliyun's own name, so another provider's `Action=` request is not taken.
    return params.has('Action') && params.has('AccessKeyId');
  },
  handle(request, state) {
    const authorization = header(request.headers, 'authorization');
    const acs3 =
      (authorization?.startsWith(acs3Prefix) ?? false) || header(request.headers, 'x-acs-action') !== undefined;
    const format = new Map(requestParams(request)).get('Format');
    const reply: Reply = { requestId: randomUUID().toUpperCase(), xml: acs3 ? format === 'XML' : format !== 'JSON' };

    if (request.method !== 'POST' && request.method !== 'GET') {
      return gatewayError(reply, 405, 'UnsupportedHTTPMethod', 'This http method is not supported.');
    }
    const auth = acs3
      ? authenticateAcs3(request, reply, state, authorization ?? '')
      : authenticateRpcV1(request, reply, state);
    if ('status' in auth) return auth;
    if (auth.version !== apiVersion) {
      return gatewayError(reply, 400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    }
    if (auth.action !== 'SendSms') {
      return gatewayError(
        reply,
        404,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      );
    }
    return sendSms(auth, reply, state);
  },
};
