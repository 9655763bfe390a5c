import { describe, expect, it } from 'vitest';
import { plivoSimulation } from './plivo.ts';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';

describe('plivo simulation routing', () => {
  const request = (path: string): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers: {},
    rawBody: '',
  });

  it('takes the v1 Account API and leaves the other providers alone', () => {
    expect(plivoSimulation.matches(request('/v1/Account/MA1/Message/'))).toBe(true);
    expect(plivoSimulation.matches(request('/2010-04-01/Accounts/AC1/Messages.json'))).toBe(false);
    expect(plivoSimulation.matches(request('/?Action=SendSms'))).toBe(false);
  });
});

describe('plivo simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  async function post(options: { authToken?: string; pathId?: string; body?: unknown } = {}) {
    const { authId, authToken } = simulator.credentials.plivo;
    const body = options.body ?? { src: '+14155550100', dst: '+14155550123', text: 'Your code is 123456' };
    const response = await fetch(`${simulator.url}/v1/Account/${options.pathId ?? authId}/Message/`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${authId}:${options.authToken ?? authToken}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('answers 202 with api_id and a message_uuid list, and records the message', async () => {
    const { status, body } = await post();
    expect(status).toBe(202);
    expect(body).toEqual({
      api_id: expect.any(String),
      message: 'message(s) queued',
      message_uuid: [expect.any(String)],
    });
    expect(simulator.messages({ provider: 'plivo' })).toMatchObject([
      { to: '+14155550123', text: 'Your code is 123456', sender: '+14155550100' },
    ]);
  });

  it('refuses wrong credentials and another account path with 401', async () => {
    expect((await post({ authToken: 'nope' })).body).toMatchObject({ error: 'authentication failed' });
    expect((await post({ pathId: 'MAOTHER' })).status).toBe(401);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('refuses src and powerpack_uuid together, neither, and a bad dst with 400', async () => {
    const both = { src: '+14155550100', powerpack_uuid: 'd35f2e82-d387-427f-8594-6fa07703b2a4', dst: '1', text: 't' };
    expect((await post({ body: both })).status).toBe(400);
    expect((await post({ body: { dst: '+14155550123', text: 't' } })).status).toBe(400);
    const badDst = await post({ body: { src: '+14155550100', dst: 'abc', text: 't' } });
    expect(badDst).toMatchObject({ status: 400, body: { error: 'invalid dst parameter: abc' } });
  });

  it('acts out queued failures: 429 with Retry-After, 403, 500', async () => {
    simulator.failNext('plivo', 'rate_limited');
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    simulator.failNext('plivo', 'rejected');
    expect((await post()).status).toBe(403);
    simulator.failNext('plivo', 'server_error');
    expect((await post()).status).toBe(500);
    expect(simulator.messages()).toHaveLength(0);
  });
});
