import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acs3Signature, aliyunPercentEncode, rpcV1Signature } from './aliyun.ts';
import { type ProviderSimulator, startProviderSimulator } from './server.ts';

interface Vector {
  id: string;
  scheme: string;
  inputs: {
    access_key_id: string;
    access_key_secret: string;
    http_method: string;
    params?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
  };
  expected: Record<string, string>;
}

const aliyunVectors = JSON.parse(
  readFileSync(new URL('../../../test/provider-vectors/aliyun.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
  response_examples: Array<{ id: string; http_status: number; body: Record<string, string> }>;
};
const example = (id: string) => {
  const found = aliyunVectors.response_examples.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no response example ${id}`);
  return found;
};

describe('aliyun simulation signing matches the official vectors', () => {
  for (const vector of aliyunVectors.vectors) {
    it(vector.id, () => {
      const { inputs, expected } = vector;
      if (inputs.params) {
        const signed = rpcV1Signature(inputs.http_method, Object.entries(inputs.params), inputs.access_key_secret);
        expect(signed.stringToSign).toBe(expected.string_to_sign);
        expect(signed.signature).toBe(expected.signature);
        return;
      }
      const headers = { ...inputs.headers, 'x-acs-content-sha256': expected.hashed_request_payload ?? '' };
      const signed = acs3Signature({
        method: inputs.http_method,
        query: Object.entries(inputs.query ?? {}),
        headers,
        hashedPayload: createHash('sha256')
          .update(inputs.body ?? '')
          .digest('hex'),
        accessKeySecret: inputs.access_key_secret,
      });
      expect(signed.canonicalRequest).toBe(expected.canonical_request);
      expect(signed.stringToSign).toBe(expected.string_to_sign);
      expect(signed.signature).toBe(expected.signature);
    });
  }
});

const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const encode = (params: Array<[string, string]>) =>
  params.map(([name, value]) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(value)}`).join('&');

const sendSms = (overrides: Record<string, string> = {}) => ({
  PhoneNumbers: '13800138000',
  SignName: 'Passline',
  TemplateCode: 'SMS_154950909',
  TemplateParam: '{"code":"123456"}',
  ...overrides,
});

describe('aliyun simulation over HTTP', () => {
  let simulator: ProviderSimulator;
  let accessKeyId: string;
  let secret: string;
  beforeAll(async () => {
    simulator = await startProviderSimulator();
    ({ accessKeyId, accessKeySecret: secret } = simulator.credentials.aliyun);
  });
  afterAll(() => simulator.close());
  beforeEach(() => simulator.reset());

  /** An RPC 1.0 request: parameters in a form body (POST) or the query string (GET). */
  function rpcRequest(
    options: {
      method?: 'POST' | 'GET';
      params?: Record<string, string>;
      signingSecret?: string;
      tamper?: (params: Array<[string, string]>) => Array<[string, string]>;
    } = {},
  ) {
    const method = options.method ?? 'POST';
    const params: Array<[string, string]> = Object.entries({
      AccessKeyId: accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: timestamp(),
      Version: '2017-05-25',
      ...sendSms(),
      ...options.params,
    });
    const { signature } = rpcV1Signature(method, params, options.signingSecret ?? secret);
    const sent = encode([['Signature', signature], ...(options.tamper ?? ((same) => same))(params)]);
    return method === 'GET'
      ? fetch(`${simulator.url}/?${sent}`)
      : fetch(`${simulator.url}/`, {
          method,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: sent,
        });
  }

  /** An ACS3 request: parameters in the query string, or in a form body when `inBody`. */
  function acs3Request(
    options: {
      params?: Record<string, string>;
      inBody?: boolean;
      signingSecret?: string;
      keyId?: string;
      tamperBody?: (body: string) => string;
      tamperQuery?: (query: string) => string;
    } = {},
  ) {
    const params = Object.entries(sendSms(options.params));
    const body = options.inBody ? encode(params) : '';
    const query = options.inBody ? [] : params;
    const url = new URL(simulator.url);
    const headers: Record<string, string> = {
      host: url.host,
      'x-acs-action': 'SendSms',
      'x-acs-version': '2017-05-25',
      'x-acs-date': timestamp(),
      'x-acs-signature-nonce': randomUUID(),
      'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
      ...(options.inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    };
    const signed = acs3Signature({
      method: 'POST',
      query,
      headers,
      hashedPayload: headers['x-acs-content-sha256'] as string,
      accessKeySecret: options.signingSecret ?? secret,
    });
    const { host: _host, ...sentHeaders } = headers;
    const queryString = (options.tamperQuery ?? ((same) => same))(encode(query));
    return fetch(`${simulator.url}/${queryString ? `?${queryString}` : ''}`, {
      method: 'POST',
      headers: {
        ...sentHeaders,
        authorization: `ACS3-HMAC-SHA256 Credential=${options.keyId ?? accessKeyId},SignedHeaders=${signed.signedHeaders},Signature=${signed.signature}`,
      },
      body: options.inBody ? (options.tamperBody ?? ((same) => same))(body) : undefined,
    });
  }

  const successKeys = Object.keys(example('aliyun-sendsms-ok').body).sort();
  const gatewayErrorKeys = Object.keys(example('aliyun-gateway-signature-error').body).sort();

  const accepted = [
    ['RPC 1.0, form body', () => rpcRequest()],
    ['RPC 1.0, query string (GET)', () => rpcRequest({ method: 'GET' })],
    ['ACS3, query string', () => acs3Request()],
    ['ACS3, form body', () => acs3Request({ inBody: true })],
  ] as const;
  for (const [name, request] of accepted) {
    it(`accepts a correctly signed ${name} request and records the message`, async () => {
      const response = await request();
      const body = (await response.json()) as Record<string, string>;
      expect(response.status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(successKeys);
      expect(body).toMatchObject({ Code: 'OK', Message: 'OK' });
      expect(response.headers.get('x-acs-request-id')).toBe(body.RequestId);
      expect(simulator.messages({ provider: 'aliyun' })).toEqual([
        expect.objectContaining({
          to: '13800138000',
          text: 'SMS_154950909 {"code":"123456"}',
          templateCode: 'SMS_154950909',
          params: { code: '123456' },
          sender: 'Passline',
          messageId: body.BizId,
        }),
      ]);
    });
  }

  const wrongSecret = [
    ['RPC 1.0', () => rpcRequest({ signingSecret: 'wrong' }), 'POST&%2F&'],
    ['ACS3', () => acs3Request({ signingSecret: 'wrong' }), 'ACS3-HMAC-SHA256\n'],
  ] as const;
  for (const [name, request, stringToSignStart] of wrongSecret) {
    it(`refuses a ${name} request signed with the wrong secret with Aliyun's SignatureDoesNotMatch`, async () => {
      const response = await request();
      const body = (await response.json()) as Record<string, string>;
      expect(response.status).toBe(example('aliyun-gateway-signature-error').http_status);
      expect(Object.keys(body).sort()).toEqual(gatewayErrorKeys);
      expect(body.Code).toBe('SignatureDoesNotMatch');
      expect(body.Message).toContain(`server string to sign is:${stringToSignStart}`);
      expect(simulator.messages()).toEqual([]);
    });
  }

  const tampered = [
    [
      'RPC 1.0 form body',
      () =>
        rpcRequest({
          tamper: (params) => params.map(([name, value]) => [name, name === 'PhoneNumbers' ? '13900139000' : value]),
        }),
    ],
    ['ACS3 form body', () => acs3Request({ inBody: true, tamperBody: (body) => body.replace('123456', '654321') })],
    ['ACS3 query string', () => acs3Request({ tamperQuery: (query) => query.replace('13800138000', '13900139000') })],
  ] as const;
  for (const [name, request] of tampered) {
    it(`refuses a tampered ${name}`, async () => {
      const response = await request();
      expect(response.status).toBe(400);
      expect(((await response.json()) as Record<string, string>).Code).toBe('SignatureDoesNotMatch');
      expect(simulator.messages()).toEqual([]);
    });
  }

  it('refuses an unknown AccessKey ID with InvalidAccessKeyId.NotFound (404)', async () => {
    const response = await acs3Request({ keyId: 'LTAI5tNobody' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ Code: 'InvalidAccessKeyId.NotFound' });
    const rpc = await rpcRequest({ params: { AccessKeyId: 'LTAI5tNobody' } });
    expect(rpc.status).toBe(404);
  });

  it('refuses a replayed nonce and a stale timestamp', async () => {
    const nonce = randomUUID();
    expect((await rpcRequest({ params: { SignatureNonce: nonce } })).status).toBe(200);
    const replay = await rpcRequest({ params: { SignatureNonce: nonce } });
    expect(await replay.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
    const stale = await rpcRequest({ params: { Timestamp: '2017-07-12T02:42:19Z' } });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ Code: 'InvalidTimeStamp.Expired' });
  });

  it('refuses an E.164 number with + for a non-Chinese number, and missing parameters', async () => {
    const plus = await acs3Request({ params: { PhoneNumbers: '+18625550100' } });
    expect(plus.status).toBe(200);
    expect(await plus.json()).toMatchObject({ Code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    const accepted = await acs3Request({ params: { PhoneNumbers: '18625550100' } });
    expect(await accepted.json()).toMatchObject({ Code: 'OK' });
    const noSign = await acs3Request({ params: { SignName: '' } });
    expect(noSign.status).toBe(400);
    expect(await noSign.json()).toMatchObject({ Code: 'MissingSignName' });
  });

  it('answers RPC 1.0 in XML unless Format=JSON, as the gateway does', async () => {
    const response = await rpcRequest({ params: { Format: 'XML' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^<\?xml .*<SendSmsResponse>.*<Code>OK<\/Code>.*<\/SendSmsResponse>$/);
  });

  const modes = [
    ['rate_limited', 200, 'isv.BUSINESS_LIMIT_CONTROL'],
    ['invalid_number', 200, 'isv.MOBILE_NUMBER_ILLEGAL'],
    ['rejected', 200, 'isv.SMS_TEMPLATE_ILLEGAL'],
    ['server_error', 503, 'ServiceUnavailable'],
  ] as const;
  for (const [mode, status, code] of modes) {
    it(`acts out ${mode} as HTTP ${status} ${code}`, async () => {
      simulator.failNext('aliyun', mode);
      const response = await acs3Request();
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ Code: code });
      expect(simulator.messages()).toEqual([]);
      expect((await acs3Request()).status).toBe(200);
    });
  }

  it('leaves other providers’ requests alone', async () => {
    const tencentLike = await fetch(`${simulator.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tc-action': 'SendSms' },
      body: JSON.stringify({ Action: 'SendSms', PhoneNumberSet: ['+8613800138000'] }),
    });
    const twilioLike = await fetch(`${simulator.url}/2010-04-01/Accounts/AC1/Messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=SendSms&AccessKeyId=x',
    });
    for (const response of [tencentLike, twilioLike]) {
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.Code).toBeUndefined();
    }
  });
});
