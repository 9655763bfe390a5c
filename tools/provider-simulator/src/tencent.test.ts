import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tc3Signature, tencentSimulation } from './tencent.ts';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';

interface Vector {
  id: string;
  inputs: { secret_key: string; service: string; host: string; timestamp: number; content_type: string; body: string };
  expected: { credential_scope: string; canonical_request: string; string_to_sign: string; signature: string };
}

const vectors = (
  JSON.parse(readFileSync(new URL('../../../test/provider-vectors/tencent.json', import.meta.url), 'utf8')) as {
    vectors: Vector[];
  }
).vectors;

describe("the simulator's TC3 verifier", () => {
  for (const vector of vectors) {
    it(`computes the published signature of ${vector.id}`, () => {
      const { inputs, expected } = vector;
      const result = tc3Signature({
        secretKey: inputs.secret_key,
        service: inputs.service,
        timestamp: inputs.timestamp,
        method: 'POST',
        path: '/',
        query: '',
        // Given out of order on purpose: the verifier sorts them as Tencent does.
        headers: [
          ['host', inputs.host],
          ['content-type', inputs.content_type],
        ],
        body: inputs.body,
      });
      expect(result).toEqual({
        credentialScope: expected.credential_scope,
        canonicalRequest: expected.canonical_request,
        stringToSign: expected.string_to_sign,
        signature: expected.signature,
      });
    });
  }
});

describe('tencent simulation routing', () => {
  const request = (headers: Record<string, string>, path = '/'): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers,
    rawBody: '',
  });

  it('takes requests with X-TC-Action and leaves the others alone', () => {
    expect(tencentSimulation.matches(request({ 'x-tc-action': 'SendSms' }))).toBe(true);
    expect(tencentSimulation.matches(request({ 'x-acs-action': 'SendSms' }))).toBe(false);
    expect(tencentSimulation.matches(request({}, '/?Action=SendSms'))).toBe(false);
    expect(tencentSimulation.matches(request({}, '/2010-04-01/Accounts/AC1/Messages.json'))).toBe(false);
  });
});

