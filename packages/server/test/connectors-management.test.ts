import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { secretMask } from '@passline/connector-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { devSmsConfig, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

interface Received {
  to: string;
  usage: string;
  text: string;
  signature: string;
  body: string;
}

/** A real HTTP "SMS gateway" for the example webhook connector; it can be told to refuse. */
async function startGateway() {
  const received: Received[] = [];
  let failWith: number | undefined;
  let failText = 'number blocked by gateway policy';
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (failWith) {
        response.writeHead(failWith, { 'content-type': 'text/plain' }).end(failText);
        return;
      }
      received.push({
        ...(JSON.parse(body) as Omit<Received, 'signature' | 'body'>),
        signature: String(request.headers['x-signature']),
        body,
      });
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `gw-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    received,
    fail: (status: number | undefined, text = 'number blocked by gateway policy') => {
      failWith = status;
      failText = text;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const templates = [
  { usageType: 'Register', content: 'Welcome! Code {{code}}' },
  { usageType: 'SignIn', content: 'Sign-in code {{code}}, valid {{expiresInMinutes}} min' },
  { usageType: 'ForgotPassword', content: 'Reset code {{code}}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];

describeEachEngine('connectors: management, secrets at rest, switching, test sends', (database) => {
  let passline: TestPassline;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const signingSecret = 'gateway-signing-secret-0123456789';

  beforeAll(async () => {
    gateway = await startGateway();
    passline = await startTestPassline(database(), {
      config: { connectorModules: ['./examples/webhook-sms-connector/index.ts'] },
    });
  });
  afterAll(async () => {
    await passline.close();
    await gateway.close();
  });

  const webhookConfig = () => ({ url: gateway.url, signingSecret, templates });

  it('lists factories, including a custom connector loaded from PASSLINE_CONNECTORS, with README and JSON Schema', async () => {
    const list = await passline.request('GET', '/api/connector-factories');
    expect(list.body.map((factory: { id: string }) => factory.id)).toEqual(
      expect.arrayContaining(['dev-sms', 'webhook-sms']),
    );
    const factory = await passline.request('GET', '/api/connector-factories/webhook-sms');
    expect(factory.body.readme).toContain('# Webhook SMS');
    expect(factory.body.secretFields).toEqual(['signingSecret']);
    expect(factory.body.configSchema.properties.signingSecret).toMatchObject({ type: 'string', writeOnly: true });
    expect((await passline.request('GET', '/api/connector-factories/nope')).body.error.code).toBe(
      'connector.factory_not_found',
    );
  });

  it('refuses an invalid config with every problem listed, and stores nothing', async () => {
    const result = await passline.request('POST', '/api/connectors', {
      body: {
        factoryId: 'webhook-sms',
        config: { url: 'ftp://x', signingSecret: 'short', templates: templates.slice(1), extra: 1 },
      },
    });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('connector.invalid_config');
    const paths = result.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'signingSecret', 'templates', 'extra']));
    expect(result.body.error.message).toContain('a template for usage "Register" is required');
    expect((await passline.request('GET', '/api/connectors')).body).toEqual([]);
  });

  it('encrypts secrets at rest, never returns them, and keeps them when the mask is sent back', async () => {
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'webhook-sms', config: webhookConfig() },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      factoryId: 'webhook-sms',
      active: true,
      config: { signingSecret: secretMask, url: gateway.url },
    });

    const row = await passline.storage.db
      .selectFrom('connectors')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(signingSecret);
    expect(JSON.parse(row.secrets as string)).toMatchObject({ v: 1, kid: passline.keys.keyId });
    for (const response of [
      await passline.request('GET', `/api/connectors/${created.body.id}`),
      await passline.request('GET', '/api/connectors'),
    ]) {
      expect(JSON.stringify(response.body)).not.toContain(signingSecret);
    }

    const patched = await passline.request('PATCH', `/api/connectors/${created.body.id}`, {
      body: {
        config: {
          signingSecret: secretMask,
          templates: templates.map((t) => ({ ...t, content: `[Acme] ${t.content}` })),
        },
      },
    });
    expect(patched.status).toBe(200);
    const sent = await passline.request('POST', '/api/verifications', {
      body: { to: '+12015550170', usage: 'SignIn' },
      key: passline.verifyKey,
    });
    expect(sent.status).toBe(201);
    const delivered = gateway.received.at(-1) as Received;
    expect(delivered.text).toMatch(/^\[Acme\] Sign-in code \d{6}, valid 10 min$/);
    // The gateway can check the signature with the secret kept through the PATCH.
    expect(delivered.signature).toBe(createHmac('sha256', signingSecret).update(delivered.body).digest('hex'));

    const badPatch = await passline.request('PATCH', `/api/connectors/${created.body.id}`, {
      body: { config: { url: 'not a url' } },
    });
    expect(badPatch.body.error.code).toBe('connector.invalid_config');
  });

  it('keeps one active SMS connector: a new one deactivates the previous, which keeps its config and can come back', async () => {
    const before = (await passline.request('GET', '/api/connectors')).body as Array<{
      id: string;
      factoryId: string;
      active: boolean;
    }>;
    const webhook = before.find((connector) => connector.factoryId === 'webhook-sms');
    const dev = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    const listed = (await passline.request('GET', '/api/connectors')).body as Array<{
      id: string;
      active: boolean;
      config: unknown;
    }>;
    expect(listed.filter((connector) => connector.active).map((connector) => connector.id)).toEqual([dev.body.id]);
    const kept = listed.find((connector) => connector.id === webhook?.id);
    expect(kept).toMatchObject({ active: false, config: { url: gateway.url, signingSecret: secretMask } });

    const activated = await passline.request('POST', `/api/connectors/${webhook?.id}/activate`);
    expect(activated.body.active).toBe(true);
    expect((await passline.request('GET', `/api/connectors/${dev.body.id}`)).body.active).toBe(false);
    const count = gateway.received.length;
    expect(
      (
        await passline.request('POST', '/api/verifications', {
          body: { to: '+12015550171', usage: 'Register' },
          key: passline.verifyKey,
        })
      ).status,
    ).toBe(201);
    expect(gateway.received).toHaveLength(count + 1);
    expect(gateway.received.at(-1)?.text).toMatch(/^\[Acme\] Welcome! Code \d{6}$/);

    expect((await passline.request('DELETE', `/api/connectors/${dev.body.id}`)).status).toBe(204);
    expect((await passline.request('GET', `/api/connectors/${dev.body.id}`)).body.error.code).toBe(
      'connector.not_found',
    );
    expect((await passline.request('POST', '/api/connectors/con_missing/activate')).status).toBe(404);
  });

  it('sends a test SMS with the Generic template through an unsaved config, and reports provider errors to the admin', async () => {
    const count = gateway.received.length;
    const ok = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: { to: '+12015550172', config: webhookConfig() },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ to: '+1201*****72', messageId: `gw-${count + 1}` });
    expect(gateway.received.at(-1)?.text).toMatch(/^Your code is \d{6}$/);

    gateway.fail(403);
    const refused = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: { to: '+12015550172', config: webhookConfig() },
    });
    gateway.fail(undefined);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({
      code: 'delivery.rejected',
      details: { kind: 'provider_rejected', httpStatus: 403, providerMessage: 'number blocked by gateway policy' },
    });

    const unreachable = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: { to: '+12015550172', config: { ...webhookConfig(), url: 'http://127.0.0.1:1/send' } },
    });
    expect(unreachable.body.error).toMatchObject({
      code: 'delivery.provider_unavailable',
      details: { kind: 'provider_unavailable' },
    });

    const invalid = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: { to: '+12015550172', config: { ...webhookConfig(), templates: [] } },
    });
    expect(invalid.body.error.code).toBe('connector.invalid_config');
  });

  it('fills masked secrets from a saved connector when testing its edits', async () => {
    const saved = (
      (await passline.request('GET', '/api/connectors')).body as Array<{ id: string; active: boolean }>
    ).find((c) => c.active);
    const result = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: {
        to: '+12015550173',
        connectorId: saved?.id,
        config: { url: gateway.url, signingSecret: secretMask, templates },
      },
    });
    expect(result.status).toBe(200);
    const delivered = gateway.received.at(-1) as Received;
    expect(delivered.signature).toBe(createHmac('sha256', signingSecret).update(delivered.body).digest('hex'));
  });

  it('logs every delivery without the code, and never logs or returns a code or a secret', async () => {
    const sent = await passline.request('POST', '/api/verifications', {
      body: { to: '+12015550174', usage: 'ForgotPassword' },
      key: passline.verifyKey,
    });
    const code = gateway.received.at(-1)?.text.match(/(\d{6})$/)?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    const messages = await passline.request('GET', '/api/messages?limit=100');
    const entry = messages.body.items.find((item: { verificationId: string }) => item.verificationId === sent.body.id);
    expect(entry).toMatchObject({
      status: 'sent',
      to: '+1201*****74',
      usage: 'ForgotPassword',
      factoryId: 'webhook-sms',
      test: false,
    });
    const failed = messages.body.items.find(
      (item: { error: { kind: string } | null }) => item.error?.kind === 'provider_rejected',
    );
    expect(failed.error.kind).toBe('provider_rejected');
    expect(failed.error.message).toContain('number blocked by gateway policy');
    for (const text of [JSON.stringify(messages.body), JSON.stringify(sent.body), passline.logs()]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(signingSecret);
      expect(text).not.toContain('+12015550174');
    }
    expect(passline.logs()).not.toContain(passline.adminKey);
  });

  it('masks the recipient number, however the provider spells it, in what it stores, logs and returns', async () => {
    const to = '+12015550175';
    gateway.fail(
      400,
      'cannot deliver to +12015550175 (12015550175, 2015550175, +1 201-555-0175, (201) 555-0175, 001 201 555 0175)',
    );
    const tested = await passline.request('POST', '/api/connector-factories/webhook-sms/test', {
      body: { to, config: webhookConfig() },
    });
    const sent = await passline.request('POST', '/api/verifications', {
      body: { to, usage: 'SignIn' },
      key: passline.verifyKey,
    });
    gateway.fail(undefined);
    expect(tested.status).toBe(502);
    expect(sent.status).toBe(502);
    const masked =
      'cannot deliver to +1201*****75 (+1201*****75, +1201*****75, +1201*****75, +1201*****75, +1201*****75)';
    expect(tested.body.error.details.providerMessage).toBe(masked);
    const messages = await passline.request('GET', '/api/messages?status=failed&limit=100');
    const entries = messages.body.items.filter((item: { to: string }) => item.to === '+1201*****75');
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.error.message).toContain(masked);
    for (const text of [
      JSON.stringify(tested.body),
      JSON.stringify(sent.body),
      JSON.stringify(messages.body),
      passline.logs(),
    ]) {
      expect(text).not.toMatch(/201\D{0,2}555\D{0,2}0175/);
    }
  });

  it('pages through the message log with a cursor and filters by status', async () => {
    const first = await passline.request('GET', '/api/messages?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await passline.request('GET', `/api/messages?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = await passline.request('GET', '/api/messages?limit=200');
    expect(all.body.items.slice(0, 4).map((item: { id: string }) => item.id)).toEqual(ids.slice(0, 4));
    const failed = await passline.request('GET', '/api/messages?status=failed');
    expect(failed.body.items.every((item: { status: string }) => item.status === 'failed')).toBe(true);
    expect(failed.body.items.length).toBeGreaterThan(0);
  });
});
