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
import { defaultTemplates } from './config.ts';
import { twilioSmsConnector } from './index.ts';

const context: ConnectorContext = {
  fetch,
  logger: { info() {}, warn() {} },
  outbox: { record: async () => {} },
};

const serviceSid = 'MG0123456789abcdef0123456789abcdef';
const templates = [
  { usageType: 'Register', content: 'Welcome! Your sign-up code is {{code}}, valid {{expiresInMinutes}} min.' },
  { usageType: 'SignIn', content: 'Sign-in code: {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code: {{ code }}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];

function rawConfig(simulator: ProviderSimulator, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { accountSid, authToken } = simulator.credentials.twilio;
  return {
    accountSID: accountSid,
    authToken,
    fromMessagingServiceSID: serviceSid,
    templates,
    endpoint: simulator.url,
    ...overrides,
  };
}

describe('twilio-sms against the provider simulator', () => {
  const simulator = useProviderSimulator();

  const to = '+14155550123';
  const send = (
    usage: string,
    payload: Record<string, string> = { code: '123456' },
    overrides: Record<string, unknown> = {},
  ) =>
    twilioSmsConnector.sendMessage(
      { to, usage, payload },
      parseConnectorConfig(twilioSmsConnector, rawConfig(simulator, overrides)),
      context,
    );

  it('sends each usage with its own rendered template and returns the message SID', async () => {
    const payload = { code: '482913', expiresInMinutes: '10' };
    const expected: Record<string, string> = {
      Register: 'Welcome! Your sign-up code is 482913, valid 10 min.',
      SignIn: 'Sign-in code: 482913',
      ForgotPassword: 'Reset code: 482913',
      Generic: 'Your code is 482913',
    };
    for (const usage of requiredUsageTypes) {
      const result = await send(usage, payload);
      expect(result.messageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(simulator.messages({ provider: 'twilio', to }).at(-1)).toMatchObject({
        provider: 'twilio',
        to,
        text: expected[usage],
        sender: serviceSid,
        messageId: result.messageId,
      });
    }
    expect(simulator.messages({ provider: 'twilio' })).toHaveLength(4);
  });

  it('sends from a number or an alphanumeric sender ID when "from" is set instead', async () => {
    await send('SignIn', { code: '111111' }, { fromMessagingServiceSID: undefined, from: '+15017122661' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: '+15017122661', text: 'Sign-in code: 111111' });
    await send('SignIn', { code: '222222' }, { fromMessagingServiceSID: undefined, from: 'Passline' });
    expect(simulator.messages().at(-1)).toMatchObject({ sender: 'Passline', text: 'Sign-in code: 222222' });
  });

  it('sends the PhoneChanged notice: its own template, else the default text, never Generic', async () => {
    // A config saved before the notice existed has no PhoneChanged template: the default stands in.
    await send('PhoneChanged', {});
    expect(simulator.messages().at(-1)?.text).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
    const own = { usageType: 'PhoneChanged', content: 'Your Acme number was changed.' };
    await send('PhoneChanged', {}, { templates: [...templates, own] });
    expect(simulator.messages().at(-1)?.text).toBe('Your Acme number was changed.');
  });

  it('falls back to the Generic template for a usage without its own', async () => {
    await send('MfaVerification', { code: '654321' });
    expect(simulator.messages().at(-1)?.text).toBe('Your code is 654321');
  });

  it('keeps a path prefix of the endpoint', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { endpoint: `${simulator.url}/proxy` }));
    // The simulator serves Twilio only at the root, so the prefixed path reaching it proves it was kept.
    expect(error).toMatchObject({ kind: 'provider_unavailable', httpStatus: 404 });
  });

  it('maps rate limiting (20429) to rate_limited with the request id', async () => {
    simulator.failNext('twilio', 'rate_limited');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      providerCode: '20429',
      providerMessage: 'Too Many Requests',
      httpStatus: 429,
    });
    expect(error.providerRequestId).toMatch(/^RQ[0-9a-f]{32}$/);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('maps an invalid number (21211) to invalid_recipient', async () => {
    simulator.failNext('twilio', 'invalid_number');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'invalid_recipient', providerCode: '21211', httpStatus: 400 });
    expect(error.message).toContain(to);
    expect(error.message).toContain('https://www.twilio.com/docs/errors/21211');
  });

  it('maps an unsubscribed recipient (21610) to provider_rejected explaining STOP', async () => {
    simulator.failNext('twilio', 'rejected');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: '21610' });
    expect(error.message).toContain('STOP');
    expect(error.providerRequestId).toBeTruthy();
  });

  it('maps a server error (20500) to provider_unavailable', async () => {
    simulator.failNext('twilio', 'server_error');
    const error = await expectConnectorError(send('SignIn'));
    expect(error).toMatchObject({ kind: 'provider_unavailable', providerCode: '20500', httpStatus: 500 });
  });

  it('reports a provider that does not answer as timeout', async () => {
    simulator.failNext('twilio', 'hang');
    const error = await expectConnectorError(send('SignIn', undefined, { timeoutMs: 1000 }));
    expect(error.kind).toBe('timeout');
  });

  it('reports a wrong Auth Token as invalid_config (20003)', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, { authToken: 'not-the-token' }));
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: '20003', httpStatus: 401 });
    expect(error.message).toContain('authToken');
  });

  it('reports an unknown Account SID as invalid_config (20003)', async () => {
    const error = await expectConnectorError(
      send('SignIn', undefined, { accountSID: 'AC0123456789abcdef0123456789abcdef' }),
    );
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: '20003' });
    expect(error.message).toContain('AC0123456789abcdef0123456789abcdef');
  });

  it('reports a template variable Passline does not provide as template_invalid without sending', async () => {
    const error = await expectConnectorError(send('Register', { code: '123456' }));
    expect(error.kind).toBe('template_invalid');
    expect(error.message).toContain('expiresInMinutes');
    expect(simulator.messages()).toHaveLength(0);
  });
});

