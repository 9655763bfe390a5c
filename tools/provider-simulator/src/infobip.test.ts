import { describe, expect, it } from 'vitest';
import { infobipSimulation } from './infobip.ts';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';

describe('infobip simulation routing', () => {
  const request = (path: string): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers: {},
    rawBody: '',
  });

  it("takes the numbered SMS API paths and leaves Vonage's /sms/json and the other providers alone", () => {
    expect(infobipSimulation.matches(request('/sms/3/messages'))).toBe(true);
    expect(infobipSimulation.matches(request('/sms/2/text/advanced'))).toBe(true);
    expect(infobipSimulation.matches(request('/sms/json'))).toBe(false);
    expect(infobipSimulation.matches(request('/xms/v1/plan/batches'))).toBe(false);
    expect(infobipSimulation.matches(request('/proxy/sms/3/messages'))).toBe(false);
  });
});

describe('infobip simulation over HTTP', () => {
  const simulator = useProviderSimulator();
  const message = {
    sender: 'Passline',
    destinations: [{ to: '14155550123' }],
    content: { text: 'Your code is 123456' },
  };

  async function post(
    options: { authorization?: string; path?: string; body?: unknown; contentType?: string; method?: string } = {},
  ) {
    const body = options.body ?? { messages: [message] };
    const response = await fetch(`${simulator.url}${options.path ?? '/sms/3/messages'}`, {
      method: options.method ?? 'POST',
      headers: {
        Authorization: options.authorization ?? `App ${simulator.credentials.infobip.apiKey}`,
        'Content-Type': options.contentType ?? 'application/json',
      },
      body: options.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown> & { messages?: Array<Record<string, unknown>> },
    };
  }

  it('accepts a message (200) with a PENDING_ACCEPTED status per destination and records it', async () => {
    const { status, body } = await post();
    expect(status).toBe(200);
    expect(body.bulkId).toMatch(/^\d{19}$/);
    const [answer] = body.messages ?? [];
    expect(answer).toMatchObject({
      destination: '14155550123',
      status: { groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED' },
      details: { messageCount: 1 },
    });
    expect(answer?.messageId).toMatch(/^\d{19}$/);
    expect(simulator.messages({ provider: 'infobip' })).toMatchObject([
      { to: '14155550123', text: 'Your code is 123456', sender: 'Passline', messageId: answer?.messageId },
    ]);
  });

  it('counts the SMS parts of a long or non-GSM text', async () => {
    const long = { ...message, content: { text: 'x'.repeat(161) } };
    const unicode = { ...message, content: { text: '验证码'.repeat(24) } };
    const { body } = await post({ body: { messages: [long, unicode] } });
    expect(body.messages?.map((answer) => answer.details)).toEqual([{ messageCount: 2 }, { messageCount: 2 }]);
  });

  it('refuses a missing or wrong App key with a 401 E401 body', async () => {
    for (const authorization of ['App wrong-key', `Bearer ${simulator.credentials.infobip.apiKey}`, '']) {
      const { status, body } = await post({ authorization });
      expect(status).toBe(401);
      expect(body).toMatchObject({ errorCode: 'E401', description: 'Invalid login details.', violations: [] });
    }
    expect(simulator.messages()).toHaveLength(0);
  });

  it('answers 404 E404 for other paths and methods, and 400 E400 with violations for bad requests', async () => {
    expect((await post({ path: '/sms/2/text/advanced' })).body.errorCode).toBe('E404');
    expect((await post({ method: 'GET' })).status).toBe(404);
    expect((await post({ body: '{nope' })).body).toMatchObject({ errorCode: 'E400' });
    expect((await post({ contentType: 'text/plain' })).status).toBe(400);
    const missing = await post({ body: { messages: [{ destinations: [], content: {} }] } });
    expect(missing.status).toBe(400);
    expect(missing.body.violations).toEqual([
      { property: 'messages[0].sender', violation: 'must not be blank' },
      { property: 'messages[0].destinations', violation: 'must not be empty' },
      { property: 'messages[0].content.text', violation: 'must not be blank' },
    ]);
    const sender = await post({ body: { messages: [{ ...message, sender: 'Pass-line!' }] } });
    expect(sender.body.violations).toMatchObject([{ property: 'messages[0].sender' }]);
    expect(simulator.messages()).toHaveLength(0);
  });

  it('rejects a malformed destination inside a 200, as Infobip does, without sending', async () => {
    const { status, body } = await post({ body: { messages: [{ ...message, destinations: [{ to: '0123' }] }] } });
    expect(status).toBe(200);
    expect(body.messages?.[0]?.status).toMatchObject({ groupName: 'REJECTED', id: 52, name: 'REJECTED_DESTINATION' });
    expect(simulator.messages()).toHaveLength(0);
  });

  it('acts out the queued failures', async () => {
    simulator.failNext('infobip', 'rate_limited');
    simulator.failNext('infobip', 'invalid_number');
    simulator.failNext('infobip', 'rejected');
    simulator.failNext('infobip', 'server_error');
    const throttled = await post();
    expect(throttled).toMatchObject({ status: 429, retryAfter: '2', body: { errorCode: 'E429' } });
    expect((await post()).body.messages?.[0]?.status).toMatchObject({ name: 'REJECTED_DESTINATION' });
    expect((await post()).body.messages?.[0]?.status).toMatchObject({ id: 12, name: 'REJECTED_NOT_ENOUGH_CREDITS' });
    expect(await post()).toMatchObject({ status: 500, body: { errorCode: 'E500' } });
    expect(simulator.messages()).toHaveLength(0);
    expect((await post()).status).toBe(200);
    expect(simulator.messages()).toHaveLength(1);
  });
});
