import { describe, expect, it } from 'vitest';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';
import { sign, vonageSimulation } from './vonage.ts';

describe('vonage simulation routing', () => {
  const request = (path: string): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers: {},
    rawBody: '',
  });

  it('takes /sms/json and leaves the other providers alone', () => {
    expect(vonageSimulation.matches(request('/sms/json'))).toBe(true);
    expect(vonageSimulation.matches(request('/2010-04-01/Accounts/AC1/Messages.json'))).toBe(false);
    expect(vonageSimulation.matches(request('/proxy/sms/json'))).toBe(false);
  });
});

describe('vonage simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  async function post(params: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
    const body = contentType.includes('json') ? JSON.stringify(params) : new URLSearchParams(params).toString();
    const response = await fetch(`${simulator.url}/sms/json`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const message = () => {
    const { apiKey, apiSecret } = simulator.credentials.vonage;
    return { api_key: apiKey, api_secret: apiSecret, from: 'Passline', to: '447700900000', text: 'Code 123456' };
  };
  const status = (body: Record<string, unknown>) => (body.messages as Array<Record<string, string>>)[0];

  it('accepts a form or JSON request and answers with the real response shape', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'application/json']) {
      const { status: http, body } = await post(message(), type);
      expect(http).toBe(200);
      expect(body).toMatchObject({ 'message-count': '1' });
      expect(status(body)).toMatchObject({ to: '447700900000', status: '0', 'message-id': expect.any(String) });
    }
    expect(simulator.messages({ provider: 'vonage' })).toHaveLength(2);
  });

  it('counts the parts of a long message', async () => {
    const { body } = await post({ ...message(), text: 'x'.repeat(161) });
    expect(body['message-count']).toBe('2');
  });

  it('refuses a wrong key or secret with status 4', async () => {
    expect(status((await post({ ...message(), api_secret: 'wrong' })).body)).toEqual({
      status: '4',
      'error-text': 'Bad Credentials',
    });
    expect(status((await post({ ...message(), api_key: 'wrong' })).body)?.status).toBe('4');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('accepts a valid sig and refuses a wrong one, a stale timestamp or a sig with the secret', async () => {
    const { api_secret: _secret, ...unsigned } = message();
    const { signatureSecret, signatureMethod } = simulator.credentials.vonage;
    const fresh = { ...unsigned, timestamp: String(Math.floor(Date.now() / 1000)) };
    const ok = await post({ ...fresh, sig: sign(fresh, signatureSecret, signatureMethod).toUpperCase() });
    expect(status(ok.body)?.status).toBe('0');
    const wrong = await post({ ...fresh, sig: sign(fresh, 'other', signatureMethod) });
    expect(status(wrong.body)?.status).toBe('14');
    const stale = { ...unsigned, timestamp: String(Math.floor(Date.now() / 1000) - 3600) };
    expect(status((await post({ ...stale, sig: sign(stale, signatureSecret, signatureMethod) })).body)?.status).toBe(
      '14',
    );
    const both = await post({ ...fresh, api_secret: 'x', sig: sign(fresh, signatureSecret, signatureMethod) });
    expect(status(both.body)?.status).toBe('32');
    expect(simulator.messages()).toHaveLength(1);
  });

  it('checks the parameters as Vonage does', async () => {
    expect(status((await post({ ...message(), from: '' })).body)?.status).toBe('2');
    expect(status((await post({ ...message(), to: '+447700900000' })).body)?.status).toBe('3');
    expect(status((await post({ ...message(), from: 'Far too long sender' })).body)?.status).toBe('15');
  });

  it('acts out the queued failures', async () => {
    simulator.failNext('vonage', 'rate_limited');
    expect(status((await post(message())).body)?.status).toBe('1');
    simulator.failNext('vonage', 'invalid_number');
    expect(status((await post(message())).body)).toMatchObject({ status: '3', 'error-text': 'Invalid to address' });
    simulator.failNext('vonage', 'rejected');
    expect(status((await post(message())).body)?.status).toBe('7');
    simulator.failNext('vonage', 'server_error');
    const response = await fetch(`${simulator.url}/sms/json`, { method: 'POST' });
    expect(response.status).toBe(503);
    expect(simulator.messages()).toHaveLength(0);
  });
});
