import {
  type ConnectorContext,
  type ConnectorError,
  parseConnectorConfig,
  requiredUsageTypes,
} from '@passline/connector-kit';
import {
  type ConformanceHarness,
  describeConnectorConformance,
  expectConnectorError,
} from '@passline/connector-kit/conformance';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { useProviderSimulator } from '@passline/provider-simulator/testing';
import { describe, expect, it } from 'vitest';
import { tencentSmsConnector } from './index.ts';

const context: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

const templates = [
  { usageType: 'Register', templateCode: '2001', params: ['code', 'expiresInMinutes'] },
  { usageType: 'SignIn', templateCode: '2002' },
  { usageType: 'ForgotPassword', templateCode: '2003', params: ['expiresInMinutes', 'code'] },
  { usageType: 'Generic', templateCode: '2004', params: ['code'] },
];

function rawConfig(simulator: ProviderSimulator, overrides: Record<string, unknown> = {}) {
  const { secretId, secretKey, sdkAppId } = simulator.credentials.tencent;
  return {
    accessKeyId: secretId,
    accessKeySecret: secretKey,
    sdkAppId,
    signName: 'Passline',
    templates,
    endpoint: simulator.url,
    ...overrides,
  };
}

describe('tencent-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const send = (usage: string, payload: Record<string, string>, overrides = {}) =>
    tencentSmsConnector.sendMessage(
      { to: '+8613711112222', usage, payload },
      parseConnectorConfig(tencentSmsConnector, rawConfig(simulator, overrides)),
      context,
    );

  it('sends each usage with its template and positional parameters', async () => {
    const payload = { code: '482913', expiresInMinutes: '10' };
    const expected: Record<string, { templateCode: string; params: string[] }> = {
      Register: { templateCode: '2001', params: ['482913', '10'] },
      SignIn: { templateCode: '2002', params: ['482913'] },
      ForgotPassword: { templateCode: '2003', params: ['10', '482913'] },
      Generic: { templateCode: '2004', params: ['482913'] },
    };
    for (const usage of requiredUsageTypes) {
      const result = await send(usage, payload);
      const delivered = simulator.messages({ provider: 'tencent', to: '+8613711112222' }).at(-1);
      expect(delivered).toMatchObject({
        provider: 'tencent',
        to: '+8613711112222',
        sender: 'Passline',
        ...expected[usage],
        messageId: result.messageId,
      });
      expect(delivered?.text).toBe(`${expected[usage]?.templateCode} ${JSON.stringify(expected[usage]?.params)}`);
      expect(result.messageId).toMatch(/^\d+:\d+$/);
    }
  });

  it('falls back to the Generic template for a usage without its own', async () => {
    await send('MfaVerification', { code: '111222' });
    expect(simulator.messages({ provider: 'tencent' }).at(-1)).toMatchObject({
      templateCode: '2004',
      params: ['111222'],
    });
  });

  it('sends the PhoneChanged notice with its own template and no parameters', async () => {
    await send('PhoneChanged', {}, { templates: [...templates, { usageType: 'PhoneChanged', templateCode: '2009' }] });
    expect(simulator.messages({ provider: 'tencent' }).at(-1)).toMatchObject({ templateCode: '2009', params: [] });
  });

  it('never sends the PhoneChanged notice through the Generic template', async () => {
    const error = await expectConnectorError(send('PhoneChanged', {}));
    expect(error.kind).toBe('template_not_found');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('reports a variable the payload lacks as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(error.message).toContain('expiresInMinutes');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps a per-number rate limit to rate_limited', async () => {
    simulator.failNext('tencent', 'rate_limited');
    const error = await expectConnectorError(send('SignIn', { code: '123456' }));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: 'LimitExceeded.PhoneNumberDailyLimit',
      httpStatus: 200,
    });
    expect(error.providerRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number to invalid_recipient', async () => {
    simulator.failNext('tencent', 'invalid_number');
    const error = await expectConnectorError(send('SignIn', { code: '123456' }));
    expect(error).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'InvalidParameterValue.IncorrectPhoneNumber',
    });
    expect(error.providerRequestId).toBeTruthy();
  });

  it('maps an unapproved template to invalid_config naming the template', async () => {
    simulator.failNext('tencent', 'rejected');
    const error = await expectConnectorError(send('SignIn', { code: '123456' }));
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'FailedOperation.TemplateIncorrectOrUnapproved',
    });
    expect(error.message).toContain('template 2002');
  });

  it('maps a server error to provider_unavailable', async () => {
    simulator.failNext('tencent', 'server_error');
    const error = await expectConnectorError(send('SignIn', { code: '123456' }));
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    simulator.failNext('tencent', 'hang');
    const error = await expectConnectorError(send('SignIn', { code: '123456' }, { timeoutMs: 1000 }));
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong SecretKey as invalid_config (AuthFailure.SignatureFailure)', async () => {
    const error = await expectConnectorError(send('SignIn', { code: '123456' }, { accessKeySecret: 'not-the-secret' }));
    expect(error).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'AuthFailure.SignatureFailure',
      httpStatus: 200,
    });
    expect(error.message).toContain('accessKeySecret');
  });

  it('reports an unknown SecretId and a foreign SdkAppId as invalid_config', async () => {
    const unknownId = await expectConnectorError(
      send('SignIn', { code: '123456' }, { accessKeyId: 'AKIDsomeoneelse' }),
    );
    expect(unknownId).toMatchObject({ kind: 'invalid_config', providerCode: 'AuthFailure.SecretIdNotFound' });
    const foreignApp = await expectConnectorError(send('SignIn', { code: '123456' }, { sdkAppId: '1400999999' }));
    expect(foreignApp).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'UnauthorizedOperation.SmsSdkAppIdVerifyFail',
    });
    expect(foreignApp.message).toContain('1400999999');
  });

  it('sends a non-ASCII sign name intact', async () => {
    await send('SignIn', { code: '123456' }, { signName: '腾讯云' });
    expect(simulator.messages().at(-1)?.sender).toBe('腾讯云');
  });
});

