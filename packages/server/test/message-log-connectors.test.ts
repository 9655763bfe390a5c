import { afterAll, beforeAll, expect, it } from 'vitest';
import { devSmsConfig, manualClock, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('message log: the connectors it names', (database) => {
  let passline: TestPassline;
  const clock = manualClock();

  beforeAll(async () => {
    passline = await startTestPassline(database(), { clock });
  });
  afterAll(async () => {
    await passline?.close();
  });

  const createDevSms = async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const testSend = (connectorId?: string) =>
    passline.request('POST', '/api/connector-factories/dev-sms/test', {
      body: { to: '+12015550181', config: devSmsConfig, connectorId },
    });

  it('lists every connector with messages, deleted ones too, newest first, without unsaved tests', async () => {
    const first = await createDevSms();
    expect((await testSend(first)).status).toBe(200);
    clock.advance(1000);
    const second = await createDevSms();
    expect((await testSend(second)).status).toBe(200);
    clock.advance(1000);
    // A test of settings that were never saved has no connector to filter by.
    expect((await testSend()).status).toBe(200);
    expect((await passline.request('DELETE', `/api/connectors/${first}`)).status).toBe(204);

    const listed = await passline.request('GET', '/api/messages/connectors');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { connectorId: second, factoryId: 'dev-sms', lastMessageAt: new Date(clock.now() - 1000).toISOString() },
      { connectorId: first, factoryId: 'dev-sms', lastMessageAt: new Date(clock.now() - 2000).toISOString() },
    ]);
    // The deleted connector's messages can still be filtered by it.
    const ofDeleted = await passline.request('GET', `/api/messages?connectorId=${first}`);
    expect(ofDeleted.body.items).toHaveLength(1);
  });

  it('is for admins only', async () => {
    expect((await passline.request('GET', '/api/messages/connectors', { key: null })).status).toBe(401);
    const asBackend = await passline.request('GET', '/api/messages/connectors', { key: passline.verifyKey });
    expect(asBackend.status).toBe(403);
    expect(asBackend.body.error.code).toBe('auth.insufficient_scope');
  });
});