describe('twilio-sms error mapping', () => {
  const config = parseConnectorConfig(twilioSmsConnector, {
    accountSID: 'AC0123456789abcdef0123456789abcdef',
    authToken: 'token',
    from: '+15017122661',
    templates,
  });

  /** A fetch that answers once with a canned Twilio reply and keeps the request it got. */
  function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
    const seen: Request[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'Twilio-Request-Id': 'RQ0123456789abcdef0123456789abcdef', ...headers },
      });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }

  const twilioBody = (code: number, status: number, message = 'message from Twilio') => ({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });

  const sendWith = (fakeFetch: typeof fetch, to = '+14155550123') =>
    expectConnectorError(
      twilioSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '123456' } }, config, {
        ...context,
        fetch: fakeFetch,
      }),
    );

  it('sends To, Body and From as a form with Basic auth to the production host', async () => {
    const { fetch: fakeFetch, seen } = answering(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' });
    const result = await twilioSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '987654' } },
      config,
      { ...context, fetch: fakeFetch },
    );
    expect(result.messageId).toBe('SM0123456789abcdef0123456789abcdef');
    const request = seen[0] as Request;
    expect(request.url).toBe(
      'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json',
    );
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:token').toString('base64')}`,
    );
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(await request.text()))).toEqual({
      To: '+14155550123',
      Body: 'Sign-in code: 987654',
      From: '+15017122661',
    });
  });

  const cases: Array<[number, number, string, RegExp?]> = [
    [400, 21614, 'invalid_recipient'],
    [400, 21217, 'invalid_recipient'],
    [400, 21608, 'provider_rejected', /trial account/],
    [400, 21408, 'provider_rejected', /Geo permissions/],
    [400, 30007, 'provider_rejected', /carrier/],
    [400, 21606, 'invalid_config', /\+15017122661/],
    [400, 21212, 'invalid_config', /\+15017122661/],
    [400, 21659, 'invalid_config', /\+15017122661/],
    [400, 21703, 'invalid_config', /Messaging Service/],
    [400, 21704, 'invalid_config', /Messaging Service/],
    [400, 21617, 'invalid_config', /1600/],
    [400, 21999, 'provider_rejected'],
    [503, 20503, 'provider_unavailable'],
  ];
  for (const [status, code, kind, advice] of cases) {
    it(`maps ${code} (HTTP ${status}) to ${kind}`, async () => {
      const error = await sendWith(answering(status, twilioBody(code, status)).fetch);
      expect(error).toMatchObject({
        kind,
        providerCode: String(code),
        providerMessage: 'message from Twilio',
        providerRequestId: 'RQ0123456789abcdef0123456789abcdef',
        httpStatus: status,
      });
      if (advice) expect(error.message).toMatch(advice);
    });
  }

  it('names the destination country for a geo permission refusal', async () => {
    const error = await sendWith(answering(400, twilioBody(21408, 400)).fetch, '+33612345678');
    expect(error.message).toContain('(FR)');
  });

  it('reads Retry-After (seconds or HTTP date) on a 429', async () => {
    const seconds = await sendWith(answering(429, twilioBody(20429, 429), { 'Retry-After': '7' }).fetch);
    expect(seconds).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await sendWith(answering(429, twilioBody(20429, 429), { 'Retry-After': date }).fetch);
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(31);
    const without = await sendWith(answering(429, twilioBody(20429, 429)).fetch);
    expect(without.retryAfterSeconds).toBeUndefined();
  });

  it('treats a bare 401 or 429 without a Twilio body by its status', async () => {
    expect((await sendWith(answering(401, '').fetch)).kind).toBe('invalid_config');
    expect((await sendWith(answering(429, 'slow down').fetch)).kind).toBe('rate_limited');
  });

  it('reports answers that are not Twilio bodies as provider_unavailable', async () => {
    expect(await sendWith(answering(404, '<html>not found</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
    expect(await sendWith(answering(201, 'OK').fetch)).toMatchObject({ kind: 'provider_unavailable', httpStatus: 201 });
    expect(await sendWith(answering(502, '<html>bad gateway</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 502,
    });
  });
});

describe('twilio-sms config', () => {
  const base = {
    accountSID: 'AC0123456789abcdef0123456789abcdef',
    authToken: 'token',
    from: '+15017122661',
    templates,
  };
  const refusal = (config: unknown) => {
    try {
      parseConnectorConfig(twilioSmsConnector, config);
    } catch (error) {
      return error as ConnectorError;
    }
    throw new Error('config was accepted');
  };

  it('fills the default templates when the config has none, as dev-sms does', () => {
    const { templates: _left, ...withoutTemplates } = base;
    const parsed = parseConnectorConfig(twilioSmsConnector, withoutTemplates);
    expect(parsed.templates).toEqual(defaultTemplates);
  });

  it('has a default PhoneChanged notice, and keeps configs without one valid', () => {
    expect(defaultTemplates).toContainEqual({
      usageType: 'PhoneChanged',
      content: "The phone number on your account was changed. If this wasn't you, contact support.",
    });
    expect(() => parseConnectorConfig(twilioSmsConnector, base)).not.toThrow();
  });

  it('offers default templates that state the real validity of the code', async () => {
    const parsed = parseConnectorConfig(twilioSmsConnector, { ...base, templates: defaultTemplates });
    let sent = '';
    await twilioSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '482913', expiresInMinutes: '5' } },
      parsed,
      {
        ...context,
        fetch: async (_url, init) => {
          sent = new URLSearchParams(String(init?.body)).get('Body') ?? '';
          return new Response(JSON.stringify({ sid: 'SM1' }), { status: 201 });
        },
      },
    );
    expect(sent).toBe('Your sign-in verification code is 482913. It is valid for 5 minutes.');
  });

  it('asks for a sender when neither is set, and for one only when both are', () => {
    const none = refusal({ ...base, from: undefined });
    expect(none.kind).toBe('invalid_config');
    expect(none.message).toMatch(/fromMessagingServiceSID.*from/);
    const both = refusal({ ...base, fromMessagingServiceSID: serviceSid });
    expect(both.message).toContain('only one sender');
  });

  it('accepts the alphanumeric and short-code senders Twilio accepts', () => {
    for (const from of ['Passline', 'My App 2', '12345']) {
      expect(() => parseConnectorConfig(twilioSmsConnector, { ...base, from })).not.toThrow();
    }
    for (const from of ['Passline Verify', '015017122661', 'Pass-line']) {
      expect(refusal({ ...base, from }).kind).toBe('invalid_config');
    }
  });

  it('fills the endpoint and timeout defaults at send time, not in the stored config', () => {
    const parsed = parseConnectorConfig(twilioSmsConnector, base);
    expect(parsed.endpoint).toBeUndefined();
    expect(parsed.timeoutMs).toBeUndefined();
  });
});

