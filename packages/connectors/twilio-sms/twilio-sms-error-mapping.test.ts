import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { twilioSmsConnector } from './index.ts';
import { context, templates } from './test-helpers.ts';

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
