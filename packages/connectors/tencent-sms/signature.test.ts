import { readFileSync } from 'node:fs';
import type { ConnectorContext } from '@passline/connector-kit';
import { parseConnectorConfig } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { tencentSmsConnector } from './index.ts';
import { signTc3 } from './signature.ts';

interface Vector {
  id: string;
  inputs: {
    secret_id: string;
    secret_key: string;
    service: string;
    host: string;
    action: string;
    version: string;
    region: string;
    timestamp: number;
    content_type: string;
    body: string;
  };
  expected: {
    date: string;
    credential_scope: string;
    hashed_request_payload: string;
    canonical_request: string;
    hashed_canonical_request: string;
    string_to_sign: string;
    secret_date_hex: string;
    secret_service_hex: string;
    secret_signing_hex: string;
    signature: string;
    authorization: string;
  };
}

const vectors = (
  JSON.parse(readFileSync(new URL('../../../test/provider-vectors/tencent.json', import.meta.url), 'utf8')) as {
    vectors: Vector[];
  }
).vectors;

describe('TC3-HMAC-SHA256 against the published vectors', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(2);
  });

  for (const vector of vectors) {
    it(`reproduces ${vector.id}`, () => {
      const { inputs, expected } = vector;
      const result = signTc3({
        secretId: inputs.secret_id,
        secretKey: inputs.secret_key,
        service: inputs.service,
        host: inputs.host,
        timestamp: inputs.timestamp,
        contentType: inputs.content_type,
        body: inputs.body,
      });
      expect(result).toEqual({
        date: expected.date,
        credentialScope: expected.credential_scope,
        hashedRequestPayload: expected.hashed_request_payload,
        canonicalRequest: expected.canonical_request,
        hashedCanonicalRequest: expected.hashed_canonical_request,
        stringToSign: expected.string_to_sign,
        secretDateHex: expected.secret_date_hex,
        secretServiceHex: expected.secret_service_hex,
        secretSigningHex: expected.secret_signing_hex,
        signature: expected.signature,
        authorization: expected.authorization,
      });
    });
  }

  it('derives a different key for another service name', () => {
    const [vector] = vectors;
    if (!vector) throw new Error('no vector');
    const inputs = {
      secretId: vector.inputs.secret_id,
      secretKey: vector.inputs.secret_key,
      host: vector.inputs.host,
      timestamp: vector.inputs.timestamp,
      contentType: vector.inputs.content_type,
      body: vector.inputs.body,
    };
    const sms = signTc3({ ...inputs, service: 'sms' });
    expect(sms.credentialScope).toBe('2019-02-25/sms/tc3_request');
    expect(sms.secretDateHex).toBe(vector.expected.secret_date_hex);
    expect(sms.secretServiceHex).not.toBe(vector.expected.secret_service_hex);
    expect(sms.signature).not.toBe(vector.expected.signature);
  });

  it('uses the UTC date of the timestamp in the scope', () => {
    // 2019-02-25T23:59:59Z and one second later straddle a UTC midnight.
    const base = { secretId: 'id', secretKey: 'key', service: 'sms', host: 'h', contentType: 'a/b', body: '{}' };
    expect(signTc3({ ...base, timestamp: 1551139199 }).date).toBe('2019-02-25');
    expect(signTc3({ ...base, timestamp: 1551139200 }).date).toBe('2019-02-26');
  });
});

describe('the SendSms request the connector builds', () => {
  const config = (endpoint?: string) =>
    parseConnectorConfig(tencentSmsConnector, {
      accessKeyId: 'AKIDexampleid',
      accessKeySecret: 'example-secret',
      sdkAppId: '1400006666',
      signName: 'Passline',
      templates: [
        { usageType: 'Register', templateCode: '1110', params: ['code', 'expiresInMinutes'] },
        { usageType: 'SignIn', templateCode: '1111' },
        { usageType: 'ForgotPassword', templateCode: '1112' },
        { usageType: 'Generic', templateCode: '1113' },
      ],
      endpoint,
    });

  async function capture(endpoint?: string) {
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const context: ConnectorContext = {
      fetch: (async (url: string, init: RequestInit) => {
        requests.push({ url, init });
        return new Response(
          JSON.stringify({
            Response: {
              SendStatusSet: [{ Code: 'Ok', SerialNo: '2433:1', PhoneNumber: '+8613711112222' }],
              RequestId: 'r',
            },
          }),
          { status: 200 },
        );
      }) as typeof fetch,
      logger: { info() {}, warn() {} },
      outbox: { record: async () => {} },
    };
    const before = Math.floor(Date.now() / 1000);
    const result = await tencentSmsConnector.sendMessage(
      { to: '+8613711112222', usage: 'Register', payload: { code: '123456', expiresInMinutes: '10' } },
      config(endpoint),
      context,
    );
    const after = Math.floor(Date.now() / 1000);
    const [request] = requests;
    if (!request) throw new Error('no request sent');
    return { result, request, before, after };
  }

  it('posts the JSON body with the headers and a signature over them', async () => {
    const { result, request, before, after } = await capture();
    expect(result.messageId).toBe('2433:1');
    expect(request.url).toBe('https://sms.tencentcloudapi.com/');
    const body = request.init.body as string;
    expect(JSON.parse(body)).toEqual({
      PhoneNumberSet: ['+8613711112222'],
      SmsSdkAppId: '1400006666',
      SignName: 'Passline',
      TemplateId: '1110',
      TemplateParamSet: ['123456', '10'],
    });
    const headers = request.init.headers as Record<string, string>;
    const timestamp = Number(headers['X-TC-Timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      Host: 'sms.tencentcloudapi.com',
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Region': 'ap-guangzhou',
    });
    const expected = signTc3({
      secretId: 'AKIDexampleid',
      secretKey: 'example-secret',
      service: 'sms',
      host: 'sms.tencentcloudapi.com',
      timestamp,
      contentType: 'application/json; charset=utf-8',
      body,
    });
    expect(headers.Authorization).toBe(expected.authorization);
    expect(headers.Authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDexampleid\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, /,
    );
  });

  it('signs the requested host but keeps the sms scope for a regional host or a proxy', async () => {
    for (const [endpoint, host] of [
      ['https://sms.ap-guangzhou.tencentcloudapi.com', 'sms.ap-guangzhou.tencentcloudapi.com'],
      ['http://127.0.0.1:4010', '127.0.0.1:4010'],
    ] as const) {
      const { request } = await capture(endpoint);
      const headers = request.init.headers as Record<string, string>;
      expect(headers.Host).toBe(host);
      const expected = signTc3({
        secretId: 'AKIDexampleid',
        secretKey: 'example-secret',
        service: 'sms',
        host,
        timestamp: Number(headers['X-TC-Timestamp']),
        contentType: 'application/json; charset=utf-8',
        body: request.init.body as string,
      });
      expect(headers.Authorization).toBe(expected.authorization);
    }
  });
});
