import { randomUUID } from 'node:crypto';
import { canonicalQueryString, rpcV1EncodedParams, signAcs3, signRpcV1 } from './signature.ts';

export const apiVersion = '2017-05-25';
export const action = 'SendSms';

export interface SendSmsParams {
  PhoneNumbers: string;
  SignName: string;
  TemplateCode: string;
  /** JSON object as a string, e.g. `{"code":"123456"}`; absent for a template without variables. */
  TemplateParam?: string;
}

export interface SignedRequestOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signatureVersion: 'v1' | 'acs3';
  params: SendSmsParams;
  /** Fixed in tests; a fresh time and nonce otherwise. */
  now?: Date;
  nonce?: string;
}

export interface SignedRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** Aliyun wants second precision: `2017-07-12T02:42:19Z`. */
export function aliyunTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RPC APIs live at the root of the host; a trailing slash in the configured endpoint is harmless. */
function rootUrl(endpoint: string): URL {
  return new URL(`${endpoint.replace(/\/+$/, '')}/`);
}

/**
 * Builds a signed SendSms request. ACS3 sends the API parameters in the query string with an empty
 * body, as Alibaba's current SDK does; RPC 1.0 sends everything, signature included, as a form body,
 * as the older SDK does for POST (which also keeps the phone number out of URLs and proxy logs).
 */
export function buildSendSmsRequest(options: SignedRequestOptions): SignedRequest {
  const now = options.now ?? new Date();
  const nonce = options.nonce ?? randomUUID();
  const url = rootUrl(options.endpoint);
  const params = { ...options.params };

  if (options.signatureVersion === 'v1') {
    const signed = signRpcV1(
      'POST',
      {
        ...params,
        AccessKeyId: options.accessKeyId,
        Action: action,
        Format: 'JSON',
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: nonce,
        SignatureVersion: '1.0',
        Timestamp: aliyunTimestamp(now),
        Version: apiVersion,
      },
      options.accessKeySecret,
    );
    return {
      url: url.href,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: rpcV1EncodedParams(signed),
    };
  }

  const signed = signAcs3({
    method: 'POST',
    query: params,
    headers: {
      host: url.host,
      'x-acs-action': action,
      'x-acs-version': apiVersion,
      'x-acs-date': aliyunTimestamp(now),
      'x-acs-signature-nonce': nonce,
    },
    body: '',
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
  });
  // fetch derives Host from the URL, which is the value signed above; setting it by hand is refused by some runtimes.
  const { host: _host, ...headers } = signed.headers;
  return {
    url: `${url.href}?${canonicalQueryString(params)}`,
    method: 'POST',
    headers: { ...headers, authorization: signed.authorization, accept: 'application/json' },
  };
}
