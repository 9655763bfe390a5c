import { createHash, createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ProviderSimulation, ProviderState, SimulatedRequest, SimulatedResponse } from './types.ts';

/*
 * Tencent Cloud API 3.0, SMS SendSms 2021-01-11. The signature check is written here independently
 * of the connector, so a mistake in one is caught by the other instead of being mirrored.
 */

const service = 'sms';
const version = '2021-01-11';
const algorithm = 'TC3-HMAC-SHA256';
const maxClockSkewSeconds = 5 * 60;
const knownBodyFields = new Set([
  'PhoneNumberSet',
  'SmsSdkAppId',
  'SignName',
  'TemplateId',
  'TemplateParamSet',
  'ExtendCode',
  'SessionContext',
  'SenderId',
]);

export const tencentSimulation: ProviderSimulation = {
  name: 'tencent',
  // Only the Tencent Cloud API carries X-TC-Action; Twilio and Aliyun requests never do.
  matches: (request) => typeof request.headers['x-tc-action'] === 'string',
  handle,
};

function handle(request: SimulatedRequest, state: ProviderState): SimulatedResponse | 'hang' {
  // Infrastructure failures happen before the API gateway looks at the request.
  if (state.failure === 'hang') return 'hang';
  if (state.failure === 'server_error') {
    return { status: 500, body: errorBody('InternalError', 'An internal error has occurred. Retry your request.') };
  }

  const refused = checkRequest(request, state);
  if (refused) return refused;
  const parsed = parseSendSms(request.rawBody, state);
  if ('response' in parsed) return parsed.response;
  const sms = parsed.sms;

  if (state.failure === 'invalid_number') {
    return ok(errorBody('InvalidParameterValue.IncorrectPhoneNumber', 'The mobile number format is incorrect.'));
  }
  if (state.failure === 'rejected') {
    return ok(
      errorBody(
        'FailedOperation.TemplateIncorrectOrUnapproved',
        'The template is not approved or the request content does not match the approved template content.',
      ),
    );
  }
  const invalid = sms.PhoneNumberSet.find((number) => !isPhoneNumber(number));
  if (invalid !== undefined) {
    return ok(errorBody('InvalidParameterValue.IncorrectPhoneNumber', `The mobile number ${invalid} is incorrect.`));
  }
  if (state.failure === 'rate_limited') {
    return ok({
      Response: {
        SendStatusSet: sms.PhoneNumberSet.map((number) => ({
          SerialNo: '',
          PhoneNumber: number,
          Fee: 0,
          SessionContext: sms.SessionContext ?? '',
          Code: 'LimitExceeded.PhoneNumberDailyLimit',
          Message: 'The daily number of messages to this mobile number exceeds the limit.',
          IsoCode: '',
        })),
        RequestId: randomUUID(),
      },
    });
  }

  const SendStatusSet = sms.PhoneNumberSet.map((number) => {
    const serialNo = `${randomInt(1000, 9999)}:${Array.from({ length: 28 }, () => randomInt(10)).join('')}`;
    state.deliver({
      provider: 'tencent',
      to: number,
      text: `${sms.TemplateId} ${JSON.stringify(sms.TemplateParamSet)}`,
      templateCode: sms.TemplateId,
      params: sms.TemplateParamSet,
      sender: sms.SignName,
      messageId: serialNo,
    });
    return {
      SerialNo: serialNo,
      PhoneNumber: number,
      Fee: 1,
      SessionContext: sms.SessionContext ?? '',
      Code: 'Ok',
      Message: 'send success',
      IsoCode: isoCode(number),
    };
  });
  return ok({ Response: { SendStatusSet, RequestId: randomUUID() } });
}

