import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { httpSmsPath, httpSmsRetryAfterSeconds, httpSmsSimulation } from './http-sms.ts';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';

describe('http-sms simulation routing', () => {
  const request = (path: string): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers: {},
    rawBody: '',
  });

  it('takes the /http-sms/ paths and leaves the other providers alone', () => {
    expect(httpSmsSimulation.matches(request(httpSmsPath))).toBe(true);
    expect(httpSmsSimulation.matches(request('/http-sms/elsewhere'))).toBe(true);
    expect(httpSmsSimulation.matches(request('/xms/v1/plan/batches'))).toBe(false);
    expect(httpSmsSimulation.matches(request('/proxy/http-sms/messages'))).toBe(false);
  });
});

describe('http-sms simulation over HTTP', () => {
  const simulator = useProviderSimulator();
  const message = { to: '+14155550123', type: 'SignIn', payload: { code: '123456', expiresInMinutes: '10' } };

  async function post(
    options: {
      body?: unknown;
      authorization?: string | null;
      secret?: string | null;
      signedAt?: Date;
      path?: string;
      method?: string;
      contentType?: string;
      tamper?: (raw: string) => string;
    } = {},
  ) {
    const { authorization, signingSecret } = simulator.credentials.http;
    const raw = typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? message);
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
    const auth = options.authorization === undefined ? authorization : options.authorization;
    if (auth !== null) headers.authorization = auth;
    const secret = options.secret === undefined ? signingSecret : options.secret;
    if (secret !== null) {
      const signedAt = options.signedAt ?? new Date();
      headers['webhook-id'] = 'msg_test';
      headers['webhook-timestamp'] = String(Math.floor(signedAt.getTime() / 1000));
      headers['webhook-signature'] = new Webhook(secret).sign('msg_test', signedAt, raw);
    }
    const response = await fetch(`${simulator.url}${options.path ?? httpSmsPath}`, {
      method: options.method ?? 'POST',
      headers,
      body: options.tamper ? options.tamper(raw) : raw,
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('takes a signed, authorised message (200 with its id) and records the code as the text', async () => {
    const { status, body } = await post();
    expect(status).toBe(200);
    expect(body.messageId).toMatch(/^sim_[0-9a-f]{24}$/);
    expect(simulator.messages({ provider: 'http' })).toMatchObject([
      {
        provider: 'http',
        to: '+14155550123',
        text: 'code: 123456',
        templateCode: 'SignIn',
        params: { code: '123456', expiresInMinutes: '10' },
        messageId: body.messageId,
      },
    ]);
  });

  it('records the rendered text when the request carries one, and a notice by its usage', async () => {
    await post({ body: { ...message, text: 'Your code is 654321' } });
    await post({ body: { to: '+14155550123', type: 'PhoneChanged', payload: {} } });
    expect(simulator.messages().map((delivered) => delivered.text)).toEqual([
      'Your code is 654321',
      'notice: PhoneChanged',
    ]);
  });

  it('refuses a missing or wrong Authorization header (401)', async () => {
    expect(await post({ authorization: null })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await post({ authorization: 'Bearer wrong' })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses unsigned, wrongly signed, altered and stale requests (401 invalid_signature)', async () => {
    const unsigned = await post({ secret: null });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect(unsigned.body.message).toContain('webhook-id');
    const otherSecret = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    expect((await post({ secret: otherSecret })).body.error).toBe('invalid_signature');
    const altered = await post({ tamper: (raw) => raw.replace('123456', '000000') });
    expect(altered).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    const stale = await post({ signedAt: new Date(Date.now() - 10 * 60 * 1000) });
    expect(stale.body.message).toContain('too old');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('answers 404 elsewhere under /http-sms/, 405 to another method, 400 to a body it cannot read', async () => {
    expect((await post({ path: '/http-sms/other' })).status).toBe(404);
    const wrongMethod = await post({ method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await post({ contentType: 'text/plain' })).status).toBe(400);
    expect((await post({ body: '{nope' })).body).toMatchObject({ error: 'invalid_request' });
    expect((await post({ body: { to: '+14155550123', payload: {} } })).body.message).toContain('type');
    expect((await post({ body: { ...message, payload: { code: 123456 } } })).status).toBe(400);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('answers 422 to a number it cannot deliver to', async () => {
    expect(await post({ body: { ...message, to: '0123' } })).toMatchObject({
      status: 422,
      body: { error: 'invalid_number' },
    });
  });

  it('acts out the queued failures', async () => {
    simulator.failNext('http', 'rate_limited');
    simulator.failNext('http', 'invalid_number');
    simulator.failNext('http', 'rejected');
    simulator.failNext('http', 'server_error');
    const throttled = await post();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe(String(httpSmsRetryAfterSeconds));
    expect(await post()).toMatchObject({ status: 422, body: { error: 'invalid_number' } });
    expect(await post()).toMatchObject({ status: 400, body: { error: 'rejected' } });
    expect((await post()).status).toBe(500);
    expect(simulator.messages()).toHaveLength(0);
    expect((await post()).status).toBe(200);
  });

  it('hangs when told to, until the caller gives up', async () => {
    simulator.failNext('http', 'hang');
    const gaveUp = await fetch(`${simulator.url}${httpSmsPath}`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(gaveUp).toBe('TimeoutError');
  });
});
