import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { maxQuotedLength } from './errors.ts';
import { httpSmsConnector } from './index.ts';
import { authorization, context, plainConfig, signingSecret, templates } from './test-helpers.ts';

describe('http-sms request and error mapping', () => {
  const config = parseConnectorConfig(httpSmsConnector, plainConfig);
  const to = '+447700900123';
  const code = '987654';

  /** A fetch that answers once with a canned reply and keeps the request (and its init) it got. */
  function answering(status: number, body: unknown = '', headers: Record<string, string> = {}) {
    const seen: Array<{ request: Request; init: RequestInit | undefined }> = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push({ request: new Request(input, init), init });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      // A 204 or 304 answer cannot carry a body, not even an empty one.
      return new Response(text === '' ? null : text, { status, headers });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }

  const send = (fakeFetch: typeof fetch, usedConfig = config) =>
    httpSmsConnector.sendMessage(
      { to, usage: 'SignIn', locale: 'en-GB', payload: { code, expiresInMinutes: '10' } },
      usedConfig,
      { ...context, fetch: fakeFetch },
    );
  const failing = (status: number, body: unknown = '', headers: Record<string, string> = {}) =>
    expectConnectorError(send(answering(status, body, headers).fetch));

  it('POSTs the Logto-shaped JSON with the Authorization header and a verifiable Standard Webhooks signature', async () => {
    const { fetch: fakeFetch, seen } = answering(200, { messageId: 'gw-1' });
    expect(await send(fakeFetch)).toEqual({ messageId: 'gw-1' });
    const { request, init } = seen[0] as (typeof seen)[number];
    expect(request.url).toBe('https://sms.example.com/send');
    expect(request.method).toBe('POST');
    expect(init?.redirect).toBe('manual');
    expect(request.headers.get('authorization')).toBe(authorization);
    expect(request.headers.get('content-type')).toBe('application/json');
    const raw = await request.text();
    expect(JSON.parse(raw)).toEqual({
      to,
      type: 'SignIn',
      payload: { code, expiresInMinutes: '10', locale: 'en-GB' },
    });
    const id = request.headers.get('webhook-id') ?? '';
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(Number(request.headers.get('webhook-timestamp'))).toBeCloseTo(Date.now() / 1000, -1);
    expect(request.headers.get('webhook-signature')).toMatch(/^v1,/);
    expect(new Webhook(signingSecret).verify(raw, Object.fromEntries(request.headers))).toEqual(JSON.parse(raw));
  });

  it('sends no webhook headers without a signing secret, no Authorization without one, and a fresh id each time', async () => {
    const unsigned = parseConnectorConfig(httpSmsConnector, { endpoint: plainConfig.endpoint });
    const { fetch: fakeFetch, seen } = answering(204);
    await send(fakeFetch, unsigned);
    const headers = (seen[0] as (typeof seen)[number]).request.headers;
    expect([...headers.keys()].filter((name) => name.startsWith('webhook-') || name === 'authorization')).toEqual([]);
    const signed = answering(200);
    await send(signed.fetch);
    await send(signed.fetch);
    const ids = signed.seen.map(({ request }) => request.headers.get('webhook-id'));
    expect(new Set(ids).size).toBe(2);
  });

  it('adds the rendered text when templates are configured', async () => {
    const withTexts = parseConnectorConfig(httpSmsConnector, { ...plainConfig, templates });
    const { fetch: fakeFetch, seen } = answering(200);
    await send(fakeFetch, withTexts);
    expect(await (seen[0] as (typeof seen)[number]).request.json()).toMatchObject({ text: `Sign-in code: ${code}` });
  });

  it('takes the message id from messageId, then id, and null from any other 2xx answer', async () => {
    expect(await send(answering(201, { id: 'abc', messageId: 'first' }).fetch)).toEqual({ messageId: 'first' });
    expect(await send(answering(202, { id: 42 }).fetch)).toEqual({ messageId: '42' });
    expect(await send(answering(200, 'OK').fetch)).toEqual({ messageId: null });
    expect(await send(answering(200, ['x']).fetch)).toEqual({ messageId: null });
  });

  it('maps 400 to provider_rejected and 422 to invalid_recipient, quoting the receiver', async () => {
    const rejected = await failing(400, { error: 'bad_body', message: 'to is missing' });
    expect(rejected).toMatchObject({ kind: 'provider_rejected', httpStatus: 400, providerCode: 'bad_body' });
    expect(rejected.message).toContain('HTTP 400');
    expect(rejected.message).toContain('to is missing');
    const recipient = await failing(422, { error: 'number_blocked' });
    expect(recipient).toMatchObject({ kind: 'invalid_recipient', httpStatus: 422, providerCode: 'number_blocked' });
    expect(recipient.message).toContain(to);
    expect(await failing(409, 'duplicate')).toMatchObject({ kind: 'provider_rejected', providerMessage: 'duplicate' });
  });

  it('maps 401 and 403 to invalid_config naming authorization and signingSecret', async () => {
    for (const status of [401, 403]) {
      const error = await failing(status, 'Unauthorized');
      expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: status });
      expect(error.message).toContain('"authorization"');
      expect(error.message).toContain('"signingSecret"');
    }
  });

  it('maps 404, 405 and 410 to invalid_config (a wrong URL), naming the endpoint without its query', async () => {
    const withQuery = parseConnectorConfig(httpSmsConnector, {
      ...plainConfig,
      endpoint: 'https://sms.example.com/send?token=hidden',
    });
    for (const status of [404, 405, 410]) {
      const error = await expectConnectorError(send(answering(status, '<html>Not Found</html>').fetch, withQuery));
      expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: status });
      expect(error.message).toContain('https://sms.example.com/send');
      expect(error.message).not.toContain('hidden');
    }
  });

  it('maps 408 and 429 to rate_limited and keeps Retry-After', async () => {
    expect(await failing(429, 'slow down', { 'Retry-After': '7' })).toMatchObject({
      kind: 'rate_limited',
      httpStatus: 429,
      retryAfterSeconds: 7,
    });
    expect(await failing(408)).toMatchObject({ kind: 'rate_limited', httpStatus: 408, retryAfterSeconds: undefined });
  });

  it('maps 5xx to provider_unavailable', async () => {
    for (const status of [500, 502, 503]) {
      expect(await failing(status, 'Bad Gateway')).toMatchObject({ kind: 'provider_unavailable', httpStatus: status });
    }
  });

  it('reports a redirect as invalid_config with its target (query left out), and never follows it', async () => {
    const { fetch: fakeFetch, seen } = answering(302, '', { Location: 'https://other.example.com/sms?key=hidden' });
    const error = await expectConnectorError(send(fakeFetch));
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 302 });
    expect(error.message).toContain('https://other.example.com/sms');
    expect(error.message).not.toContain('hidden');
    expect(seen).toHaveLength(1);
  });

  it('keeps the quote short and on one line, and blanks the code and the secrets the receiver echoes', async () => {
    const echo = `Refused ${code} with ${authorization} and ${signingSecret}\n\n${'x'.repeat(500)}`;
    const error = await failing(400, echo);
    for (const leaked of [code, authorization, signingSecret, 'test-http-sms-token']) {
      expect(error.message).not.toContain(leaked);
      expect(error.providerMessage).not.toContain(leaked);
    }
    expect(error.providerMessage).toContain('[redacted]');
    expect(error.providerMessage).not.toContain('\n');
    expect(error.providerMessage?.length).toBe(maxQuotedLength + 1);
    expect((await failing(400, { code })).providerCode).toBeUndefined();
  });

  it('reports an unreachable endpoint as provider_unavailable', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect(await expectConnectorError(send(refused))).toMatchObject({ kind: 'provider_unavailable' });
  });
});