/** The API gateway's checks: action, version, region, then the TC3 signature. */
function checkRequest(request: SimulatedRequest, state: ProviderState): SimulatedResponse | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (request.method !== 'POST') {
    return ok(errorBody('InvalidParameter', 'The simulator accepts SendSms only as a JSON POST.'));
  }
  if (header('x-tc-action') !== 'SendSms') {
    return ok(errorBody('InvalidAction', `The action ${header('x-tc-action')} is not found for service sms.`));
  }
  if (header('x-tc-version') !== version) {
    return ok(
      errorBody('NoSuchVersion', `The version ${header('x-tc-version') ?? ''} is not supported; use ${version}.`),
    );
  }
  if (!header('x-tc-region')) {
    return ok(errorBody('MissingParameter', 'The request is missing the required parameter Region (X-TC-Region).'));
  }
  if (!/^application\/json/i.test(header('content-type') ?? '')) {
    return ok(errorBody('InvalidParameter', 'The Content-Type must be application/json for a POST body.'));
  }

  const authorization = parseAuthorization(header('authorization') ?? '');
  if (!authorization) {
    return ok(
      errorBody('AuthFailure.InvalidAuthorization', 'The Authorization header is not a valid TC3-HMAC-SHA256 header.'),
    );
  }
  const credentials = state.credentials.tencent;
  if (authorization.secretId !== credentials.secretId) {
    return ok(errorBody('AuthFailure.SecretIdNotFound', 'The SecretId is not found; check that it is correct.'));
  }
  const timestamp = Number(header('x-tc-timestamp'));
  const serverTime = Math.floor(state.now().getTime() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(serverTime - timestamp) > maxClockSkewSeconds) {
    return ok(
      errorBody(
        'AuthFailure.SignatureExpire',
        `Signature expired: the timestamp ${header('x-tc-timestamp') ?? ''} is more than 5 minutes from the server time ${serverTime}.`,
      ),
    );
  }
  const expected = tc3Signature({
    secretKey: credentials.secretKey,
    timestamp,
    method: request.method,
    path: request.url.pathname,
    query: request.url.search.slice(1),
    headers: authorization.signedHeaders.map((name) => [name, header(name) ?? ''] as const),
    body: request.rawBody,
  });
  const scopeMatches = authorization.scope === expected.credentialScope;
  if (!scopeMatches || !sameHex(authorization.signature, expected.signature)) {
    return ok(
      errorBody(
        'AuthFailure.SignatureFailure',
        'The provided credentials could not be validated. Please check your signature is correct.',
      ),
    );
  }
  return undefined;
}

interface SendSmsBody {
  PhoneNumberSet: string[];
  SmsSdkAppId: string;
  SignName?: string;
  TemplateId: string;
  TemplateParamSet: string[];
  SessionContext?: string;
}

