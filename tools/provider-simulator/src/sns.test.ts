import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aliyunSimulation } from './aliyun.ts';
import { plivoSimulation } from './plivo.ts';
import { sinchSimulation } from './sinch.ts';
import { sigV4Signature, snsSimulation } from './sns.ts';
import { tencentSimulation } from './tencent.ts';
import { useProviderSimulator } from './testing.ts';
import { twilioSimulation } from './twilio.ts';
import type { SimulatedRequest } from './types.ts';
import { vonageSimulation } from './vonage.ts';

interface Vector {
  id: string;
  context: { credentials: { secret_access_key: string }; normalize: boolean; region: string; service: string };
  signed_request: string;
  canonical_request: string;
  string_to_sign: string;
  signature: string;
}

const vectors = (
  JSON.parse(
    readFileSync(new URL('../../../packages/connectors/aws-sns-sms/sigv4-vectors.json', import.meta.url), 'utf8'),
  ) as { vectors: Vector[] }
).vectors;

/** Method, path, query, headers and body of a suite request, as the verifier receives them. */
function suiteRequest(vector: Vector) {
  const [head = '', ...body] = vector.signed_request.split('\n\n');
  const [requestLine = '', ...lines] = head.split('\n');
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' HTTP/'));
  const authorization = lines.find((line) => line.startsWith('Authorization:')) ?? '';
  const signed = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '').split(';');
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const last = headers.at(-1);
    if (/^\s/.test(line) && last) last[1] += ` ${line}`;
    else headers.push([line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]);
  }
  const [path = '', query = ''] = target.split('?');
  return {
    method: requestLine.slice(0, requestLine.indexOf(' ')),
    path,
    query,
    // Like the simulator, take only the headers the Authorization line names.
    headers: headers.filter(([name]) => signed.includes(name.toLowerCase())),
    body: body.join('\n\n'),
    amzDate: headers.find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1] ?? '',
  };
}

describe("the simulator's SigV4 verifier", () => {
  // S3-style unnormalised paths are not how SNS signs; the connector's test explains the same skip.
  for (const vector of vectors.filter((candidate) => candidate.context.normalize)) {
    it(`computes the suite's signature of ${vector.id}`, () => {
      const request = suiteRequest(vector);
      expect(
        sigV4Signature({
          ...request,
          secretAccessKey: vector.context.credentials.secret_access_key,
          region: vector.context.region,
          service: vector.context.service,
        }),
      ).toEqual({
        canonicalRequest: vector.canonical_request,
        stringToSign: vector.string_to_sign,
        signature: vector.signature,
      });
    });
  }
});

const snsAuthorization =
  'AWS4-HMAC-SHA256 Credential=AKIASIMULATOR0000001/20260101/us-east-1/sns/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=00';
const publishBody = 'Action=Publish&Version=2010-03-31&PhoneNumber=%2B14155550123&Message=hi';

describe('sns simulation routing', () => {
  const request = (headers: Record<string, string>, rawBody = '', path = '/'): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers,
    rawBody,
  });
  const sns = request({ authorization: snsAuthorization }, publishBody);

  it('takes SigV4 requests scoped to sns and unsigned Publish forms', () => {
    expect(snsSimulation.matches(sns)).toBe(true);
    expect(snsSimulation.matches(request({}, publishBody))).toBe(true);
  });

  it("leaves Aliyun's, Tencent's, other AWS services' and the path-routed providers' requests alone", () => {
    const aliyunRpc = request({}, 'Action=SendSms&Version=2017-05-25&AccessKeyId=LTAI5t&PhoneNumbers=1');
    const aliyunAcs3 = request({ 'x-acs-action': 'SendSms', authorization: 'ACS3-HMAC-SHA256 Credential=LTAI5t' });
    const tencent = request({
      'x-tc-action': 'SendSms',
      authorization: 'TC3-HMAC-SHA256 Credential=AKID/2026-01-01/sms/tc3_request',
    });
    const sqs = request({ authorization: snsAuthorization.replace('/sns/', '/sqs/') }, 'Action=SendMessage');
    const twilio = request({}, 'To=%2B1&Body=hi', '/2010-04-01/Accounts/AC1/Messages.json');
    for (const other of [aliyunRpc, aliyunAcs3, tencent, sqs, twilio]) expect(snsSimulation.matches(other)).toBe(false);
  });

  it("is not taken by another provider's simulation", () => {
    for (const other of [
      twilioSimulation,
      aliyunSimulation,
      tencentSimulation,
      vonageSimulation,
      plivoSimulation,
      sinchSimulation,
    ]) {
      expect(other.matches(sns)).toBe(false);
      expect(other.matches(request({}, publishBody))).toBe(false);
    }
  });
});

