import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { providerConfig } from './simulator-connectors.ts';

// The circuit breaker and the routing table are shared through the database: what one instance
// learns about a provider (and a table one saves) the other acts on. SQLite is single-instance:
// there, one instance plays both parts. Also: a provider that hangs costs one try within the
// send's deadline, and the next connector still gets the code.

describeEachEngine('routing shared by instances, and the send deadline', (database) => {
  let first: TestPassline;
  let second: TestPassline;
  let simulator: ProviderSimulator;
  const clock = manualClock(Date.now());
  const ids = { twilio: '', tencent: '' };
  let next = 0;
  const usNumber = () => `+1303555${String(1000 + next++).padStart(4, '0')}`;

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    const overrides = { clock, cacheMs: 0, health: { cacheMs: 0, threshold: 2 }, sendDeadlineMs: 3000 };
    first = await startTestPassline(database(), overrides);
    second = database().engine === 'postgres' ? await startTestPassline(database(), overrides) : first;
    await first.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 0, ipHourlyLimit: 1000 },
    });
    await first.request('PATCH', '/api/settings/protection', { body: { mode: 'record_only' } });
    const twilioConnector = await first.request('POST', '/api/connectors', {
      body: providerConfig(simulator, 'twilio', { timeoutMs: 1000 }),
    });
    const tencentConnector = await first.request('POST', '/api/connectors', {
      body: providerConfig(simulator, 'tencent'),
    });
    ids.twilio = twilioConnector.body.id;
    ids.tencent = tencentConnector.body.id;
    const saved = await first.request('PUT', '/api/routing/sms', {
      body: { rules: [], default: [ids.twilio, ids.tencent] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });
  afterAll(async () => {
    await first.close();
    if (second !== first) await second.close();
    await simulator.close();
  });

  const send = (instance: TestPassline, to: string) =>
    instance.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: instance.verifyKey });

  it('a provider that hangs costs one try within the deadline, and the next connector delivers', async () => {
    simulator.failNext('twilio', 'hang', 1);
    const to = usNumber();
    const sent = await send(second, to);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['timeout', 'sent']);
    expect(simulator.messages({ provider: 'tencent', to })).toHaveLength(1);
  });

  it('failures seen by one instance open the breaker for the other', async () => {
    simulator.failNext('twilio', 'server_error', 1);
    expect((await send(first, usNumber())).status).toBe(201);
    // The hang above and this failure are two in a row: open, for both instances.
    const health = await second.request('GET', '/api/routing/health');
    expect(health.body.items.find((item: { connectorId: string }) => item.connectorId === ids.twilio)).toMatchObject({
      state: 'open',
      consecutiveFailures: 2,
    });
    simulator.reset();
    const skipped = await send(second, usNumber());
    expect(skipped.body.attempts).toEqual([expect.objectContaining({ connectorId: ids.tencent, outcome: 'sent' })]);
    expect(simulator.messages({ provider: 'twilio' })).toHaveLength(0);

    // The table saved on the first instance routes the second's sends too.
    await first.request('PUT', '/api/routing/sms', { body: { rules: [], default: [ids.tencent, ids.twilio] } });
    const resolved = await second.request('GET', '/api/routing/sms/resolve?to=%2B13035550000');
    expect(resolved.body.chain.map((entry: { connectorId: string }) => entry.connectorId)).toEqual([
      ids.tencent,
      ids.twilio,
    ]);
  });

  it('when every connector of the chain fails, the code is cancelled and the answer names each try', async () => {
    clock.advance(60_000);
    simulator.failNext('twilio', 'server_error', 1);
    simulator.failNext('tencent', 'server_error', 1);
    const failed = await send(first, usNumber());
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('delivery.provider_unavailable');
    expect(failed.body.error.details.attempts).toEqual([
      expect.objectContaining({ connectorId: ids.tencent, outcome: 'provider_unavailable' }),
      expect.objectContaining({ connectorId: ids.twilio, outcome: 'provider_unavailable' }),
    ]);
  });
});
