import { describe, expect, it } from 'vitest';
import { sinchSimulation } from './sinch.ts';
import { useProviderSimulator } from './testing.ts';
import type { SimulatedRequest } from './types.ts';

describe('sinch simulation routing', () => {
  const request = (path: string): SimulatedRequest => ({
    method: 'POST',
    url: new URL(path, 'http://simulator.local'),
    headers: {},
    rawBody: '',
  });

  it('takes the xms/v1 API and leaves the other providers alone', () => {
    expect(sinchSimulation.matches(request('/xms/v1/plan/batches'))).toBe(true);
    expect(sinchSimulation.matches(request('/2010-04-01/Accounts/AC1/Messages.json'))).toBe(false);
    expect(sinchSimulation.matches(request('/proxy/xms/v1/plan/batches'))).toBe(false);
  });
});

describe('sinch simulation over HTTP', () => {
  const simulator = useProviderSimulator();

  async function post(options: { token?: string; plan?: string; body?: unknown; contentType?: string } = {}) {
    const { servicePlanId, apiToken } = simulator.credentials.sinch;
    const body = options.body ?? { from: '+12025550134', to: ['+14155550123'], body: 'Your code is 123456' };
    const response = await fetch(`${simulator.url}/xms/v1/${options.plan ?? servicePlanId}/batches`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.token ?? apiToken}`,
        'Content-Type': options.contentType ?? 'application/json',
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('creates a batch (201) and echoes the numbers without "+"', async () => {
    const { status, body } = await post();
    expect(status).toBe(201);
    expect(body).toMatchObject({ to: ['14155550123'], from: '12025550134', type: 'mt_text', canceled: false });
    expect(body.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(simulator.messages({ provider: 'sinch' })).toMatchObject([{ to: '+14155550123', messageId: body.id }]);
  });

  it('answers Sinch error bodies for bad credentials, plans and requests', async () => {
    expect(await post({ token: 'wrong' })).toEqual({
      status: 401,
      body: { code: 'unauthorized', text: 'Unauthorized' },
    });
    expect((await post({ plan: 'another' })).body.code).toBe('forbidden');
    expect((await post({ body: '{nope' })).body.code).toBe('syntax_invalid_json');
    expect((await post({ contentType: 'text/plain' })).body.code).toBe('syntax_invalid_json');
    expect((await post({ body: { to: ['+14155550123'], body: 'x' } })).body).toEqual({
      code: 'syntax_constraint_violation',
      text: 'from: must not be null',
    });
    expect((await post({ body: { from: 'Passline', to: ['0123'], body: 'x' } })).body.code).toBe(
      'syntax_invalid_parameter_format',
    );
    expect((await post({ body: { from: 'Pass-line!', to: ['+14155550123'], body: 'x' } })).body.text).toContain('from');
    expect(simulator.messages()).toHaveLength(0);
  });

  it('acts out the queued failures', async () => {
    simulator.failNext('sinch', 'rate_limited');
    simulator.failNext('sinch', 'invalid_number');
    simulator.failNext('sinch', 'rejected');
    simulator.failNext('sinch', 'server_error');
    expect((await post()).status).toBe(429);
    expect((await post()).body.code).toBe('syntax_invalid_parameter_format');
    expect((await post()).body.code).toBe('blocked_account');
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(201);
  });
});