describe('sns simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  /** A Publish signed with the verifier's own signer (checked against the suite above). */
  async function publish(
    options: {
      form?: Record<string, string>;
      secret?: string;
      accessKeyId?: string;
      region?: string;
      date?: Date;
      extraHeaders?: Record<string, string>;
      signToken?: string;
      /** Sent instead of the signed body. */
      sendBody?: string;
    } = {},
  ) {
    const { accessKeyId, secretAccessKey, region } = simulator.credentials.sns;
    const url = new URL('/', simulator.url);
    const body = new URLSearchParams(
      options.form ?? {
        Action: 'Publish',
        Version: '2010-03-31',
        PhoneNumber: '+14155550123',
        Message: 'Your code is 123456',
        'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
        'MessageAttributes.entry.1.Value.DataType': 'String',
        'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      },
    ).toString();
    const amzDate = (options.date ?? new Date())
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
    const signedRegion = options.region ?? region;
    const headers: Array<[string, string]> = [
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ['host', url.host],
      ['x-amz-date', amzDate],
    ];
    if (options.signToken) headers.push(['x-amz-security-token', options.signToken]);
    const { signature } = sigV4Signature({
      secretAccessKey: options.secret ?? secretAccessKey,
      amzDate,
      region: signedRegion,
      service: 'sns',
      method: 'POST',
      path: '/',
      query: '',
      headers,
      body,
    });
    const names = headers.map(([name]) => name).join(';');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        ...Object.fromEntries(headers.filter(([name]) => name !== 'host')),
        authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? accessKeyId}/${amzDate.slice(0, 8)}/${signedRegion}/sns/aws4_request, SignedHeaders=${names}, Signature=${signature}`,
        ...options.extraHeaders,
      },
      body: options.sendBody ?? body,
    });
    const text = await response.text();
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text,
      code: field('Code'),
      messageId: field('MessageId'),
    };
  }

  it('publishes (200, PublishResponse XML) and records the message', async () => {
    const result = await publish();
    expect(result).toMatchObject({ status: 200, type: 'text/xml', code: undefined });
    expect(result.text).toContain('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(simulator.messages({ provider: 'sns' })).toMatchObject([
      { to: '+14155550123', text: 'Your code is 123456', messageId: result.messageId },
    ]);
  });

  it('accepts a signed session token and refuses one sent unsigned', async () => {
    expect((await publish({ signToken: 'token-1' })).status).toBe(200);
    const unsigned = await publish({ extraHeaders: { 'x-amz-security-token': 'token-1' } });
    expect(unsigned).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('answers the authentication errors AWS answers', async () => {
    const wrongSecret = await publish({ secret: 'not-the-secret' });
    expect(wrongSecret).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(wrongSecret.text).toContain('<Type>Sender</Type>');
    expect(await publish({ accessKeyId: 'AKIAUNKNOWN000000000' })).toMatchObject({
      status: 403,
      code: 'InvalidClientTokenId',
    });
    expect(await publish({ region: 'eu-west-1' })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const stale = await publish({ date: new Date(Date.now() - 20 * 60 * 1000) });
    expect(stale).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(stale.text).toContain('Signature expired');
    // The body changed after signing: the payload hash no longer matches.
    expect(await publish({ sendBody: publishBody })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const malformed = await fetch(new URL('/', simulator.url), {
      method: 'POST',
      body: publishBody,
      headers: { authorization: 'AWS4-HMAC-SHA256 junk' },
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('<Code>IncompleteSignature</Code>');
    const unsigned = await fetch(new URL('/', simulator.url), { method: 'POST', body: publishBody });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('checks the Publish parameters as SNS does for an SMS', async () => {
    const base = { Action: 'Publish', Version: '2010-03-31', PhoneNumber: '+14155550123', Message: 'x' };
    expect(await publish({ form: { ...base, PhoneNumber: '0123' } })).toMatchObject({
      status: 400,
      code: 'InvalidParameter',
    });
    expect(await publish({ form: { ...base, Message: '' } })).toMatchObject({ status: 400, code: 'InvalidParameter' });
    expect(await publish({ form: { ...base, Action: 'Subscribe' } })).toMatchObject({
      status: 400,
      code: 'InvalidAction',
    });
    const badSender = await publish({
      form: {
        ...base,
        'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SenderID',
        'MessageAttributes.entry.1.Value.DataType': 'String',
        'MessageAttributes.entry.1.Value.StringValue': 'Pass-line!',
      },
    });
    expect(badSender).toMatchObject({ status: 400, code: 'InvalidParameter' });
    expect(badSender.text).toContain('SenderID');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('acts out the queued failures', async () => {
    simulator.failNext('sns', 'rate_limited');
    simulator.failNext('sns', 'invalid_number');
    simulator.failNext('sns', 'rejected');
    simulator.failNext('sns', 'server_error');
    expect(await publish()).toMatchObject({ status: 400, code: 'Throttling' });
    const invalid = await publish();
    expect(invalid).toMatchObject({ status: 400, code: 'InvalidParameter' });
    expect(invalid.text).toContain('PhoneNumber');
    expect(await publish()).toMatchObject({ status: 400, code: 'OptedOut' });
    expect(await publish()).toMatchObject({ status: 500, code: 'InternalError' });
    expect((await publish()).status).toBe(200);
  });

  it('hangs when told to', async () => {
    simulator.failNext('sns', 'hang');
    const body = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31' }).toString();
    await expect(
      fetch(new URL('/', simulator.url), { method: 'POST', body, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
  });
});
