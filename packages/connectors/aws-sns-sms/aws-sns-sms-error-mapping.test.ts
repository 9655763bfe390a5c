import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { commonErrorsUrl, publishErrorsUrl } from './errors.ts';
import { awsSnsSmsConnector } from './index.ts';
import { context, errorResponse, plainConfig, publishResponse } from './test-helpers.ts';

describe('aws-sns-sms request and error mapping', () => {
  const config = parseConnectorConfig(awsSnsSmsConnector, { ...plainConfig, senderId: 'Passline' });
  const to = '+447700900123';

  /** A fetch that answers once with a canned SNS reply and keeps the request it got. */
  function answering(status: number, body: string, headers: Record<string, string> = {}) {
    const seen: Request[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(body, { status, headers: { 'content-type': 'text/xml', ...headers } });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }

  const sendWith = (fakeFetch: typeof fetch, withConfig = config) =>
    expectConnectorError(
      awsSnsSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '123456' } }, withConfig, {
        ...context,
        fetch: fakeFetch,
      }),
    );
  const failing = (status: number, code: string, message = 'text from AWS') =>
    sendWith(answering(status, errorResponse(code, message)).fetch);

  it('posts a signed Publish form with the SMS attributes to the region host', async () => {
    const { fetch: fakeFetch, seen } = answering(200, publishResponse('8f3a1b2c-0000-4000-8000-00000000abcd'));
    const before = new Date();
    const result = await awsSnsSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '987654' } }, config, {
      ...context,
      fetch: fakeFetch,
    });
    expect(result.messageId).toBe('8f3a1b2c-0000-4000-8000-00000000abcd');
    const request = seen[0] as Request;
    expect(request.url).toBe('https://sns.eu-west-1.amazonaws.com/');
    expect(request.method).toBe('POST');
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(Object.fromEntries(new URLSearchParams(await request.text()))).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: to,
      Message: 'Sign-in code: 987654',
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'Passline',
    });
    const amzDate = request.headers.get('x-amz-date') ?? '';
    expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
    expect(amzDate.slice(0, 8)).toBe(before.toISOString().slice(0, 10).replace(/-/g, ''));
    expect(request.headers.get('authorization')).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${amzDate.slice(0, 8)}/eu-west-1/sns/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(request.headers.get('x-amz-security-token')).toBeNull();
  });

  it('sends and signs the session token of temporary credentials, and the origination number', async () => {
    const { fetch: fakeFetch, seen } = answering(200, publishResponse('id-1'));
    const temporary = parseConnectorConfig(awsSnsSmsConnector, {
      ...plainConfig,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN==',
      originationNumber: '+12065550100',
      smsType: 'Promotional',
    });
    await awsSnsSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '1' } }, temporary, {
      ...context,
      fetch: fakeFetch,
    });
    const request = seen[0] as Request;
    expect(request.headers.get('x-amz-security-token')).toBe('FwoGZXIvYXdzEXAMPLETOKEN==');
    expect(request.headers.get('authorization')).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,',
    );
    const form = new URLSearchParams(await request.text());
    expect(form.get('MessageAttributes.entry.1.Value.StringValue')).toBe('Promotional');
    expect(form.get('MessageAttributes.entry.2.Name')).toBe('AWS.MM.SMS.OriginationNumber');
    expect(form.get('MessageAttributes.entry.2.Value.StringValue')).toBe('+12065550100');
  });

  it('keeps a Publish answered without a MessageId as sent (null id), never as a failure to resend', async () => {
    const body =
      '<PublishResponse><PublishResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>';
    const result = await awsSnsSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '1' } }, config, {
      ...context,
      fetch: answering(200, body).fetch,
    });
    expect(result.messageId).toBeNull();
  });

  it('reads namespace-prefixed XML and decodes entities in AWS text', async () => {
    const body =
      '<?xml version="1.0"?><sns:ErrorResponse xmlns:sns="x"><sns:Error><sns:Type>Sender</sns:Type><sns:Code>InvalidParameter</sns:Code><sns:Message>Invalid parameter: PhoneNumber Reason: &lt;+1&gt; &amp; &#x41;&#66;</sns:Message></sns:Error><sns:RequestId>req-7</sns:RequestId></sns:ErrorResponse>';
    const error = await sendWith(answering(400, body).fetch);
    expect(error).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'InvalidParameter',
      providerMessage: 'Invalid parameter: PhoneNumber Reason: <+1> & AB',
      providerRequestId: 'req-7',
    });
  });

  it('maps an invalid phone number (InvalidParameter naming PhoneNumber) to invalid_recipient with code, text, request id and link', async () => {
    const text = `Invalid parameter: PhoneNumber Reason: ${to} is not valid to publish to`;
    const error = await failing(400, 'InvalidParameter', text);
    expect(error).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'InvalidParameter',
      providerMessage: text,
      providerRequestId: '9b9c4b4e-0e3a-5f2b-8d2a-5d1c3b0f9e11',
      httpStatus: 400,
    });
    expect(error.message).toContain(to);
    expect(error.message).toContain(publishErrorsUrl);
  });

  it('maps refused sender settings to invalid_config, other parameter errors to provider_rejected', async () => {
    const sender = await failing(400, 'InvalidParameter', 'Invalid parameter: SenderID Reason: not allowed');
    expect(sender).toMatchObject({ kind: 'invalid_config' });
    expect(sender.message).toContain('Passline');
    expect(await failing(400, 'InvalidParameterValue', 'Invalid parameter: OriginationNumber')).toMatchObject({
      kind: 'invalid_config',
    });
    expect(await failing(400, 'InvalidParameter', 'Invalid parameter: Message too long')).toMatchObject({
      kind: 'provider_rejected',
    });
    expect(await failing(400, 'ValidationException')).toMatchObject({ kind: 'provider_rejected' });
  });

  it('maps an opted-out number (OptedOut, or InvalidParameter saying so) to provider_rejected', async () => {
    const error = await failing(400, 'OptedOut', 'Phone number is opted out');
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: 'OptedOut' });
    expect(error.message).toContain('opted out');
    expect(await failing(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber is opted out')).toMatchObject({
      kind: 'provider_rejected',
    });
  });

  it('maps the credential and signature errors (403) to invalid_config naming the field to check', async () => {
    const unknown = await failing(
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
    expect(unknown).toMatchObject({ kind: 'invalid_config', httpStatus: 403 });
    expect(unknown.message).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(unknown.message).toContain(commonErrorsUrl);
    expect((await failing(403, 'SignatureDoesNotMatch')).message).toContain('secretAccessKey');
    expect((await failing(400, 'IncompleteSignature')).kind).toBe('invalid_config');
    expect((await failing(403, 'InvalidSecurity')).kind).toBe('invalid_config');
    expect((await failing(403, 'MissingAuthenticationToken')).kind).toBe('invalid_config');
    expect((await failing(403, 'ExpiredToken')).message).toContain('sessionToken');
    expect((await failing(400, 'RequestExpired')).message).toContain('clock');
    expect((await failing(403, 'OptInRequired')).kind).toBe('invalid_config');
  });

  it('maps a missing permission (AuthorizationError) to invalid_config naming sns:Publish and the sandbox', async () => {
    const error = await failing(403, 'AuthorizationError', 'User is not authorized to perform: SNS:Publish');
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'AuthorizationError' });
    expect(error.message).toContain('sns:Publish');
    expect(error.message).toContain('sandbox');
    expect((await failing(403, 'AccessDeniedException')).kind).toBe('invalid_config');
    // A 403 without an SNS body is still a refusal of the credentials.
    expect(await sendWith(answering(403, '').fetch)).toMatchObject({ kind: 'invalid_config', httpStatus: 403 });
  });

  it('maps the KMS errors to invalid_config, and KMS throttling to rate_limited', async () => {
    for (const code of ['KMSAccessDenied', 'KMSDisabled', 'KMSInvalidState', 'KMSNotFound', 'KMSOptInRequired']) {
      expect(await failing(400, code)).toMatchObject({ kind: 'invalid_config', providerCode: code });
    }
    expect(await failing(400, 'KMSThrottling')).toMatchObject({ kind: 'rate_limited' });
  });

  it('maps throttling (400 Throttling, 429 Throttled, a bare 429) to rate_limited and keeps Retry-After', async () => {
    const error = await sendWith(
      answering(400, errorResponse('Throttling', 'Rate exceeded'), { 'Retry-After': '2' }).fetch,
    );
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'Throttling',
      retryAfterSeconds: 2,
      httpStatus: 400,
    });
    for (const code of ['ThrottlingException', 'Throttled', 'ThrottledException', 'RequestLimitExceeded']) {
      expect(await failing(429, code)).toMatchObject({ kind: 'rate_limited', providerCode: code });
    }
    expect(await sendWith(answering(429, '').fetch)).toMatchObject({ kind: 'rate_limited' });
  });

  it('maps server errors (InternalError, InternalFailure, ServiceUnavailable, any 5xx) to provider_unavailable', async () => {
    expect(await failing(500, 'InternalError', 'Internal Error')).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 500,
    });
    expect(await failing(500, 'InternalFailure')).toMatchObject({ kind: 'provider_unavailable' });
    expect(await failing(503, 'ServiceUnavailable')).toMatchObject({ kind: 'provider_unavailable', httpStatus: 503 });
    expect(await sendWith(answering(502, '<html>Bad Gateway</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 502,
    });
  });

  it('maps malformed-request and push-only errors to provider_rejected', async () => {
    for (const code of [
      'MissingAction',
      'InvalidAction',
      'MissingParameter',
      'MalformedQueryString',
      'InvalidParameterCombination',
    ]) {
      const error = await failing(400, code);
      expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: code });
      expect(error.message).toContain('proxy');
    }
    for (const code of ['EndpointDisabled', 'PlatformApplicationDisabled', 'NotFound']) {
      expect(await failing(400, code)).toMatchObject({ kind: 'provider_rejected', providerCode: code });
    }
  });

  it('maps an answer that is not SNS XML (a 2xx page, a bare 404) to provider_unavailable', async () => {
    expect(await sendWith(answering(200, '<html>captive portal</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 200,
    });
    expect(await sendWith(answering(404, 'Not Found').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
  });

  it("maps a code it does not know to provider_rejected, keeping AWS's code and text", async () => {
    const error = await failing(400, 'SomeNewError', 'new');
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: 'SomeNewError', providerMessage: 'new' });
  });
});
