import { describe, expect, it } from 'vitest';
import type { ProviderSimulator } from './server.ts';
import { useProviderSimulator } from './testing.ts';
import { twilioSimulation } from './twilio.ts';
import type { SimulatedRequest } from './types.ts';

describe('twilio simulation routing', () => {
  const request = (path: string, headers: Record<string, string> = {}): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers,
    rawBody: '',
  });

  it('takes the 2010-04-01 API and leaves the other providers alone', () => {
    expect(twilioSimulation.matches(request('/2010-04-01/Accounts/AC1/Messages.json'))).toBe(true);
    expect(twilioSimulation.matches(request('/', { 'x-tc-action': 'SendSms' }))).toBe(false);
    expect(twilioSimulation.matches(request('/?Action=SendSms'))).toBe(false);
    expect(twilioSimulation.matches(request('/', { 'x-acs-action': 'SendSms' }))).toBe(false);
    expect(twilioSimulation.matches(request('/proxy/2010-04-01/Accounts/AC1/Messages.json'))).toBe(false);
  });
});

describe('twilio simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  interface Options {
    accountSid?: string;
    authToken?: string;
    pathSid?: string;
    form?: Record<string, string>;
    rawBody?: string;
    contentType?: string;
  }

  async function post(options: Options = {}) {
    const { accountSid, authToken } = simulator.credentials.twilio;
    const user = options.accountSid ?? accountSid;
    const form = options.form ?? { To: '+14155550123', Body: 'Your code is 123456', From: '+15017122661' };
    const response = await fetch(`${simulator.url}/2010-04-01/Accounts/${options.pathSid ?? user}/Messages.json`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${user}:${options.authToken ?? authToken}`).toString('base64')}`,
        'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded',
      },
      body: options.rawBody ?? new URLSearchParams(form).toString(),
    });
    return {
      status: response.status,
      requestId: response.headers.get('twilio-request-id'),
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  const errorBody = (code: number, status: number) => ({
    code,
    message: expect.any(String),
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });

  it('accepts a correct request with the Message resource and records it', async () => {
    const { status, body, requestId } = await post();
    expect(status).toBe(201);
    expect(requestId).toMatch(/^RQ[0-9a-f]{32}$/);
    expect(body).toMatchObject({
      account_sid: simulator.credentials.twilio.accountSid,
      api_version: '2010-04-01',
      body: 'Your code is 123456',
      direction: 'outbound-api',
      error_code: null,
      from: '+15017122661',
      messaging_service_sid: null,
      num_segments: '1',
      status: 'queued',
      to: '+14155550123',
    });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.uri).toBe(`/2010-04-01/Accounts/${simulator.credentials.twilio.accountSid}/Messages/${body.sid}.json`);
    expect(body.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(simulator.messages({ provider: 'twilio' })).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        to: '+14155550123',
        text: 'Your code is 123456',
        sender: '+15017122661',
        messageId: body.sid,
      }),
    ]);
  });

  it('accepts a Messaging Service as the sender and reports the message as accepted', async () => {
    const service = 'MG0123456789abcdef0123456789abcdef';
    const { status, body } = await post({ form: { To: '+14155550123', Body: 'code 1', MessagingServiceSid: service } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: service });
    expect(simulator.messages().at(-1)?.sender).toBe(service);
  });

  it("refuses a wrong Auth Token with Twilio's 20003 body", async () => {
    const { status, body, headers } = await post({ authToken: 'wrong-token' });
    expect(status).toBe(401);
    expect(body).toEqual(errorBody(20003, 401));
    expect(headers.get('www-authenticate')).toContain('Basic');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses a request without credentials and one for another account than the credentials', async () => {
    const anonymous = await fetch(`${simulator.url}/2010-04-01/Accounts/AC1/Messages.json`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual(errorBody(20003, 401));
    const foreign = await post({ pathSid: 'AC0123456789abcdef0123456789abcdef' });
    expect(foreign.status).toBe(401);
    expect(foreign.body).toEqual(errorBody(20003, 401));
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses a tampered body: missing or malformed parameters get Twilio’s own codes', async () => {
    const missing = async (form: Record<string, string>) => (await post({ form })).body.code;
    expect(await missing({ Body: 'x', From: '+15017122661' })).toBe(21604);
    expect(await missing({ To: '+14155550123', From: '+15017122661' })).toBe(21602);
    expect(await missing({ To: '+14155550123', Body: 'x' })).toBe(21603);
    const notE164 = await post({ form: { To: '4155550123', Body: 'x', From: '+15017122661' } });
    expect(notE164).toMatchObject({ status: 400, body: errorBody(21211, 400) });
    expect(notE164.body.message).toContain('4155550123');
    expect(await missing({ To: '+14155550123', Body: 'x', From: 'Far too long sender' })).toBe(21212);
    expect(await missing({ To: '+14155550123', Body: 'x', MessagingServiceSid: 'MG1' })).toBe(21705);
    expect(await missing({ To: '+14155550123', Body: 'x'.repeat(1601), From: '+15017122661' })).toBe(21617);
    // Twilio reads only form bodies: the same fields as JSON carry no To.
    const json = await post({ contentType: 'application/json', rawBody: JSON.stringify({ To: '+14155550123' }) });
    expect(json.body.code).toBe(21604);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('answers 404 (20404) for other resources', async () => {
    const { accountSid, authToken } = simulator.credentials.twilio;
    const response = await fetch(`${simulator.url}/2010-04-01/Accounts/${accountSid}/Calls.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(errorBody(20404, 404));
  });

  it('acts out each queued failure with the error Twilio gives for it', async () => {
    const expected: Array<[Parameters<ProviderSimulator['failNext']>[1], number, number]> = [
      ['rate_limited', 429, 20429],
      ['invalid_number', 400, 21211],
      ['rejected', 400, 21610],
      ['server_error', 500, 20500],
    ];
    for (const [mode, status, code] of expected) {
      simulator.failNext('twilio', mode);
      const response = await post();
      expect(response, mode).toMatchObject({ status, body: errorBody(code, status) });
      expect(response.requestId).toMatch(/^RQ/);
    }
    expect(simulator.messages()).toHaveLength(0);
    expect((await post()).status).toBe(201);
  });

  it('hangs when told to', async () => {
    simulator.failNext('twilio', 'hang');
    const { accountSid, authToken } = simulator.credentials.twilio;
    const outcome = await fetch(`${simulator.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
      signal: AbortSignal.timeout(300),
    }).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => (error as Error).name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(simulator.messages()).toHaveLength(0);
  });
});
