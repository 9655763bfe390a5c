import { readFileSync } from 'node:fs';
import {
  type ConnectorContext,
  ConnectorError,
  parseConnectorConfig,
  requiredUsageTypes,
} from '@passline/connector-kit';
import { describeConnectorConformance } from '@passline/connector-kit/conformance';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aliyunSmsConnector } from './index.ts';

const templates = [
  { usageType: 'Register', templateCode: 'SMS_100000001' },
  { usageType: 'SignIn', templateCode: 'SMS_100000002' },
  { usageType: 'ForgotPassword', templateCode: 'SMS_100000003' },
  { usageType: 'Generic', templateCode: { china: 'SMS_100000004', overseas: 'SMS_200000004' } },
];

const context: ConnectorContext = {
  fetch: globalThis.fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

function rawConfig(simulator: ProviderSimulator, overrides: Record<string, unknown> = {}) {
  return {
    accessKeyId: simulator.credentials.aliyun.accessKeyId,
    accessKeySecret: simulator.credentials.aliyun.accessKeySecret,
    signName: 'Passline',
    templates,
    endpoint: simulator.url,
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('aliyun-sms against the provider simulator', () => {
  let simulator: ProviderSimulator;
  beforeAll(async () => {
    simulator = await startProviderSimulator();
  });
  afterAll(() => simulator.close());
  beforeEach(() => simulator.reset());

  const send = (to: string, usage: string, config: Record<string, unknown> = {}, code = '123456') =>
    aliyunSmsConnector.sendMessage(
      { to, usage, payload: { code } },
      parseConnectorConfig(aliyunSmsConnector, rawConfig(simulator, config)),
      context,
    );

  for (const signatureVersion of ['acs3', 'v1'] as const) {
    describe(`signed with ${signatureVersion}`, () => {
      it('sends each usage with its template code, the sign name and {"code"} as TemplateParam', async () => {
        for (const [index, usage] of requiredUsageTypes.entries()) {
          const code = String(200000 + index);
          const result = await send('+8613800138000', usage, { signatureVersion }, code);
          const delivered = simulator.messages({ provider: 'aliyun' }).at(-1);
          const expectedCode = usage === 'Generic' ? 'SMS_100000004' : templates[index]?.templateCode;
          expect(delivered).toMatchObject({
            to: '13800138000',
            templateCode: expectedCode,
            params: { code },
            sender: 'Passline',
            text: `${expectedCode} {"code":"${code}"}`,
          });
          expect(result.messageId).toBe(delivered?.messageId);
          expect(result.messageId).toMatch(/^\d+\^0$/);
        }
        expect(simulator.messages({ provider: 'aliyun' })).toHaveLength(requiredUsageTypes.length);
      });

      it('sends a wrong secret to invalid_config with Aliyun SignatureDoesNotMatch', async () => {
        const error = await caught(send('+8613800138000', 'SignIn', { signatureVersion, accessKeySecret: 'wrong' }));
        expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'SignatureDoesNotMatch', httpStatus: 400 });
        expect(error.providerRequestId).toMatch(/^[0-9A-F-]{36}$/);
        expect(error.message).toMatch(/AccessKey secret/);
        expect(simulator.messages()).toEqual([]);
      });

      it('sends an unknown AccessKey ID to invalid_config with InvalidAccessKeyId.NotFound', async () => {
        const error = await caught(
          send('+8613800138000', 'SignIn', { signatureVersion, accessKeyId: 'LTAI5tUnknown' }),
        );
        expect(error).toMatchObject({
          kind: 'invalid_config',
          providerCode: 'InvalidAccessKeyId.NotFound',
          httpStatus: 404,
        });
        expect(error.message).toMatch(/AccessKey ID/);
      });
    });
  }

  it('sends international numbers as country code + number with the overseas template', async () => {
    // +1 862 is a US area code; as digits it could pass for a China Unicom 186 number.
    await send('+18625550100', 'Generic');
    await send('+85291234567', 'Generic');
    await send('+8613800138000', 'Generic');
    expect(simulator.messages().map((message) => [message.to, message.templateCode])).toEqual([
      ['18625550100', 'SMS_200000004'],
      ['85291234567', 'SMS_200000004'],
      ['13800138000', 'SMS_100000004'],
    ]);
  });

  it('sends the PhoneChanged notice with its own template code and no TemplateParam', async () => {
    await aliyunSmsConnector.sendMessage(
      { to: '+8613800138000', usage: 'PhoneChanged', payload: {} },
      parseConnectorConfig(
        aliyunSmsConnector,
        rawConfig(simulator, {
          templates: [...templates, { usageType: 'PhoneChanged', templateCode: 'SMS_100000009' }],
        }),
      ),
      context,
    );
    expect(simulator.messages().at(-1)).toMatchObject({
      templateCode: 'SMS_100000009',
      params: {},
      text: 'SMS_100000009',
    });
  });

  it('never sends the PhoneChanged notice through the Generic template', async () => {
    const error = await caught(
      aliyunSmsConnector.sendMessage(
        { to: '+8613800138000', usage: 'PhoneChanged', payload: {} },
        parseConnectorConfig(aliyunSmsConnector, rawConfig(simulator)),
        context,
      ),
    );
    expect(error.kind).toBe('template_not_found');
    expect(simulator.messages()).toEqual([]);
  });

  it('falls back to the Generic template for a usage without one', async () => {
    await send('+8613800138000', 'MfaVerification');
    expect(simulator.messages().at(-1)?.templateCode).toBe('SMS_100000004');
  });

  const failures = [
    ['rate_limited', 'rate_limited', 'isv.BUSINESS_LIMIT_CONTROL', 200],
    ['invalid_number', 'invalid_recipient', 'isv.MOBILE_NUMBER_ILLEGAL', 200],
    ['rejected', 'invalid_config', 'isv.SMS_TEMPLATE_ILLEGAL', 200],
    ['server_error', 'provider_unavailable', 'ServiceUnavailable', 503],
  ] as const;
  for (const [mode, kind, providerCode, httpStatus] of failures) {
    it(`maps the simulator's ${mode} to ${kind} (${providerCode})`, async () => {
      simulator.failNext('aliyun', mode);
      const error = await caught(send('+8613800138000', 'SignIn'));
      expect(error).toMatchObject({ kind, providerCode, httpStatus });
      expect(error.providerMessage).toBeTruthy();
      expect(error.providerRequestId).toBeTruthy();
      expect(error.message).toContain(providerCode);
      expect(simulator.messages()).toEqual([]);
    });
  }

  it('names the template code when Aliyun refuses the template', async () => {
    simulator.failNext('aliyun', 'rejected');
    const error = await caught(send('+8613800138000', 'SignIn'));
    expect(error.message).toMatch(/template code/);
  });

  it('reports a provider that does not answer in time as timeout', async () => {
    simulator.failNext('aliyun', 'hang');
    const error = await caught(send('+8613800138000', 'SignIn', { timeoutMs: 1000 }));
    expect(error.kind).toBe('timeout');
  });
});

describe('aliyun-sms response handling', () => {
  const config = parseConnectorConfig(aliyunSmsConnector, {
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    signName: 'Passline',
    templates,
  });
  const answering = (status: number, body: string, headers: Record<string, string> = {}): ConnectorContext => ({
    ...context,
    fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } }),
  });
  const sendWith = (ctx: ConnectorContext) =>
    aliyunSmsConnector.sendMessage({ to: '+8613800138000', usage: 'SignIn', payload: { code: '123456' } }, config, ctx);

  const examples = JSON.parse(
    readFileSync(new URL('../../../test/provider-vectors/aliyun.json', import.meta.url), 'utf8'),
  ) as { response_examples: Array<{ id: string; http_status: number; body: Record<string, string> }> };
  const example = (id: string) => {
    const found = examples.response_examples.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no response example ${id}`);
    return found;
  };

  it("returns the BizId of Aliyun's documented success body", async () => {
    const ok = example('aliyun-sendsms-ok');
    await expect(sendWith(answering(ok.http_status, JSON.stringify(ok.body)))).resolves.toEqual({
      messageId: ok.body.BizId,
    });
  });

  it("maps Aliyun's real flow-control body to rate_limited", async () => {
    const limited = example('aliyun-sendsms-business-error');
    const error = await caught(sendWith(answering(limited.http_status, JSON.stringify(limited.body))));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'isv.BUSINESS_LIMIT_CONTROL',
      providerMessage: limited.body.Message,
      providerRequestId: limited.body.RequestId,
      // "触发小时级流控": the hourly flow control, so an hour is what the caller has to wait.
      retryAfterSeconds: 3600,
    });
  });

  it('gives every throttling answer a Retry-After: a header, the window Aliyun names, or a minute', async () => {
    const limited = (message: string, headers: Record<string, string> = {}) =>
      caught(
        sendWith(answering(200, JSON.stringify({ Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: message }), headers)),
      );
    expect((await limited('触发分钟级流控Permits:1')).retryAfterSeconds).toBe(60);
    expect((await limited('触发天级流控Permits:10')).retryAfterSeconds).toBe(86_400);
    expect((await limited('触发天级流控Permits:10', { 'Retry-After': '120' })).retryAfterSeconds).toBe(120);
    expect((await limited('flow control')).retryAfterSeconds).toBe(60);
    const throttled = await caught(
      sendWith(answering(400, '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}')),
    );
    expect(throttled).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 60 });
    const refused = await caught(sendWith(answering(200, '{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"x"}')));
    expect(refused.retryAfterSeconds).toBeUndefined();
  });

  it("maps Aliyun's real SignatureDoesNotMatch body to invalid_config", async () => {
    const mismatch = example('aliyun-gateway-signature-error');
    const error = await caught(sendWith(answering(mismatch.http_status, JSON.stringify(mismatch.body))));
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerRequestId: mismatch.body.RequestId,
      httpStatus: 400,
    });
  });

  const codes = [
    [200, 'isp.SYSTEM_ERROR', 'provider_unavailable'],
    [400, 'Throttling.User', 'rate_limited'],
    [200, 'isv.MOBILE_COUNT_OVER_LIMIT', 'invalid_recipient'],
    [200, 'isv.TEMPLATE_MISSING_PARAMETERS', 'invalid_config'],
    [200, 'isv.SMS_SIGNATURE_ILLEGAL', 'invalid_config'],
    [200, 'isv.SMS_SIGN_ILLEGAL', 'invalid_config'],
    [403, 'InvalidAccessKeyId.Inactive', 'invalid_config'],
    [400, 'IncompleteSignature', 'invalid_config'],
    [403, 'isp.RAM_PERMISSION_DENY', 'invalid_config'],
    [200, 'isv.AMOUNT_NOT_ENOUGH', 'provider_rejected'],
    [200, 'isv.OUT_OF_SERVICE', 'provider_rejected'],
    [200, 'isv.DENY_IP_RANGE', 'provider_rejected'],
    [200, 'isv.SOMETHING_NEW', 'provider_rejected'],
    [500, 'InternalError', 'provider_unavailable'],
    [502, 'isv.WHATEVER', 'provider_unavailable'],
  ] as const;
  for (const [status, code, kind] of codes) {
    it(`maps ${code} (HTTP ${status}) to ${kind}`, async () => {
      const body = JSON.stringify({ RequestId: 'REQ-1', Message: 'message', Code: code });
      const error = await caught(sendWith(answering(status, body)));
      expect(error).toMatchObject({ kind, providerCode: code, providerMessage: 'message', providerRequestId: 'REQ-1' });
    });
  }

  it('names the field to fix for sign-name and AccessKey problems', async () => {
    const sign = await caught(sendWith(answering(200, '{"Code":"isv.SMS_SIGNATURE_ILLEGAL","Message":"x"}')));
    expect(sign.message).toMatch(/signName/);
    const ram = await caught(sendWith(answering(403, '{"Code":"isp.RAM_PERMISSION_DENY","Message":"x"}')));
    expect(ram.message).toMatch(/AliyunDysmsFullAccess/);
  });

  it('treats an unreadable body as provider_unavailable, keeping the request id header', async () => {
    const error = await caught(sendWith(answering(502, '<html>Bad gateway</html>', { 'x-acs-request-id': 'R-9' })));
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 502, providerRequestId: 'R-9' });
    const okWithoutCode = await caught(sendWith(answering(200, '{}')));
    expect(okWithoutCode.kind).toBe('provider_unavailable');
  });

  it('refuses a number that is not a phone number before calling Aliyun', async () => {
    let called = false;
    const error = await caught(
      aliyunSmsConnector.sendMessage({ to: 'not a number', usage: 'SignIn', payload: { code: '1' } }, config, {
        ...context,
        fetch: async () => {
          called = true;
          return new Response('{}');
        },
      }),
    );
    expect(error.kind).toBe('invalid_recipient');
    expect(called).toBe(false);
  });
});

describe('aliyun-sms config', () => {
  const base = { accessKeyId: 'id', accessKeySecret: 'secret', signName: 'Passline', templates };

  it('sends to the production endpoint with ACS3 signatures by default', async () => {
    const config = parseConnectorConfig(aliyunSmsConnector, base);
    expect(config).toMatchObject({ signatureVersion: 'acs3' });
    let requested: { url: string; init: RequestInit | undefined } | undefined;
    const capture: typeof fetch = async (url, init) => {
      requested = { url: String(url), init };
      return new Response(JSON.stringify({ Code: 'OK', BizId: 'biz-1', RequestId: 'r-1' }), { status: 200 });
    };
    await aliyunSmsConnector.sendMessage(
      { to: '+8613800138000', usage: 'SignIn', payload: { code: '123456' } },
      config,
      { ...context, fetch: capture },
    );
    expect(new URL(requested?.url ?? '').origin).toBe('https://dysmsapi.aliyuncs.com');
    expect(new Headers(requested?.init?.headers).get('x-acs-action')).toBe('SendSms');
  });

  it('says in words what to add when the templates are missing: one template code per usage, with an example', () => {
    const { templates: _left, ...withoutTemplates } = base;
    let issues: Array<{ path: string; message: string }> | undefined;
    try {
      parseConnectorConfig(aliyunSmsConnector, withoutTemplates);
    } catch (error) {
      issues = (error as ConnectorError).issues;
    }
    expect(issues).toHaveLength(1);
    expect(issues?.[0]?.path).toBe('templates');
    expect(issues?.[0]?.message).toContain('Register, SignIn, ForgotPassword, Generic');
    expect(issues?.[0]?.message).toContain('Aliyun SMS console');
    expect(issues?.[0]?.message).toContain('{"usageType":"Register","templateCode":"SMS_154950901"}');
  });

  it('offers a config template that parses once the placeholders are kept', () => {
    const template = aliyunSmsConnector.metadata.configTemplate as Record<string, unknown>;
    expect(() => parseConnectorConfig(aliyunSmsConnector, { ...template, accessKeySecret: 'x' })).not.toThrow();
  });
});

async function harness(failing: boolean) {
  const simulator = await startProviderSimulator();
  if (failing) simulator.failNext('aliyun', 'rejected', 100);
  return {
    config: rawConfig(simulator),
    context,
    delivered: async (to: string) => simulator.messages({ provider: 'aliyun', to }).map((message) => message.text),
    close: () => simulator.close(),
  };
}

describeConnectorConformance({
  factory: aliyunSmsConnector,
  harness: () => harness(false),
  failingHarness: () => harness(true),
  receipts: {
    callback: ({ messageId, url }) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ phone_number: '15005550006', success: true, err_code: 'DELIVERED', biz_id: messageId }]),
    }),
  },
  invalidConfigs: [
    { name: 'missing accessKeySecret', config: { accessKeyId: 'id', signName: 'S', templates } },
    {
      name: 'unknown field',
      config: { accessKeyId: 'id', accessKeySecret: 's', signName: 'S', templates, region: 'x' },
    },
    {
      name: 'template text instead of a template code',
      config: {
        accessKeyId: 'id',
        accessKeySecret: 's',
        signName: 'S',
        templates: templates.map((template) => ({ ...template, templateCode: 'Your code is {{code}}' })),
      },
    },
    {
      name: 'china/overseas object missing overseas',
      config: {
        accessKeyId: 'id',
        accessKeySecret: 's',
        signName: 'S',
        templates: templates.map((template) => ({ ...template, templateCode: { china: 'SMS_1' } })),
      },
    },
    {
      name: 'unknown signatureVersion',
      config: { accessKeyId: 'id', accessKeySecret: 's', signName: 'S', templates, signatureVersion: 'v2' },
    },
    {
      name: 'timeout below 1 s',
      config: { accessKeyId: 'id', accessKeySecret: 's', signName: 'S', templates, timeoutMs: 10 },
    },
    {
      name: 'endpoint that is not a URL',
      config: { accessKeyId: 'id', accessKeySecret: 's', signName: 'S', templates, endpoint: 'dysmsapi' },
    },
  ],
});