describe('tencent simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  interface Options {
    secretId?: string;
    secretKey?: string;
    timestamp?: number;
    body?: Record<string, unknown>;
    /** Replaces the body after signing. */
    sentBody?: string;
    signedHeaders?: Array<[string, string]>;
  }

  async function post(options: Options = {}) {
    const credentials = simulator.credentials.tencent;
    const url = new URL(simulator.url);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const body = JSON.stringify(
      options.body ?? {
        PhoneNumberSet: ['+8613711112222'],
        SmsSdkAppId: credentials.sdkAppId,
        SignName: '腾讯云',
        TemplateId: '1110',
        TemplateParamSet: ['123456', '5'],
      },
    );
    const contentType = 'application/json; charset=utf-8';
    const headers = options.signedHeaders ?? [
      ['content-type', contentType],
      ['host', url.host],
    ];
    const { credentialScope, signature } = tc3Signature({
      secretKey: options.secretKey ?? credentials.secretKey,
      timestamp,
      method: 'POST',
      path: '/',
      query: '',
      headers,
      body,
    });
    const signedHeaderNames = headers
      .map(([name]) => name)
      .sort()
      .join(';');
    const response = await fetch(`${simulator.url}/`, {
      method: 'POST',
      headers: {
        'Content-Type': contentType,
        'X-TC-Action': 'SendSms',
        'X-TC-Version': '2021-01-11',
        'X-TC-Timestamp': String(timestamp),
        'X-TC-Region': 'ap-guangzhou',
        Authorization: `TC3-HMAC-SHA256 Credential=${options.secretId ?? credentials.secretId}/${credentialScope}, SignedHeaders=${signedHeaderNames}, Signature=${signature}`,
      },
      body: options.sentBody ?? body,
    });
    return {
      status: response.status,
      json: (await response.json()) as {
        Response: {
          Error?: { Code: string; Message: string };
          RequestId: string;
          SendStatusSet?: Array<Record<string, unknown>>;
        };
      },
    };
  }

  it('accepts a correctly signed request and records the message', async () => {
    const { status, json } = await post();
    expect(status).toBe(200);
    expect(json.Response.Error).toBeUndefined();
    expect(json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const [entry] = json.Response.SendStatusSet ?? [];
    expect(entry).toMatchObject({ Code: 'Ok', PhoneNumber: '+8613711112222', IsoCode: 'CN', Fee: 1 });
    expect(simulator.messages({ provider: 'tencent' })).toEqual([
      expect.objectContaining({
        to: '+8613711112222',
        text: '1110 ["123456","5"]',
        templateCode: '1110',
        params: ['123456', '5'],
        sender: '腾讯云',
        messageId: entry?.SerialNo,
      }),
    ]);
  });

  it('accepts extra signed headers, as Tencent does', async () => {
    const url = new URL(simulator.url);
    const { json } = await post({
      signedHeaders: [
        ['content-type', 'application/json; charset=utf-8'],
        ['host', url.host],
        ['x-tc-action', 'SendSms'],
      ],
    });
    expect(json.Response.Error).toBeUndefined();
  });

  it('refuses a request signed with the wrong secret (HTTP 200, AuthFailure.SignatureFailure)', async () => {
    const { status, json } = await post({ secretKey: 'wrong-secret' });
    expect(status).toBe(200);
    expect(json.Response.Error).toEqual({
      Code: 'AuthFailure.SignatureFailure',
      Message: 'The provided credentials could not be validated. Please check your signature is correct.',
    });
    expect(json.Response.RequestId).toBeTruthy();
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses a body changed after signing', async () => {
    const credentials = simulator.credentials.tencent;
    const tampered = JSON.stringify({
      PhoneNumberSet: ['+8613799998888'],
      SmsSdkAppId: credentials.sdkAppId,
      SignName: '腾讯云',
      TemplateId: '1110',
      TemplateParamSet: ['123456', '5'],
    });
    const { json } = await post({ sentBody: tampered });
    expect(json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses a host that was not the one requested', async () => {
    const { json } = await post({
      signedHeaders: [
        ['content-type', 'application/json; charset=utf-8'],
        ['host', 'sms.tencentcloudapi.com'],
      ],
    });
    expect(json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses an unknown SecretId and a timestamp more than 5 minutes off', async () => {
    expect((await post({ secretId: 'AKIDunknown' })).json.Response.Error?.Code).toBe('AuthFailure.SecretIdNotFound');
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await post({ timestamp: stale })).json.Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    const slightlyOff = Math.floor(Date.now() / 1000) - 240;
    expect((await post({ timestamp: slightlyOff })).json.Response.Error).toBeUndefined();
  });

  it('checks the SmsSdkAppId and the body', async () => {
    const credentials = simulator.credentials.tencent;
    const base = {
      PhoneNumberSet: ['+8613711112222'],
      SmsSdkAppId: credentials.sdkAppId,
      SignName: 'S',
      TemplateId: '1',
    };
    const code = async (body: Record<string, unknown>) => (await post({ body })).json.Response.Error?.Code;
    expect(await code({ ...base, SmsSdkAppId: '1400999999' })).toBe('UnauthorizedOperation.SmsSdkAppIdVerifyFail');
    expect(await code({ ...base, PhoneNumberSet: [] })).toBe('MissingParameter.EmptyPhoneNumberSet');
    expect(await code({ ...base, TemplateId: undefined })).toBe('MissingParameter');
    expect(await code({ ...base, TemplateParamSet: [123456] })).toBe('InvalidParameter');
    expect(await code({ ...base, Sign: 'S' })).toBe('UnknownParameter');
    expect(await code({ ...base, SignName: undefined })).toBe('FailedOperation.MissingSignature');
    expect(await code({ ...base, PhoneNumberSet: ['+86 137'] })).toBe('InvalidParameterValue.IncorrectPhoneNumber');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('acts out each queued failure with Tencent’s own error', async () => {
    simulator.failNext('tencent', 'rate_limited');
    const limited = await post();
    expect(limited.status).toBe(200);
    expect(limited.json.Response.SendStatusSet?.[0]).toMatchObject({
      Code: 'LimitExceeded.PhoneNumberDailyLimit',
      SerialNo: '',
      PhoneNumber: '+8613711112222',
    });

    simulator.failNext('tencent', 'invalid_number');
    expect((await post()).json.Response.Error?.Code).toBe('InvalidParameterValue.IncorrectPhoneNumber');

    simulator.failNext('tencent', 'rejected');
    expect((await post()).json.Response.Error?.Code).toBe('FailedOperation.TemplateIncorrectOrUnapproved');

    simulator.failNext('tencent', 'server_error');
    const failed = await post();
    expect(failed.status).toBe(500);
    expect(failed.json.Response.Error?.Code).toBe('InternalError');

    expect(simulator.messages()).toHaveLength(0);
    expect((await post()).json.Response.SendStatusSet?.[0]?.Code).toBe('Ok');
  });

  it('hangs when told to', async () => {
    simulator.failNext('tencent', 'hang');
    const outcome = await Promise.race([
      post().then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(outcome).toBe('still waiting');
  });
});
