import { readFileSync } from 'node:fs';
import { type ConnectorContext, ConnectorError, parseConnectorConfig } from '@passline/connector-kit';
import { describe, expect, it } from 'vitest';
import { type SendContext, tencentError } from './errors.ts';
import { tencentSmsConnector } from './index.ts';

const examples = (
  JSON.parse(readFileSync(new URL('../../../test/provider-vectors/tencent.json', import.meta.url), 'utf8')) as {
    response_examples: Array<{ id: string; http_status: number; body: unknown }>;
  }
).response_examples;

const sendContext: SendContext = {
  to: '+8613711112222',
  templateId: '1110',
  signName: 'Passline',
  sdkAppId: '1400006666',
  region: 'ap-guangzhou',
  endpoint: 'https://sms.tencentcloudapi.com',
};

function kindOf(code: string) {
  return tencentError({ code, message: 'm', requestId: 'r', httpStatus: 200 }, sendContext).kind;
}

describe('Tencent error codes', () => {
  it.each([
    ['LimitExceeded.PhoneNumberDailyLimit', 'rate_limited'],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'rate_limited'],
    ['LimitExceeded.PhoneNumberOneHourLimit', 'rate_limited'],
    ['LimitExceeded.DeliveryFrequencyLimit', 'rate_limited'],
    ['RequestLimitExceeded', 'rate_limited'],
    ['RequestLimitExceeded.IPLimitExceeded', 'rate_limited'],
    ['InvalidParameterValue.IncorrectPhoneNumber', 'invalid_recipient'],
    ['UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber', 'invalid_recipient'],
    ['UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone', 'invalid_recipient'],
    ['FailedOperation.PhoneNumberInBlacklist', 'invalid_recipient'],
    ['LimitExceeded.AppCountryOrRegionInBlacklist', 'invalid_recipient'],
    ['AuthFailure.SignatureFailure', 'invalid_config'],
    ['AuthFailure.SecretIdNotFound', 'invalid_config'],
    ['AuthFailure.SignatureExpire', 'invalid_config'],
    ['AuthFailure.UnauthorizedOperation', 'invalid_config'],
    ['AuthFailure.MFAFailure', 'invalid_config'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'invalid_config'],
    ['FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'invalid_config'],
    ['FailedOperation.TemplateParamSetNotMatchApprovedTemplat', 'invalid_config'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'invalid_config'],
    ['FailedOperation.MissingSignature', 'invalid_config'],
    ['FailedOperation.MissingSignatureList', 'invalid_config'],
    ['InvalidParameterValue.TemplateParameterFormatError', 'invalid_config'],
    ['InvalidParameterValue.SdkAppIdNotExist', 'invalid_config'],
    ['UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'invalid_config'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'provider_rejected'],
    ['FailedOperation.ContainSensitiveWord', 'provider_rejected'],
    ['UnauthorizedOperation.ServiceSuspendDueToArrears', 'provider_rejected'],
    ['UnauthorizedOperation.RequestPermissionDeny', 'provider_rejected'],
    ['LimitExceeded.PhoneNumberCountLimit', 'provider_rejected'],
    ['SomethingNew.NeverSeen', 'provider_rejected'],
    ['InternalError', 'provider_unavailable'],
    ['InternalError.Timeout', 'provider_unavailable'],
  ])('%s → %s', (code, kind) => {
    expect(kindOf(code)).toBe(kind);
  });

  it("keeps Tencent's code, message and request id, and names what to fix", () => {
    const error = tencentError(
      { code: 'FailedOperation.SignatureIncorrectOrUnapproved', message: 'sig', requestId: 'req-1', httpStatus: 200 },
      sendContext,
    );
    expect(error).toMatchObject({
      providerCode: 'FailedOperation.SignatureIncorrectOrUnapproved',
      providerMessage: 'sig',
      providerRequestId: 'req-1',
      httpStatus: 200,
    });
    expect(error.message).toContain('"Passline"');
    expect(error.message).toContain('signName');
    const template = tencentError(
      {
        code: 'FailedOperation.TemplateIncorrectOrUnapproved',
        message: undefined,
        requestId: undefined,
        httpStatus: 200,
      },
      sendContext,
    );
    expect(template.message).toContain('template 1110');
  });

  it('gives every throttling code a retry hint: the window the code names, else a minute', () => {
    const error = (code: string) =>
      tencentError({ code, message: undefined, requestId: undefined, httpStatus: 200 }, sendContext);
    expect(error('LimitExceeded.PhoneNumberThirtySecondLimit').retryAfterSeconds).toBe(30);
    expect(error('LimitExceeded.PhoneNumberOneHourLimit').retryAfterSeconds).toBe(3600);
    expect(error('LimitExceeded.PhoneNumberDailyLimit').retryAfterSeconds).toBe(86_400);
    expect(error('LimitExceeded.AppDailyLimit').retryAfterSeconds).toBe(86_400);
    expect(error('LimitExceeded.DeliveryFrequencyLimit').retryAfterSeconds).toBe(60);
    expect(error('RequestLimitExceeded').retryAfterSeconds).toBe(60);
    // Not throttling, so no hint.
    expect(error('LimitExceeded.PhoneNumberCountLimit').retryAfterSeconds).toBeUndefined();
    expect(error('LimitExceeded.AppCountryOrRegionInBlacklist').retryAfterSeconds).toBeUndefined();
  });
});

describe("Tencent's published response examples", () => {
  const config = parseConnectorConfig(tencentSmsConnector, {
    accessKeyId: 'AKIDexampleid',
    accessKeySecret: 'example-secret',
    sdkAppId: '1400006666',
    signName: 'Passline',
    templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
      usageType,
      templateCode: '1110',
    })),
  });

  function answering(status: number, body: unknown): ConnectorContext {
    return {
      fetch: (async () =>
        new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })) as unknown as typeof fetch,
      logger: { info() {}, warn() {} },
      outbox: { record: async () => {} },
    };
  }

  async function send(status: number, body: unknown) {
    return tencentSmsConnector
      .sendMessage(
        { to: '+8618501234444', usage: 'SignIn', payload: { code: '4370' } },
        config,
        answering(status, body),
      )
      .then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error: error as ConnectorError }),
      );
  }

  function example(id: string) {
    const found = examples.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`missing response example ${id}`);
    return found;
  }

  it('returns the SerialNo of the success example', async () => {
    const { http_status, body } = example('tencent-sendsms-doc-success');
    expect((await send(http_status, body)).result).toEqual({ messageId: '5000:1045710669157053657849499619' });
  });

  it('maps the per-number failure example to a template problem', async () => {
    const { http_status, body } = example('tencent-sendsms-doc-failure-per-number');
    const { error } = await send(http_status, body);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
      providerMessage: 'request content does not match the template content',
      providerRequestId: '4e394811-9ebd-4d66-98ee-730b21c4a681',
    });
  });

  it('maps the common error example (HTTP 200 with Response.Error)', async () => {
    const { http_status, body } = example('tencent-common-error');
    const { error } = await send(http_status, body);
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'AuthFailure.SignatureFailure',
      providerRequestId: 'ed93f3cb-f35e-473f-b9f3-0d451b8b79c6',
      httpStatus: 200,
    });
  });

  it('treats InternalError in a 200 body, HTTP 5xx and unparseable bodies as provider_unavailable', async () => {
    const internal = await send(200, {
      Response: { Error: { Code: 'InternalError.OtherError', Message: 'x' }, RequestId: 'r' },
    });
    expect(internal.error?.kind).toBe('provider_unavailable');
    const serverError = await send(503, '<html>busy</html>');
    expect(serverError.error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 503 });
    const garbage = await send(200, 'not json');
    expect(garbage.error?.kind).toBe('provider_unavailable');
    const noStatus = await send(200, { Response: { RequestId: 'r' } });
    expect(noStatus.error).toMatchObject({ kind: 'provider_unavailable', providerRequestId: 'r' });
  });

  it('gives a bare HTTP 429 (from Tencent or a proxy) a minute to wait', async () => {
    const { error } = await send(429, 'Too Many Requests');
    expect(error).toMatchObject({ kind: 'rate_limited', httpStatus: 429, retryAfterSeconds: 60 });
  });

  it('does not turn an accepted message into a failure when the SerialNo is missing', async () => {
    const { result } = await send(200, { Response: { SendStatusSet: [{ Code: 'Ok', SerialNo: '' }], RequestId: 'r' } });
    expect(result).toEqual({ messageId: null });
  });
});
