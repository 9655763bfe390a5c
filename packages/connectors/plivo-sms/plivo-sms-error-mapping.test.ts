import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { docsUrl } from './errors.ts';
import { plivoSmsConnector } from './index.ts';
import { context, powerpackUuid, senderNumber, templates } from './test-helpers.ts';

const apiId = 'f8a1c3d2-6b1e-11ef-9f4e-0242ac110002';

describe('plivo-sms error mapping', () => {
  const raw = { authId: 'MAXXXXXXXXXXXXXXXXXX', authToken: 'token', senderNumber, templates };
  const config = parseConnectorConfig(plivoSmsConnector, raw);

  /** A fetch that answers once with a canned Plivo reply and keeps the request it got. */
  function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
    const seen: Request[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }

  const sendWith = (fakeFetch: typeof fetch, to = '+14155550123') =>
    expectConnectorError(
      plivoSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '123456' } }, config, {
        ...context,
        fetch: fakeFetch,
      }),
    );

  it('posts src, dst and text as JSON with Basic auth to the production host', async () => {
    const { fetch: fakeFetch, seen } = answering(202, {
      api_id: apiId,
      message: 'message(s) queued',
      message_uuid: ['db3ce55a-7f1d-11e1-8ea7-1231380bc196'],
    });
    const result = await plivoSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '987654' } },
      config,
      { ...context, fetch: fakeFetch },
    );
    expect(result.messageId).toBe('db3ce55a-7f1d-11e1-8ea7-1231380bc196');
    const request = seen[0] as Request;
    expect(request.url).toBe('https://api.plivo.com/v1/Account/MAXXXXXXXXXXXXXXXXXX/Message/');
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('MAXXXXXXXXXXXXXXXXXX:token').toString('base64')}`,
    );
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.json()).toEqual({ src: senderNumber, dst: '+14155550123', text: 'Sign-in code: 987654' });
  });

  it('sends powerpack_uuid instead of src when a Powerpack is configured', async () => {
    const withPowerpack = parseConnectorConfig(plivoSmsConnector, { ...raw, senderNumber: undefined, powerpackUuid });
    const { fetch: fakeFetch, seen } = answering(202, { api_id: apiId, message_uuid: ['m1'] });
    await plivoSmsConnector.sendMessage(
      { to: '+14155550123', usage: 'SignIn', payload: { code: '1' } },
      withPowerpack,
      {
        ...context,
        fetch: fakeFetch,
      },
    );
    expect(await (seen[0] as Request).json()).toEqual({
      powerpack_uuid: powerpackUuid,
      dst: '+14155550123',
      text: 'Sign-in code: 1',
    });
  });

  const cases: Array<[number, string, string, RegExp]> = [
    [400, 'invalid dst parameter', 'invalid_recipient', /\+14155550123/],
    [400, 'src parameter not valid', 'invalid_config', /\+14155550100/],
    [400, 'Both powerpack_uuid and src cannot be specified', 'invalid_config', /Powerpack/],
    [400, 'text parameter length exceeds 1600 characters', 'invalid_config', /1600/],
    [400, 'invalid json data', 'provider_rejected', /parameters/],
    [401, 'authentication failed', 'invalid_config', /authToken/],
    [402, 'insufficient credit', 'provider_rejected', /credit/],
    [403, 'not allowed', 'provider_rejected', /Sandbox Numbers/],
    [404, 'not found', 'invalid_config', /MAXXXXXXXXXXXXXXXXXX/],
    [429, 'too many requests', 'rate_limited', /throttled/],
    [500, 'unexpected error', 'provider_unavailable', /HTTP 500/],
    [503, 'service unavailable', 'provider_unavailable', /HTTP 503/],
  ];
  for (const [status, text, kind, advice] of cases) {
    it(`maps HTTP ${status} "${text}" to ${kind}`, async () => {
      const error = await sendWith(answering(status, { api_id: apiId, error: text }).fetch);
      expect(error).toMatchObject({
        kind,
        providerCode: String(status),
        providerMessage: text,
        providerRequestId: apiId,
        httpStatus: status,
      });
      expect(error.message).toMatch(advice);
      expect(error.message).toContain(docsUrl);
    });
  }

  it('names the destination country when sending there is not allowed', async () => {
    const error = await sendWith(answering(403, { api_id: apiId, error: 'not allowed' }).fetch, '+33612345678');
    expect(error.message).toContain('(FR)');
  });

  it('reads Retry-After on a 429, and only there', async () => {
    const seconds = await sendWith(answering(429, { api_id: apiId, error: 'x' }, { 'Retry-After': '7' }).fetch);
    expect(seconds).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
    const without = await sendWith(answering(429, { api_id: apiId, error: 'x' }).fetch);
    expect(without.retryAfterSeconds).toBeUndefined();
    const other = await sendWith(answering(503, { api_id: apiId, error: 'x' }, { 'Retry-After': '7' }).fetch);
    expect(other.retryAfterSeconds).toBeUndefined();
  });

  it('treats a bare 401 or 429 without a Plivo body by its status', async () => {
    expect((await sendWith(answering(401, '').fetch)).kind).toBe('invalid_config');
    expect((await sendWith(answering(429, 'slow down').fetch)).kind).toBe('rate_limited');
  });

  it('reports answers that are not Plivo bodies as provider_unavailable', async () => {
    expect(await sendWith(answering(404, '<html>not found</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
    expect(await sendWith(answering(202, 'OK').fetch)).toMatchObject({ kind: 'provider_unavailable', httpStatus: 202 });
  });
});