async function simulatorHarness(configure?: (simulator: ProviderSimulator) => void): Promise<ConformanceHarness> {
  const simulator = await startProviderSimulator({ port: 0 });
  configure?.(simulator);
  return {
    config: rawConfig(simulator, {
      templates: templates.map((template) => ({ ...template, content: template.content.replace(/, valid.*$/, '.') })),
    }),
    context,
    delivered: async (to) => simulator.messages({ provider: 'twilio', to }).map((message) => message.text),
    close: () => simulator.close(),
  };
}

const validConfig = {
  accountSID: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'token',
  fromMessagingServiceSID: serviceSid,
  templates,
};

describeConnectorConformance({
  factory: twilioSmsConnector,
  harness: () => simulatorHarness(),
  failingHarness: () => simulatorHarness((simulator) => simulator.failNext('twilio', 'rejected', 10)),
  invalidConfigs: [
    { name: 'unknown field', config: { ...validConfig, accountSid: validConfig.accountSID } },
    { name: 'malformed Account SID', config: { ...validConfig, accountSID: 'AC123' } },
    { name: 'missing Auth Token', config: { ...validConfig, authToken: undefined } },
    { name: 'malformed Messaging Service SID', config: { ...validConfig, fromMessagingServiceSID: 'MG123' } },
    { name: 'no sender', config: { ...validConfig, fromMessagingServiceSID: undefined } },
    { name: 'two senders', config: { ...validConfig, from: '+15017122661' } },
    {
      name: 'sender ID longer than 11 characters',
      config: { ...validConfig, fromMessagingServiceSID: undefined, from: 'PasslineVerify' },
    },
    {
      name: 'template without {{code}}',
      config: { ...validConfig, templates: [...templates.slice(0, 3), { usageType: 'Generic', content: 'Hello' }] },
    },
    {
      name: 'template with a variable Passline never fills',
      config: {
        ...validConfig,
        templates: [...templates.slice(0, 3), { usageType: 'Generic', content: 'Hi {{name}}, {{code}}' }],
      },
    },
    {
      name: 'template longer than 1600 characters',
      config: {
        ...validConfig,
        templates: [...templates.slice(0, 3), { usageType: 'Generic', content: `{{code}}${'x'.repeat(1600)}` }],
      },
    },
    { name: 'non-http endpoint', config: { ...validConfig, endpoint: 'ftp://api.twilio.com' } },
    { name: 'timeout below 1000 ms', config: { ...validConfig, timeoutMs: 10 } },
  ],
});