async function simulatorHarness(configure?: (simulator: ProviderSimulator) => void): Promise<ConformanceHarness> {
  const simulator = await startProviderSimulator({ port: 0 });
  configure?.(simulator);
  return {
    config: rawConfig(simulator, {
      templates: templates.map(({ usageType, templateCode }) => ({ usageType, templateCode })),
    }),
    context,
    delivered: async (to) => simulator.messages({ provider: 'tencent', to }).map((message) => message.text),
    close: () => simulator.close(),
  };
}

const validTemplates = templates.map(({ usageType, templateCode }) => ({ usageType, templateCode }));
const validConfig = {
  accessKeyId: 'AKIDexample',
  accessKeySecret: 'secret',
  sdkAppId: '1400006666',
  signName: 'Passline',
  templates: validTemplates,
};

describeConnectorConformance({
  factory: tencentSmsConnector,
  harness: () => simulatorHarness(),
  failingHarness: () => simulatorHarness((simulator) => simulator.failNext('tencent', 'rejected', 10)),
  receipts: {
    callback: ({ messageId, url }) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ nationcode: '1', mobile: '5005550006', report_status: 'SUCCESS', sid: messageId }]),
    }),
  },
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, secretKey: 'x' } },
    { name: 'missing accessKeySecret', config: { ...validConfig, accessKeySecret: undefined } },
    { name: 'missing signName', config: { ...validConfig, signName: undefined } },
    { name: 'non-numeric sdkAppId', config: { ...validConfig, sdkAppId: 'my-app' } },
    {
      name: 'non-numeric templateCode',
      config: {
        ...validConfig,
        templates: [...validTemplates.slice(1), { usageType: 'Register', templateCode: 'SMS_1' }],
      },
    },
    {
      name: 'unknown template variable',
      config: {
        ...validConfig,
        templates: [
          ...validTemplates.slice(1),
          { usageType: 'Register', templateCode: '1', params: ['code', 'userName'] },
        ],
      },
    },
    {
      name: 'params without code',
      config: {
        ...validConfig,
        templates: [
          ...validTemplates.slice(1),
          { usageType: 'Register', templateCode: '1', params: ['expiresInMinutes'] },
        ],
      },
    },
    { name: 'timeoutMs below 1000', config: { ...validConfig, timeoutMs: 10 } },
    { name: 'endpoint that is not a URL', config: { ...validConfig, endpoint: 'sms.tencentcloudapi.com' } },
  ],
});

describe('tencent-sms config', () => {
  it('names an unknown template variable and the template it is in', () => {
    const error = (() => {
      try {
        parseConnectorConfig(tencentSmsConnector, {
          ...validConfig,
          templates: [
            ...validTemplates.slice(1),
            { usageType: 'Register', templateCode: '1', params: ['code', 'userName'] },
          ],
        });
      } catch (caught) {
        return caught as ConnectorError;
      }
    })();
    expect(error?.kind).toBe('invalid_config');
    expect(error?.message).toContain('"userName"');
    expect(error?.issues).toContainEqual(expect.objectContaining({ path: 'templates.3.params.1' }));
  });

  it('says in words what to add when the templates are missing: one template ID per usage, with an example', () => {
    const { templates: _left, ...withoutTemplates } = validConfig;
    let issues: Array<{ path: string; message: string }> | undefined;
    try {
      parseConnectorConfig(tencentSmsConnector, withoutTemplates);
    } catch (error) {
      issues = (error as ConnectorError).issues;
    }
    expect(issues).toHaveLength(1);
    expect(issues?.[0]?.path).toBe('templates');
    expect(issues?.[0]?.message).toContain('Register, SignIn, ForgotPassword, Generic');
    expect(issues?.[0]?.message).toContain('Tencent SMS console');
    expect(issues?.[0]?.message).toContain('{"usageType":"Register","templateCode":"1000001"}');
  });

  it('fills in the defaults', () => {
    const config = parseConnectorConfig(tencentSmsConnector, validConfig);
    expect(config.region).toBe('ap-guangzhou');
    expect(config.endpoint).toBeUndefined();
  });
});