function parseSendSms(rawBody: string, state: ProviderState): { sms: SendSmsBody } | { response: SimulatedResponse } {
  const refuse = (code: string, message: string) => ({ response: ok(errorBody(code, message)) });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return refuse('InvalidParameter', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return refuse('InvalidParameter', 'The request body must be a JSON object.');
  }
  const unknown = Object.keys(body).find((key) => !knownBodyFields.has(key));
  if (unknown) return refuse('UnknownParameter', `The parameter ${unknown} is not recognized.`);

  const { PhoneNumberSet, SmsSdkAppId, SignName, TemplateId, TemplateParamSet, SessionContext } = body;
  if (!Array.isArray(PhoneNumberSet) || PhoneNumberSet.length === 0) {
    return refuse('MissingParameter.EmptyPhoneNumberSet', 'The list of mobile numbers is empty.');
  }
  if (!PhoneNumberSet.every((number) => typeof number === 'string')) {
    return refuse('InvalidParameter', 'PhoneNumberSet must be a list of strings.');
  }
  if (PhoneNumberSet.length > 200) {
    return refuse('LimitExceeded.PhoneNumberCountLimit', 'At most 200 mobile numbers per request.');
  }
  if (typeof SmsSdkAppId !== 'string' || SmsSdkAppId === '') {
    return refuse('MissingParameter', 'The request is missing the required parameter SmsSdkAppId.');
  }
  if (typeof TemplateId !== 'string' || TemplateId === '') {
    return refuse('MissingParameter', 'The request is missing the required parameter TemplateId.');
  }
  if (SignName !== undefined && typeof SignName !== 'string') {
    return refuse('InvalidParameter', 'SignName must be a string.');
  }
  if (SessionContext !== undefined && typeof SessionContext !== 'string') {
    return refuse('InvalidParameter', 'SessionContext must be a string.');
  }
  const params = TemplateParamSet ?? [];
  if (!Array.isArray(params) || !params.every((value) => typeof value === 'string')) {
    return refuse('InvalidParameter', 'TemplateParamSet must be a list of strings.');
  }
  if (SmsSdkAppId !== state.credentials.tencent.sdkAppId) {
    return refuse(
      'UnauthorizedOperation.SmsSdkAppIdVerifyFail',
      'The SmsSdkAppId does not belong to the account of this SecretId.',
    );
  }
  if (!/^\d+$/.test(TemplateId)) {
    return refuse('FailedOperation.TemplateIncorrectOrUnapproved', `The template ${TemplateId} is not approved.`);
  }
  // Chinese mainland messages must carry an approved signature.
  if (PhoneNumberSet.some(isMainlandNumber) && !SignName) {
    return refuse('FailedOperation.MissingSignature', 'Chinese mainland SMS messages need an approved signature.');
  }
  return {
    sms: {
      PhoneNumberSet,
      SmsSdkAppId,
      SignName,
      TemplateId,
      TemplateParamSet: params as string[],
      SessionContext: SessionContext as string | undefined,
    },
  };
}

function parseAuthorization(
  value: string,
): { secretId: string; scope: string; signedHeaders: string[]; signature: string } | undefined {
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2}\/[a-z0-9-]+\/tc3_request), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const signedHeaders = (match[3] as string).split(';');
  // Tencent requires at least these two to be signed.
  if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) return undefined;
  return {
    secretId: match[1] as string,
    scope: match[2] as string,
    signedHeaders,
    signature: match[4] as string,
  };
}

export interface Tc3VerificationInput {
  secretKey: string;
  timestamp: number;
  method: string;
  path: string;
  query: string;
  /** Signed headers, lower-case names, in the order of SignedHeaders. */
  headers: ReadonlyArray<readonly [string, string]>;
  body: string;
  service?: string;
}

/** What a request must be signed with; exported so tests can build requests and check the vectors. */
export function tc3Signature(input: Tc3VerificationInput): {
  credentialScope: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
} {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const credentialScope = `${date}/${input.service ?? service}/tc3_request`;
  const headers = [...input.headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalRequest = [
    input.method,
    input.path,
    input.query,
    headers.map(([name, value]) => `${name}:${value.trim().toLowerCase()}\n`).join(''),
    headers.map(([name]) => name).join(';'),
    sha256(input.body),
  ].join('\n');
  const stringToSign = [algorithm, String(input.timestamp), credentialScope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`TC3${input.secretKey}`, date);
  key = hmac(key, input.service ?? service);
  key = hmac(key, 'tc3_request');
  return { credentialScope, canonicalRequest, stringToSign, signature: hmac(key, stringToSign).toString('hex') };
}

function errorBody(code: string, message: string) {
  return { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } };
}

// Tencent reports business and authentication errors with HTTP 200; only the body says what happened.
function ok(body: unknown): SimulatedResponse {
  return { status: 200, body };
}

function isPhoneNumber(number: string): boolean {
  // E.164, or the domestic forms Tencent also takes for mainland numbers (0086 / 86 prefix, bare 11 digits).
  return /^\+[1-9]\d{6,14}$/.test(number) || /^(0086|86)?1\d{10}$/.test(number);
}

function isMainlandNumber(number: string): boolean {
  return /^(\+86|0086|86)?1\d{10}$/.test(number);
}

function isoCode(number: string): string {
  if (isMainlandNumber(number)) return 'CN';
  if (number.startsWith('+1')) return 'US';
  return '';
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
